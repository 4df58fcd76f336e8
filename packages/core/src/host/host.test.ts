import '../../test/hooks.js';
import { describe, expect, it, vi } from 'vitest';
import { PvsKitError, ValidationError } from '../errors.js';
import { createRecordingLogger } from '../logger.js';
import type { Card } from '../schemas/card.js';
import { createPvsKit } from '../kit.js';
import type { HookHandler, PvsKitPlugin } from './plugin.js';

const patient = { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' as const } };

function card(summary: string, label = 'Test'): Card {
  return { summary, indicator: 'info', source: { label } };
}

function plugin(id: string, handler: HookHandler<'patient-view'>, title = `Plugin ${id}`): PvsKitPlugin {
  return { id, title, hooks: { 'patient-view': handler } };
}

const never = (): Promise<never> => new Promise<never>(() => {});

describe('callHook: ordering and isolation', () => {
  it('returns the cards of two plugins in registration order', async () => {
    const kit = createPvsKit({
      plugins: [plugin('b', () => [card('B1'), card('B2')]), plugin('a', async () => [card('A1')])],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.cards.map((c) => c.summary)).toEqual(['B1', 'B2', 'A1']);
    expect(result.results.map((r) => [r.pluginId, r.status])).toEqual([
      ['b', 'ok'],
      ['a', 'ok'],
    ]);
    expect(result.hook).toBe('patient-view');
    expect(typeof result.hookInstance).toBe('string');
  });

  it('runs plugins one after another, not concurrently', async () => {
    const log: string[] = [];
    const slow = plugin('slow', async () => {
      log.push('slow:start');
      await new Promise((r) => setTimeout(r, 5));
      log.push('slow:end');
      return [];
    });
    const fast = plugin('fast', () => {
      log.push('fast');
      return [];
    });
    const kit = createPvsKit({ plugins: [slow, fast] });
    await kit.callHook('patient-view', { patient });
    expect(log).toEqual(['slow:start', 'slow:end', 'fast']);
  });

  it('turns a throwing plugin into an error card and keeps the other plugin’s cards', async () => {
    const kit = createPvsKit({
      plugins: [
        plugin('boom', () => {
          throw new Error('database gone');
        }, 'Abrechnungsprüfung'),
        plugin('ok', () => [card('Alles gut')]),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results.map((r) => r.status)).toEqual(['error', 'ok']);
    expect(result.results[0]?.error).toContain('database gone');
    expect(result.cards).toHaveLength(2);
    const [errorCard, okCard] = result.cards;
    expect(errorCard).toMatchObject({
      indicator: 'warning',
      ruleId: 'PLUGIN-ERROR',
      source: { label: 'Abrechnungsprüfung' },
    });
    expect(errorCard?.summary).toContain('„Abrechnungsprüfung“');
    expect(errorCard?.detail).toContain('database gone');
    expect(okCard?.summary).toBe('Alles gut');
  });

  it('treats a rejected promise and a thrown non-Error like a throw', async () => {
    const kit = createPvsKit({
      plugins: [
        plugin('rejects', () => Promise.reject(new TypeError('bad'))),
        plugin('throws-string', () => {
          throw 'plain string';
        }),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(result.results[0]?.error).toBe('TypeError: bad');
    expect(result.results[1]?.error).toContain('plain string');
  });

  it('gives up on a hanging plugin at its budget with a timeout card and carries on', async () => {
    const kit = createPvsKit({
      defaultTimeoutMs: 50,
      plugins: [plugin('hang', never, 'Videotermin'), plugin('after', () => [card('danach')])],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results.map((r) => r.status)).toEqual(['timeout', 'ok']);
    expect(result.cards[0]).toMatchObject({ indicator: 'warning', ruleId: 'PLUGIN-TIMEOUT' });
    expect(result.cards[0]?.summary).toBe('Plugin „Videotermin“ hat nicht geantwortet (Zeitlimit 50 ms)');
    expect(result.cards[1]?.summary).toBe('danach');
  });

  it('applies per-hook and per-call budgets over the default', async () => {
    const kit = createPvsKit({
      defaultTimeoutMs: 60_000,
      timeoutsMs: { 'patient-view': 30 },
      plugins: [plugin('hang', never)],
    });
    const perHook = await kit.callHook('patient-view', { patient });
    expect(perHook.results[0]?.status).toBe('timeout');
    expect(perHook.cards[0]?.summary).toContain('Zeitlimit 30 ms');
    const perCall = await kit.callHook('patient-view', { patient }, { timeoutMs: 20 });
    expect(perCall.cards[0]?.summary).toContain('Zeitlimit 20 ms');
  });

  it('aborts the plugin’s signal when its budget runs out', async () => {
    let seen: AbortSignal | undefined;
    const abortedReason = new Promise<unknown>((resolve) => {
      const kit = createPvsKit({
        defaultTimeoutMs: 30,
        plugins: [
          plugin('listens', (_ctx, call) => {
            seen = call.signal;
            expect(call.signal.aborted).toBe(false);
            call.signal.addEventListener('abort', () => resolve(call.signal.reason));
            return never();
          }),
        ],
      });
      void kit.callHook('patient-view', { patient });
    });
    const reason = await abortedReason;
    expect(seen?.aborted).toBe(true);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('ignores a late answer and lets no unhandled rejection escape', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      let rejectLate: ((e: Error) => void) | undefined;
      let resolveLate: ((cards: Card[]) => void) | undefined;
      const kit = createPvsKit({
        defaultTimeoutMs: 20,
        plugins: [
          plugin('late-reject', () => new Promise<Card[]>((_r, reject) => (rejectLate = reject))),
          plugin('late-resolve', () => new Promise<Card[]>((resolve) => (resolveLate = resolve))),
        ],
      });
      const result = await kit.callHook('patient-view', { patient });
      expect(result.results.map((r) => r.status)).toEqual(['timeout', 'timeout']);
      rejectLate?.(new Error('too late'));
      resolveLate?.([card('zu spät')]);
      // Two macrotask turns: enough for Node to report an unhandled rejection.
      await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
      expect(result.cards.map((c) => c.summary).join()).not.toContain('zu spät');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('counts a handler that blocks the event loop past its budget as a timeout', async () => {
    const kit = createPvsKit({
      defaultTimeoutMs: 5,
      plugins: [
        plugin('busy', () => {
          const until = performance.now() + 20;
          while (performance.now() < until) {
            // busy: the budget timer cannot fire
          }
          return [card('blockiert')];
        }),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results[0]?.status).toBe('timeout');
    expect(result.cards.map((c) => c.summary)).not.toContain('blockiert');
  });
});

describe('callHook: pluginId on cards', () => {
  it('stamps every card with the answering plugin, error cards with the failed one', async () => {
    const kit = createPvsKit({
      plugins: [
        plugin('boom', () => {
          throw new Error('down');
        }),
        plugin('ok', () => [card('A'), card('B')]),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.cards.map((c) => [c.ruleId, c.pluginId])).toEqual([
      ['PLUGIN-ERROR', 'boom'],
      [undefined, 'ok'],
      [undefined, 'ok'],
    ]);
  });

  it('a plugin cannot pass its cards off as another plugin’s (its own pluginId and source label are not trusted)', async () => {
    const kit = createPvsKit({
      plugins: [
        plugin('billing', () => [card('echt', 'Abrechnung')], 'Abrechnung'),
        // The attacker names the billing plugin in both places a host might read.
        plugin('mallory', () => [{ ...card('falsch', 'Abrechnung'), pluginId: 'billing' }]),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.cards.map((c) => [c.summary, c.pluginId])).toEqual([
      ['echt', 'billing'],
      ['falsch', 'mallory'],
    ]);
  });
});

describe('relayHook: a context the host did not build', () => {
  it('validates it like any context: a bad one throws with its path and reaches no plugin, a good one is answered', async () => {
    const seen: unknown[] = [];
    const kit = createPvsKit({ plugins: [plugin('p', (ctx) => (seen.push(ctx), [card('ok')]))] });
    const fromWire: unknown = JSON.parse('{"patient":{"lastName":"Muster"}}');
    await expect(kit.relayHook('patient-view', fromWire)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(seen).toEqual([]);
    const result = await kit.relayHook('patient-view', JSON.parse(JSON.stringify({ patient })) as unknown);
    expect(result.cards.map((c) => c.summary)).toEqual(['ok']);
    expect(seen).toHaveLength(1);
  });
});

describe('callHook: invalid plugin answers', () => {
  it('reports garbage with its JSON path', async () => {
    const garbage = [{ summary: 'ok', indicator: 'loud', source: { label: 'x' } }];
    const kit = createPvsKit({ plugins: [plugin('garbage', () => garbage as unknown as Card[], 'Müll')] });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results[0]?.status).toBe('invalid');
    expect(result.results[0]?.error).toContain('$[0].indicator');
    expect(result.cards[0]).toMatchObject({ ruleId: 'PLUGIN-INVALID', indicator: 'warning', source: { label: 'Müll' } });
    expect(result.cards[0]?.detail).toContain('$[0].indicator');
  });

  it.each([
    ['undefined', undefined, '$: expected an array of cards'],
    ['a string', 'cards!', '$: expected an array of cards'],
    ['an unknown card field', [{ summary: 's', indicator: 'info', source: { label: 'x' }, colour: 'red' }], '$[0].colour'],
    ['a summary of 141 characters', [{ summary: 'x'.repeat(141), indicator: 'info', source: { label: 'x' } }], '$[0].summary'],
    ['an unknown response key', { cards: [], extra: 1 }, '$.extra'],
    ['cards that are not an array', { cards: 'none' }, '$.cards'],
  ])('refuses %s', async (_name, value, path) => {
    const kit = createPvsKit({ plugins: [plugin('p', () => value as unknown as Card[])] });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results[0]?.status).toBe('invalid');
    expect(result.results[0]?.error).toContain(path);
  });

  it('refuses a card uuid used twice in one call', async () => {
    const dup = { ...card('a'), uuid: 'same' };
    const kit = createPvsKit({ plugins: [plugin('p', () => [dup]), plugin('q', () => [{ ...dup, summary: 'b' }])] });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results.map((r) => r.status)).toEqual(['ok', 'invalid']);
    expect(result.results[1]?.error).toContain('$[0].uuid');
  });

  it('passes `data` through and accepts the { cards } form', async () => {
    const kit = createPvsKit({
      plugins: [
        plugin('with-data', () => ({ cards: [card('x')], data: { file: 'Z01.con' } })),
        plugin('no-data', () => ({ cards: [] })),
      ],
    });
    const result = await kit.callHook('patient-view', { patient });
    expect(result.results[0]).toMatchObject({ status: 'ok', data: { file: 'Z01.con' } });
    expect(result.results[1]?.status).toBe('ok');
    expect(result.results[1]).not.toHaveProperty('data');
  });
});

describe('strikes', () => {
  it('disables a plugin after 3 failures, emits plugin-disabled once, and reload re-enables it', async () => {
    let fail = true;
    const kit = createPvsKit({
      plugins: [
        plugin('flaky', () => {
          if (fail) throw new Error('nope');
          return [card('wieder da')];
        }),
        plugin('steady', () => [card('stabil')]),
      ],
    });
    const disabled = vi.fn();
    const errors = vi.fn();
    kit.on('plugin-disabled', disabled);
    kit.on('plugin-error', errors);

    for (let i = 1; i <= 3; i++) {
      const r = await kit.callHook('patient-view', { patient });
      expect(r.results[0]?.status).toBe('error');
      expect(kit.plugins()[0]?.strikes).toBe(i);
    }
    expect(errors).toHaveBeenCalledTimes(3);
    expect(errors.mock.calls[2]?.[0]).toMatchObject({ pluginId: 'flaky', status: 'error', strikes: 3 });
    expect(disabled).toHaveBeenCalledTimes(1);
    expect(disabled.mock.calls[0]?.[0]).toMatchObject({ pluginId: 'flaky', strikes: 3, hook: 'patient-view' });
    expect(kit.plugins()[0]).toMatchObject({ id: 'flaky', enabled: false, strikes: 3 });
    expect(kit.plugins()[0]?.disabledReason).toContain('nope');

    fail = false;
    const whileDisabled = await kit.callHook('patient-view', { patient });
    expect(whileDisabled.results.map((r) => r.status)).toEqual(['disabled', 'ok']);
    expect(whileDisabled.cards.map((c) => c.summary)).toEqual(['stabil']);
    expect(disabled).toHaveBeenCalledTimes(1);

    kit.reload('flaky');
    expect(kit.plugins()[0]).toMatchObject({ id: 'flaky', enabled: true, strikes: 0 });
    expect(kit.plugins()[0]).not.toHaveProperty('disabledReason');
    const after = await kit.callHook('patient-view', { patient });
    expect(after.cards.map((c) => c.summary)).toEqual(['wieder da', 'stabil']);
  });

  it('counts mixed failures in total, not only consecutive ones', async () => {
    let call = 0;
    const kit = createPvsKit({
      plugins: [
        plugin('mixed', () => {
          call += 1;
          if (call === 1) throw new Error('one');
          if (call === 2) return [card('ok')];
          if (call === 3) return never();
          if (call === 4) return [card('ok')];
          return 'garbage' as unknown as Card[];
        }),
      ],
    });
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      // Only the hanging call gets a small budget, so a noisy machine cannot turn a quick answer into a timeout.
      const options = i === 2 ? { timeoutMs: 30 } : {};
      statuses.push((await kit.callHook('patient-view', { patient }, options)).results[0]?.status ?? '');
    }
    expect(statuses).toEqual(['error', 'ok', 'timeout', 'ok', 'invalid', 'disabled']);
  });

  it('says in the last error card that the plugin is now disabled', async () => {
    const kit = createPvsKit({ maxStrikes: 1, plugins: [plugin('p', () => Promise.reject(new Error('x')))] });
    const r = await kit.callHook('patient-view', { patient });
    expect(r.cards[0]?.detail).toContain('deaktiviert');
    expect(kit.plugins()[0]?.enabled).toBe(false);
  });

  it('never disables with maxStrikes Infinity', async () => {
    const kit = createPvsKit({ maxStrikes: Number.POSITIVE_INFINITY, plugins: [plugin('p', () => Promise.reject(new Error('x')))] });
    for (let i = 0; i < 5; i++) await kit.callHook('patient-view', { patient });
    expect(kit.plugins()[0]).toMatchObject({ enabled: true, strikes: 5 });
  });

  it('reload with a replacement swaps the code and keeps the plugin’s place', async () => {
    const kit = createPvsKit({ plugins: [plugin('a', () => [card('alt')]), plugin('b', () => [card('b')])] });
    kit.reload('a', plugin('a', () => [card('neu')]));
    const r = await kit.callHook('patient-view', { patient });
    expect(r.cards.map((c) => c.summary)).toEqual(['neu', 'b']);
    expect(() => kit.reload('a', plugin('other', () => []))).toThrow(PvsKitError);
  });

  it('a failure of code replaced by reload meanwhile gives no strike to the new code', async () => {
    let release: (() => void) | undefined;
    const kit = createPvsKit({
      defaultTimeoutMs: 10_000,
      plugins: [
        plugin('p', async () => {
          await new Promise<void>((r) => (release = r));
          throw new Error('old code');
        }),
      ],
    });
    const pending = kit.callHook('patient-view', { patient });
    await vi.waitFor(() => expect(release).toBeDefined());
    kit.reload('p', plugin('p', () => []));
    release?.();
    const r = await pending;
    expect(r.results[0]?.status).toBe('error');
    expect(kit.plugins()[0]?.strikes).toBe(0);
  });

  it('a throwing event listener does not break the call', async () => {
    const logger = createRecordingLogger();
    const kit = createPvsKit({ logger, maxStrikes: 1, plugins: [plugin('p', () => Promise.reject(new Error('x')))] });
    kit.on('plugin-error', () => {
      throw new Error('listener bug');
    });
    const off = kit.on('plugin-disabled', () => {
      throw new Error('listener bug 2');
    });
    off();
    const r = await kit.callHook('patient-view', { patient });
    expect(r.results[0]?.status).toBe('error');
    expect(logger.entries.filter((e) => e.message.includes('listener threw'))).toHaveLength(1);
  });
});

describe('context validation', () => {
  it('throws ValidationError with a path for an invalid context and calls no plugin', async () => {
    const handler = vi.fn(() => [] as Card[]);
    const kit = createPvsKit({ plugins: [plugin('p', handler)] });
    const bad = { patient: { ...patient, birthDate: '1950-02-30' } };
    const error = await kit.callHook('patient-view', bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toContainEqual(['patient', 'birthDate']);
    expect(handler).not.toHaveBeenCalled();
  });

  it('names the bad path inside a case-edit union, not just "Invalid input"', async () => {
    const kit = createPvsKit();
    const input = { case: { patient, services: [{ gop: '01212', date: '2026-01-09', gopp: 'x' }] } };
    const error = await kit.callHook('case-edit', input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toContainEqual({ path: ['case', 'services', 0, 'gopp'], message: 'unknown field "gopp"' });
  });

  it('refuses an unknown hook name', async () => {
    const kit = createPvsKit();
    await expect(kit.callHook('patient-edit' as never, { patient } as never)).rejects.toMatchObject({ code: 'HOOK_UNKNOWN' });
  });

  it('refuses bad call options', async () => {
    const kit = createPvsKit({ plugins: [plugin('p', () => [])] });
    await expect(kit.callHook('patient-view', { patient }, { timeoutMs: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(kit.callHook('patient-view', { patient }, { hookInstance: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(kit.callHook('patient-view', { patient }, { pluginIds: ['nope'] })).rejects.toMatchObject({
      code: 'PLUGIN_NOT_FOUND',
    });
  });

  it('gives plugins a validated, defaulted, frozen context; a plugin that mutates it fails alone', async () => {
    let received: unknown;
    const kit = createPvsKit({
      plugins: [
        plugin('mutates', (ctx) => {
          (ctx.patient as { lastName: string }).lastName = 'Hacked';
          return [];
        }),
        plugin('reads', (ctx) => {
          received = ctx;
          return [card(ctx.patient.lastName)];
        }),
      ],
    });
    const input = { patient };
    const r = await kit.callHook('patient-view', input);
    expect(r.results.map((x) => x.status)).toEqual(['error', 'ok']);
    expect(r.cards[1]?.summary).toBe('Muster');
    expect(received).toMatchObject({ patient: { frailty: false, severeImpairment: false } });
    expect(Object.isFrozen(input)).toBe(false);
  });
});

describe('plugin selection, ids and logging', () => {
  it('calls only the requested plugins and marks the others skipped', async () => {
    const kit = createPvsKit({ plugins: [plugin('a', () => [card('A')]), plugin('b', () => [card('B')])] });
    const r = await kit.callHook('patient-view', { patient }, { pluginIds: ['b'] });
    expect(r.results.map((x) => [x.pluginId, x.status])).toEqual([
      ['a', 'skipped'],
      ['b', 'ok'],
    ]);
    expect(r.cards.map((c) => c.summary)).toEqual(['B']);
  });

  it('gives cards and suggestions uuids, keeps the plugin’s own, and uses the given hookInstance', async () => {
    let n = 0;
    const kit = createPvsKit({
      idGenerator: () => `id-${++n}`,
      plugins: [
        plugin('p', (_ctx, call) => {
          expect(call.hookInstance).toBe('hi-1');
          return [
            { ...card('eigene'), uuid: 'mine' },
            { ...card('ohne'), suggestions: [{ label: 'Vorschlag' }] },
          ];
        }),
      ],
    });
    const r = await kit.callHook('patient-view', { patient }, { hookInstance: 'hi-1' });
    expect(r.hookInstance).toBe('hi-1');
    expect(r.cards[0]?.uuid).toBe('mine');
    expect(r.cards[1]?.uuid).toMatch(/^id-\d+$/);
    expect(r.cards[1]?.suggestions?.[0]?.uuid).toMatch(/^id-\d+$/);
  });

  it('defaults hookInstance and uuids to random UUIDs', async () => {
    const kit = createPvsKit({ plugins: [plugin('p', () => [card('x')])] });
    const r1 = await kit.callHook('patient-view', { patient });
    const r2 = await kit.callHook('patient-view', { patient });
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(r1.hookInstance).toMatch(uuid);
    expect(r1.cards[0]?.uuid).toMatch(uuid);
    expect(r1.hookInstance).not.toBe(r2.hookInstance);
  });

  it('hands plugins a logger scoped to plugin, hook and hookInstance', async () => {
    const logger = createRecordingLogger();
    const kit = createPvsKit({
      logger,
      plugins: [
        plugin('p', (_ctx, call) => {
          call.logger.info('hallo', { n: 1 });
          return [];
        }),
      ],
    });
    const r = await kit.callHook('patient-view', { patient });
    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'hallo',
      data: { n: 1, pluginId: 'p', hook: 'patient-view', hookInstance: r.hookInstance },
    });
  });

  it('a caller abort stops the running plugin without a strike and skips the rest', async () => {
    const caller = new AbortController();
    let pluginSignal: AbortSignal | undefined;
    const kit = createPvsKit({
      defaultTimeoutMs: 60_000,
      plugins: [
        plugin('hang', (_ctx, call) => {
          pluginSignal = call.signal;
          queueMicrotask(() => caller.abort());
          return never();
        }),
        plugin('next', () => [card('n')]),
      ],
    });
    const r = await kit.callHook('patient-view', { patient }, { signal: caller.signal });
    expect(r.results.map((x) => x.status)).toEqual(['skipped', 'skipped']);
    expect(pluginSignal?.aborted).toBe(true);
    expect(kit.plugins()[0]?.strikes).toBe(0);
  });
});

describe('kit instances', () => {
  it('do not share plugins, strikes, cards or listeners', async () => {
    const one = createPvsKit({ maxStrikes: 1, plugins: [plugin('p', () => Promise.reject(new Error('x')))] });
    const two = createPvsKit();
    two.register(plugin('p', () => [card('zwei')]));
    const heard = vi.fn();
    two.on('plugin-disabled', heard);

    const r1 = await one.callHook('patient-view', { patient });
    const r2 = await two.callHook('patient-view', { patient });
    expect(one.plugins()[0]).toMatchObject({ enabled: false, strikes: 1 });
    expect(two.plugins()[0]).toMatchObject({ enabled: true, strikes: 0 });
    expect(r2.cards.map((c) => c.summary)).toEqual(['zwei']);
    expect(heard).not.toHaveBeenCalled();
    expect(() => two.feedback({ card: r1.cards[0]?.uuid ?? '', outcome: 'accepted' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }) as Error,
    );
    one.unregister('p');
    expect(one.plugins()).toEqual([]);
    expect(two.plugins()).toHaveLength(1);
  });
});

describe('hostile answers', () => {
  it('survives a throwing `then` getter, a throwing getter inside a card and a proxy', async () => {
    const hostileThen = {
      get then(): never {
        throw new Error('then getter');
      },
    };
    const hostileCard = [
      {
        indicator: 'info',
        source: { label: 'x' },
        get summary(): string {
          throw new Error('summary getter');
        },
      },
    ];
    const proxy = new Proxy([], {
      get(_target, key) {
        if (key === 'then') return undefined;
        throw new Error('proxy');
      },
    });
    const kit = createPvsKit({
      plugins: [
        plugin('then', () => hostileThen as unknown as Card[]),
        plugin('getter', () => hostileCard as unknown as Card[]),
        plugin('proxy', () => proxy as unknown as Card[]),
        plugin('fine', () => [card('noch da')]),
      ],
    });
    const r = await kit.callHook('patient-view', { patient });
    expect(r.results.map((x) => x.status)).toEqual(['error', 'invalid', 'invalid', 'ok']);
    expect(r.cards.at(-1)?.summary).toBe('noch da');
  });
});

describe('hostile errors', () => {
  it('survives an error whose message getter throws', async () => {
    const nasty = new Error('x');
    Object.defineProperty(nasty, 'message', {
      get(): never {
        throw new Error('message getter');
      },
    });
    const kit = createPvsKit({
      plugins: [
        plugin('nasty', () => {
          throw nasty;
        }),
        plugin('null-proto', () => {
          throw Object.create(null) as Error;
        }),
      ],
    });
    const r = await kit.callHook('patient-view', { patient });
    expect(r.results.map((x) => x.status)).toEqual(['error', 'error']);
    expect(r.cards).toHaveLength(2);
  });
});

describe('budgets', () => {
  it('gives billing-export 60 s by default and lets the host override it', async () => {
    const hang: PvsKitPlugin = { id: 'export', title: 'KVDT-Export', hooks: { 'billing-export': () => never() } };
    const items = [{ patient }];
    const builtIn = createPvsKit({ plugins: [hang], defaultTimeoutMs: 20 });
    const caller = new AbortController();
    const pending = builtIn.callHook('billing-export', { items }, { signal: caller.signal });
    // Still running well past the 20 ms default, because billing-export has its own budget.
    await new Promise((r) => setTimeout(r, 60));
    caller.abort();
    expect((await pending).results[0]?.status).toBe('skipped');

    const overridden = createPvsKit({ plugins: [hang], timeoutsMs: { 'billing-export': 20 } });
    const r = await overridden.callHook('billing-export', { items });
    expect(r.results[0]?.status).toBe('timeout');
    expect(r.cards[0]?.summary).toContain('Zeitlimit 20 ms');
  });
});

describe('concurrency and lifecycle', () => {
  it('keeps concurrent calls apart', async () => {
    const gates: (() => void)[] = [];
    const kit = createPvsKit({
      plugins: [
        plugin('echo', async (ctx, call) => {
          await new Promise<void>((r) => gates.push(r));
          return [card(`${ctx.patient.firstName}@${call.hookInstance}`)];
        }),
      ],
    });
    const a = kit.callHook('patient-view', { patient: { ...patient, firstName: 'Anna' } }, { hookInstance: 'A' });
    const b = kit.callHook('patient-view', { patient: { ...patient, firstName: 'Bert' } }, { hookInstance: 'B' });
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    gates[1]?.();
    gates[0]?.();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.cards.map((c) => c.summary)).toEqual(['Anna@A']);
    expect(rb.cards.map((c) => c.summary)).toEqual(['Bert@B']);
    expect(kit.feedback({ card: ra.cards[0]?.uuid ?? '', outcome: 'accepted' }).hookInstance).toBe('A');
    expect(kit.feedback({ card: rb.cards[0]?.uuid ?? '', outcome: 'accepted' }).hookInstance).toBe('B');
  });

  it('finishes a call whose plugin was unregistered meanwhile, without strikes or events', async () => {
    let release: (() => void) | undefined;
    const kit = createPvsKit({
      plugins: [
        plugin('leaving', async () => {
          await new Promise<void>((r) => (release = r));
          throw new Error('after unregister');
        }),
      ],
    });
    const errors = vi.fn();
    kit.on('plugin-error', errors);
    const pending = kit.callHook('patient-view', { patient });
    await vi.waitFor(() => expect(release).toBeDefined());
    kit.unregister('leaving');
    release?.();
    const r = await pending;
    expect(r.results[0]?.status).toBe('error');
    expect(r.cards[0]?.ruleId).toBe('PLUGIN-ERROR');
    expect(kit.plugins()).toEqual([]);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]?.[0]).toMatchObject({ strikes: 0 });
  });

  it('a plugin that first reads its signal after the budget ran out finds it aborted', async () => {
    let call: { signal: AbortSignal } | undefined;
    let resolveLate: ((v: Card[]) => void) | undefined;
    const kit = createPvsKit({
      defaultTimeoutMs: 20,
      plugins: [
        plugin('lazy', (_ctx, info) => {
          call = info;
          return new Promise<Card[]>((r) => (resolveLate = r));
        }),
      ],
    });
    const r = await kit.callHook('patient-view', { patient });
    expect(r.results[0]?.status).toBe('timeout');
    expect(call?.signal.aborted).toBe(true);
    expect((call?.signal.reason as DOMException).name).toBe('TimeoutError');
    resolveLate?.([]);
  });

  it('passes the caller’s abort reason to the plugin', async () => {
    const caller = new AbortController();
    let seen: unknown;
    const kit = createPvsKit({
      plugins: [
        plugin('p', (_ctx, info) => {
          info.signal.addEventListener('abort', () => (seen = info.signal.reason));
          queueMicrotask(() => caller.abort('user left the record'));
          return never();
        }),
      ],
    });
    await kit.callHook('patient-view', { patient }, { signal: caller.signal });
    expect(seen).toBe('user left the record');
  });

  it('does not call any plugin when the caller’s signal is already aborted', async () => {
    const handler = vi.fn(() => [] as Card[]);
    const kit = createPvsKit({ plugins: [plugin('p', handler)] });
    const r = await kit.callHook('patient-view', { patient }, { signal: AbortSignal.abort() });
    expect(r.results[0]?.status).toBe('skipped');
    expect(handler).not.toHaveBeenCalled();
  });
});
