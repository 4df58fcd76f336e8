import { describe, expect, it } from 'vitest';
import type { Card, ValidationIssueJson } from '@pvskit/core';
import type { BundleCaseInput, CheckResponse, StateResponse } from '../shared/api.js';
import { ApiFailure } from './api.js';
import { EditSession, type EditTransport, type FeedbackBody } from './edit-session.js';

const base = (): BundleCaseInput => ({
  patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
  services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
});

const bandCard: Card = {
  uuid: 'card-1',
  summary: '01210 gilt werktags 7–19 Uhr: 01212 abrechnen.',
  indicator: 'critical',
  source: { label: 'Notfalldienst-Abrechnung' },
  ruleId: 'NFD-TIME-BAND',
  suggestions: [{ label: '01212 statt 01210', uuid: 'sugg-1', actions: [{ type: 'update', description: 'GOP ersetzen', fix: { op: 'replace', service: 0, gop: '01212' } }] }],
};
const errorCard: Card = { uuid: 'card-2', summary: 'Plugin deaktiviert', indicator: 'warning', source: { label: 'Notfalldienst-Abrechnung' }, ruleId: 'PLUGIN-ERROR', pluginId: 'billing' };
const plugins: StateResponse['plugins'] = [{ id: 'billing', title: 'Notfalldienst-Abrechnung', hooks: ['case-edit'], enabled: false }];

/** A manual clock: timers run only when the test advances time. */
function manualTimers() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; run: () => void }>();
  return {
    set: (run: () => void, ms: number) => (due.set(next, { at: now + ms, run }), next++),
    clear: (handle: unknown) => void due.delete(handle as number),
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...due].filter(([, t]) => t.at <= now)) {
        due.delete(id);
        t.run();
      }
    },
  };
}

/** A host whose answers the test releases one by one, in any order. */
function scriptedHost() {
  const calls: { model: BundleCaseInput; signal: AbortSignal; answer: (r: CheckResponse) => void; fail: (e: unknown) => void }[] = [];
  const feedback: FeedbackBody[] = [];
  const reloads: string[] = [];
  const transport: EditTransport = {
    check: (_id, model, signal) =>
      new Promise((answer, fail) => calls.push({ model: structuredClone(model), signal, answer, fail })),
    feedback: (body) => (feedback.push(body), Promise.resolve({})),
    reloadPlugin: (id) => (reloads.push(id), Promise.resolve(plugins.map((p) => ({ ...p, enabled: true })))),
  };
  return { transport, calls, feedback, reloads };
}

function recordingView() {
  const log = { status: [] as string[], findings: [] as { cards: readonly Card[]; issues: readonly ValidationIssueJson[] }[], busy: [] as boolean[] };
  return {
    log,
    view: {
      status: (m: string) => void log.status.push(m),
      busy: (b: boolean) => void log.busy.push(b),
      findings: (cards: readonly Card[], issues: readonly ValidationIssueJson[]) => void log.findings.push({ cards, issues }),
    },
  };
}

const answer = (cards: Card[], extra: Partial<CheckResponse> = {}): CheckResponse => ({ hookInstance: 'hi-1', cards, issues: [], saved: true, ...extra });
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(readOnly = false) {
  const timers = manualTimers();
  const host = scriptedHost();
  const { view, log } = recordingView();
  const session = new EditSession({ caseId: 'c-1', model: base(), transport: host.transport, view, plugins, timers, readOnly: () => readOnly, now: () => new Date('2026-01-10T10:00:00Z') });
  return { timers, host, log, session };
}

describe('EditSession: the case editor protocol', () => {
  it('debounces: a burst of edits makes one check, of the latest state, after the pause', () => {
    const { timers, host, session } = setup();
    for (const gop of ['0', '01', '012', '0121', '01212']) {
      (session.model.services ?? [])[0]!.gop = gop;
      session.edited();
      timers.advance(100);
    }
    expect(host.calls).toHaveLength(0);
    timers.advance(250);
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]?.model.services?.[0]?.gop).toBe('01212');
  });

  it('drops a slow answer to an older state and aborts its request', async () => {
    const { host, log, session } = setup();
    void session.checkNow();
    void session.checkNow();
    expect(host.calls[0]?.signal.aborted).toBe(true);
    host.calls[1]?.answer(answer([]));
    await settle();
    host.calls[0]?.answer(answer([bandCard]));
    await settle();
    expect(log.findings.map((f) => f.cards.length)).toEqual([0]);
    expect(log.status.at(-1)).toContain('Entwurf gespeichert');
  });

  it('applies a fix at once, reports it accepted with hookInstance and suggestion, and checks again', async () => {
    const { host, log, session } = setup();
    void session.checkNow();
    host.calls[0]?.answer(answer([bandCard]));
    await settle();
    const outcome = session.applyCardFix(bandCard);
    expect(outcome).toEqual({ applied: true, fix: { op: 'replace', service: 0, gop: '01212' } });
    expect(session.model.services?.[0]?.gop).toBe('01212');
    expect(host.feedback).toEqual([{ card: 'card-1', outcome: 'accepted', hookInstance: 'hi-1', acceptedSuggestions: [{ id: 'sugg-1' }] }]);
    expect(log.findings.at(-1)?.cards).toEqual([]);
    expect(host.calls).toHaveLength(2);
    expect(host.calls[1]?.model.services?.[0]?.gop).toBe('01212');
  });

  it('leaves the case alone when the fix no longer fits, and sends no feedback', () => {
    const { host, log, session } = setup();
    session.model.services = [];
    expect(session.applyCardFix(bandCard)).toEqual({ applied: false, reason: 'stale' });
    expect(host.feedback).toEqual([]);
    expect(log.status.at(-1)).toContain('passt nicht mehr');
    expect(host.calls).toHaveLength(0);
  });

  it('reloads the plugin behind an error card and checks again', async () => {
    const { host, log, session } = setup();
    const list = await session.reloadPlugin(errorCard);
    expect(host.reloads).toEqual(['billing']);
    expect(list[0]?.enabled).toBe(true);
    expect(log.status.at(-1)).toBe('Plugin „Notfalldienst-Abrechnung“ neu geladen.');
    expect(host.calls).toHaveLength(1);
  });

  it('reloads by the card’s pluginId (set by the kit), not by a source label another plugin can copy', async () => {
    const { host, session } = setup();
    await session.reloadPlugin({ ...errorCard, pluginId: 'mallory' });
    expect(host.reloads).toEqual([]);
  });

  it('shows the German message of a failed check, and ignores edits of a signed case', async () => {
    const { host, log, session } = setup();
    void session.checkNow();
    host.calls[0]?.fail(new ApiFailure('Der Fall ist gesperrt.', 409, 'LOCKED'));
    await settle();
    expect(log.status.at(-1)).toBe('Der Fall ist gesperrt.');
    const signed = setup(true);
    signed.session.edited();
    signed.timers.advance(1000);
    expect(signed.host.calls).toHaveLength(0);
    expect(signed.session.applyCardFix(bandCard)).toEqual({ applied: false, reason: 'read-only' });
  });

  it('on leaving, checks (and so saves) a pending edit at once and ignores its answer', async () => {
    const { host, log, session } = setup();
    session.edited();
    session.dispose();
    expect(host.calls).toHaveLength(1);
    host.calls[0]?.answer(answer([bandCard]));
    await settle();
    expect(log.findings).toEqual([]);
  });
});
