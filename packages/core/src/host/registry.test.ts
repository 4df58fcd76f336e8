import '../../test/hooks.js';
import { describe, expect, it } from 'vitest';
import { PvsKitError, ValidationError } from '../errors.js';
import { createPvsKit } from '../kit.js';
import type { PvsKitPlugin } from './plugin.js';

const multi: PvsKitPlugin = {
  id: 'billing',
  title: 'Abrechnung Notfalldienst',
  description: 'Prüft Notfalldienstfälle nach EBM',
  hooks: { 'case-sign': () => [], 'case-edit': () => [], 'billing-export': () => ({ cards: [] }) },
};
const video: PvsKitPlugin = { id: 'video', title: 'Videosprechstunde', hooks: { 'appointment-book': () => [] } };

function codeOf(f: () => unknown): unknown {
  try {
    f();
    return 'no error';
  } catch (e) {
    return e instanceof PvsKitError ? e.code : e;
  }
}

describe('registration', () => {
  it('lists plugins with their hooks in hookNames order', () => {
    const kit = createPvsKit({ plugins: [multi, video] });
    expect(kit.plugins()).toEqual([
      {
        id: 'billing',
        title: 'Abrechnung Notfalldienst',
        description: 'Prüft Notfalldienstfälle nach EBM',
        hooks: ['case-edit', 'case-sign', 'billing-export'],
        enabled: true,
        strikes: 0,
      },
      { id: 'video', title: 'Videosprechstunde', hooks: ['appointment-book'], enabled: true, strikes: 0 },
    ]);
  });

  it('describes one CDS Hooks service per plugin and hook', () => {
    const kit = createPvsKit({ plugins: [multi, video] });
    expect(kit.services()).toEqual([
      { id: 'billing.case-edit', hook: 'case-edit', title: 'Abrechnung Notfalldienst', description: 'Prüft Notfalldienstfälle nach EBM', pluginId: 'billing' },
      { id: 'billing.case-sign', hook: 'case-sign', title: 'Abrechnung Notfalldienst', description: 'Prüft Notfalldienstfälle nach EBM', pluginId: 'billing' },
      { id: 'billing.billing-export', hook: 'billing-export', title: 'Abrechnung Notfalldienst', description: 'Prüft Notfalldienstfälle nach EBM', pluginId: 'billing' },
      { id: 'video.appointment-book', hook: 'appointment-book', title: 'Videosprechstunde', description: 'Videosprechstunde', pluginId: 'video' },
    ]);
  });

  it('keeps the services current through register, unregister and reload, and hands out copies', () => {
    const kit = createPvsKit({ plugins: [video] });
    const ids = (): string[] => kit.services().map((s) => s.id);
    const first = kit.services();
    (first[0] as { title: string }).title = 'changed by a caller';
    expect(kit.services()[0]?.title).toBe('Videosprechstunde');
    kit.register(multi);
    expect(ids()).toEqual(['video.appointment-book', 'billing.case-edit', 'billing.case-sign', 'billing.billing-export']);
    kit.reload('billing', { ...multi, title: 'Abrechnung neu', hooks: { 'case-edit': () => [] } });
    expect(ids()).toEqual(['video.appointment-book', 'billing.case-edit']);
    expect(kit.services()[1]?.title).toBe('Abrechnung neu');
    kit.unregister('video');
    expect(ids()).toEqual(['billing.case-edit']);
  });

  it('refuses duplicates and unknown ids', () => {
    const kit = createPvsKit({ plugins: [multi] });
    expect(codeOf(() => kit.register({ ...video, id: 'billing' }))).toBe('PLUGIN_DUPLICATE');
    expect(codeOf(() => kit.unregister('nope'))).toBe('PLUGIN_NOT_FOUND');
    expect(codeOf(() => kit.reload('nope'))).toBe('PLUGIN_NOT_FOUND');
    expect(codeOf(() => createPvsKit({ plugins: [multi, multi] }))).toBe('PLUGIN_DUPLICATE');
  });

  it('refuses malformed plugins', () => {
    const kit = createPvsKit();
    expect(codeOf(() => kit.register({ ...video, id: 'has space' }))).toBe('VALIDATION');
    expect(codeOf(() => kit.register({ ...video, id: 'a/b' }))).toBe('VALIDATION');
    expect(codeOf(() => kit.register({ ...video, title: '' }))).toBe('VALIDATION');
    expect(codeOf(() => kit.register({ ...video, hooks: {} }))).toBe('VALIDATION');
    expect(codeOf(() => kit.register({ ...video, hooks: { 'patient-edit': () => [] } as never }))).toBe('HOOK_UNKNOWN');
    try {
      kit.register({ ...video, hooks: { 'case-edit': 'not a function' } as never });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]?.path).toEqual(['hooks', 'case-edit']);
    }
    expect(kit.plugins()).toEqual([]);
  });

  it('uses the handlers as registered, whatever happens to the plugin object later', async () => {
    const mutable: PvsKitPlugin = {
      id: 'm',
      title: 'M',
      hooks: { 'patient-view': () => [{ summary: 'erste', indicator: 'info', source: { label: 'M' } }] },
    };
    const kit = createPvsKit({ plugins: [mutable] });
    mutable.hooks['patient-view'] = () => {
      throw new Error('swapped');
    };
    const patient = { lastName: 'A', firstName: 'B', birthDate: '2000-01-01', insurance: { type: 'PKV' as const } };
    const r = await kit.callHook('patient-view', { patient });
    expect(r.cards[0]?.summary).toBe('erste');
  });

  it('validates kit options', () => {
    expect(codeOf(() => createPvsKit({ defaultTimeoutMs: -1 }))).toBe('VALIDATION');
    expect(codeOf(() => createPvsKit({ timeoutsMs: { 'case-edit': 0 } }))).toBe('VALIDATION');
    expect(codeOf(() => createPvsKit({ timeoutsMs: { 'case-view': 10 } as never }))).toBe('VALIDATION');
    expect(codeOf(() => createPvsKit({ maxStrikes: 0 }))).toBe('VALIDATION');
    expect(codeOf(() => createPvsKit({ maxStrikes: 1.5 }))).toBe('VALIDATION');
    expect(codeOf(() => createPvsKit({ clock: 'now' as never }))).toBe('CONFIG');
  });
});

describe('dispose', () => {
  it('skips the rest of a running call and refuses further use', async () => {
    let release: (() => void) | undefined;
    const kit = createPvsKit({
      plugins: [
        {
          id: 'first',
          title: 'Erstes',
          hooks: { 'appointment-book': (_c, call) => new Promise((resolve) => {
            release = () => resolve([]);
            call.signal.addEventListener('abort', () => resolve([]));
          }) },
        },
        { id: 'second', title: 'Zweites', hooks: { 'appointment-book': () => [] } },
      ],
    });
    const pending = kit.callHook('appointment-book', {
      patient: { lastName: 'A', firstName: 'B', birthDate: '2000-01-01', insurance: { type: 'GKV' } },
      slot: { start: '2026-01-12T09:00', durationMinutes: 15 },
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(release).toBeDefined();
    kit.dispose();
    const r = await pending;
    expect(r.results.map((x) => x.status)).toEqual(['skipped', 'skipped']);
    kit.dispose();
    expect(codeOf(() => kit.plugins())).toBe('CONFLICT');
    await expect(kit.callHook('case-edit', { bundle: { duty: { start: '2026-01-09T19:00', end: '2026-01-10T07:00' }, cases: [] } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
