import '../../test/hooks.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { Bundle, Case } from '../schemas/domain.js';
import type { HookResult } from './types.js';
import type { HookContext, HookContextInput } from './hooks.js';
import type { HookHandler, PvsKitPlugin } from './plugin.js';
import { createPvsKit } from '../kit.js';

describe('public types', () => {
  it('types each hook’s context', () => {
    expectTypeOf<HookContext<'case-edit'>>().toEqualTypeOf<{ case: Case } | { bundle: Bundle }>();
    expectTypeOf<HookContext<'appointment-book'>['kind']>().toEqualTypeOf<'standard' | 'conference'>();
    // Defaults are optional on input, filled on output.
    expectTypeOf<HookContextInput<'appointment-book'>>().toHaveProperty('kind');
    expectTypeOf<HookContext<'patient-view'>['patient']['frailty']>().toEqualTypeOf<boolean>();
  });

  it('types handlers by hook and callHook results by hook', () => {
    const plugin: PvsKitPlugin = {
      id: 't',
      title: 'T',
      hooks: {
        'billing-export': (ctx, call) => {
          expectTypeOf(ctx.items).toEqualTypeOf<(Case | Bundle)[]>();
          expectTypeOf(call.hook).toEqualTypeOf<'billing-export'>();
          return { cards: [] };
        },
      },
    };
    expectTypeOf(plugin.hooks['case-sign']).toEqualTypeOf<HookHandler<'case-sign'> | undefined>();
    const kit = createPvsKit({ plugins: [plugin] });
    const exportAll = () => kit.callHook('billing-export', { items: [] });
    expectTypeOf(exportAll).returns.resolves.toEqualTypeOf<HookResult<'billing-export'>>();
  });
});
