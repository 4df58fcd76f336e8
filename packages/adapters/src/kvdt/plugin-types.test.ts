/*
 * The typed plugin host seen from a feature package: the KVDT adapter declares what `billing-export` answers
 * (HookDataRegistry, by declaration merging), so hosts read `data` without a cast and a wrong context or a wrong
 * answer does not compile. The `@ts-expect-error` lines are checked by `tsc -p tsconfig.check.json`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createPvsKit, type HookData, type PvsKitPlugin } from '@pvskit/core';
import type { KvdtExportData } from './plugin.js';
import { kvdtExportPlugin } from './plugin.js';

describe('billing-export, typed by the adapter', () => {
  it('types the data of billing-export answers as the adapter declared it', () => {
    expectTypeOf<HookData<'billing-export'>>().toEqualTypeOf<KvdtExportData>();
    const kit = createPvsKit({ plugins: [kvdtExportPlugin()] });
    const run = () => kit.callHook('billing-export', { items: [] });
    expectTypeOf(run).returns.resolves.toHaveProperty('results');
    type Data = Awaited<ReturnType<typeof run>>['results'][number]['data'];
    expectTypeOf<Data>().toEqualTypeOf<KvdtExportData | undefined>();
  });

  it('refuses a wrong context and a wrong answer at compile time', async () => {
    const kit = createPvsKit({ plugins: [kvdtExportPlugin()] });
    // @ts-expect-error items must be cases or bundles, not a string
    await expect(kit.callHook('billing-export', { items: 'alle' })).rejects.toMatchObject({ code: 'VALIDATION' });
    // @ts-expect-error case-edit takes { case } or { bundle }, not billing-export's items
    await expect(kit.callHook('case-edit', { items: [] })).rejects.toMatchObject({ code: 'VALIDATION' });
    const liar: PvsKitPlugin = {
      id: 'liar',
      title: 'Lügner',
      hooks: {
        // @ts-expect-error billing-export answers KvdtExportData, not a bare number
        'billing-export': () => ({ cards: [], data: 42 }),
        'case-edit': (ctx) => {
          // @ts-expect-error a case-edit context has no items
          void ctx.items;
          return [];
        },
      },
    };
    expect(liar.id).toBe('liar');
  });
});
