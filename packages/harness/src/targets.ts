import { randomUUID } from 'node:crypto';
import { createPvsKit, parseCaseOrBundle, type Card, type PvsKit } from '@pvskit/core';
import { billingPlugin, complete } from '@pvskit/billing';
import { applyFixes, fixesOf, type WireService } from './fixes.js';
import type { Scenario } from './scenario.js';

/** What the harness runs scenarios against: the in-process SDK or a CDS Hooks endpoint. */
export interface HarnessTarget {
  /** Shown in the report and used as the JUnit suite name. */
  readonly name: string;
  /** Calls the scenario's hook with `context` and returns the cards. Throws on a transport/protocol error. */
  call(scenario: Scenario, context: Record<string, unknown>): Promise<Card[]>;
  /** The services the scenario's case ends up with after completion (see {@link Scenario}). */
  completedServices(scenario: Scenario): Promise<WireService[]>;
}

/** Most rounds of "accept the first suggestion, call again" before the harness gives up. */
const MAX_FIX_ROUNDS = 20;

function servicesOf(context: Record<string, unknown>): WireService[] {
  const c = context['case'] as { services?: WireService[] } | undefined;
  if (c !== undefined) return [...(c.services ?? [])];
  const b = context['bundle'] as { cases?: { services?: WireService[]; pseudo?: boolean }[] } | undefined;
  return (b?.cases ?? []).filter((x) => x.pseudo !== true).flatMap((x) => x.services ?? []);
}

function withServices(context: Record<string, unknown>, services: WireService[]): Record<string, unknown> {
  const c = context['case'];
  if (typeof c !== 'object' || c === null) throw new Error('completion by suggestions needs a single case in the context');
  return { ...context, case: { ...c, services } };
}

/** Keeps only the services of GOPs in `typed` (what the doctor types in by hand). */
function onlyTyped(context: Record<string, unknown>, typed: readonly string[] | undefined): Record<string, unknown> {
  if (typed === undefined) return context;
  const keep = (services: WireService[] | undefined): WireService[] => (services ?? []).filter((s) => typed.includes(s.gop));
  const c = context['case'] as { services?: WireService[] } | undefined;
  if (c !== undefined) return { ...context, case: { ...c, services: keep(c.services) } };
  const b = context['bundle'] as { cases?: { services?: WireService[] }[] } | undefined;
  if (b === undefined) return context;
  return { ...context, bundle: { ...b, cases: (b.cases ?? []).map((x) => ({ ...x, services: keep(x.services) })) } };
}

/** Options of {@link inProcessTarget}. */
export interface InProcessTargetOptions {
  /** The kit whose plugins answer; default a kit with the billing plugin and a 10 s budget per call. */
  kit?: Pick<PvsKit, 'relayHook'>;
}

/**
 * The in-process SDK: hooks go through a kit (default: `billingPlugin()`), services come from the billing
 * engine's `complete` on the case with only its `typed` services, i.e. derived from the contacts.
 */
export function inProcessTarget(options: InProcessTargetOptions = {}): HarnessTarget {
  // The harness judges rules, not time budgets (core tests those): a loaded CI machine must not turn a
  // slow first call into a PLUGIN-TIMEOUT card.
  const kit = options.kit ?? createPvsKit({ plugins: [billingPlugin()], defaultTimeoutMs: 10_000 });
  return {
    name: 'in-process SDK',
    async call(scenario, context) {
      const result = await kit.relayHook(scenario.hook, context, { hookInstance: randomUUID() });
      return result.cards;
    },
    completedServices(scenario) {
      const input = onlyTyped(scenario.context, scenario.typed);
      const done = complete(parseCaseOrBundle('case' in input ? input['case'] : input['bundle']));
      const cases = done.kind === 'case' ? [done.case] : done.bundle.cases.filter((c) => c.pseudo !== true);
      return Promise.resolve(cases.flatMap((c) => c.services as WireService[]));
    },
  };
}

/** Options of {@link endpointTarget}. */
export interface EndpointTargetOptions {
  /** Bearer token for the service. */
  token?: string;
  /** Per-request time limit in ms; default 15 000. */
  timeoutMs?: number;
  /** Call only this service (unless a scenario names its own); default every service of the scenario's hook. */
  service?: string;
}

interface Discovered {
  id: string;
  hook: string;
}

/**
 * Any CDS Hooks endpoint (base URL, discovery at `<url>/cds-services`). Each scenario calls every service of
 * its hook (or the one named) and judges the cards of all of them. Services after completion are the
 * case's services with the cards' suggestions accepted one at a time, calling again after each, as a PVS
 * would do; scenarios without a single case in the context cannot check services this way.
 */
export function endpointTarget(url: string, options: EndpointTargetOptions = {}): HarnessTarget {
  const base = url.replace(/\/+$/, '').replace(/\/cds-services$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers: Record<string, string> = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
  let discovery: Promise<Discovered[]> | undefined;

  async function fetchJson(path: string, init: { method?: string; body?: string } = {}): Promise<unknown> {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      signal: AbortSignal.timeout(timeoutMs),
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status}, body is not JSON`);
    }
    if (!res.ok) {
      const error = (json as { error?: { message?: string; path?: string } } | undefined)?.error;
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status}${error?.message === undefined ? '' : ` ${error.message}`}`);
    }
    return json;
  }

  /** The services to call: the scenario's (or the option's) one, else every service of the hook, as a CDS client does. */
  async function servicesFor(scenario: Scenario): Promise<string[]> {
    discovery ??= fetchJson('/cds-services').then((d) => (d as { services: Discovered[] }).services);
    const services = await discovery;
    const wanted = scenario.service ?? options.service;
    const found = wanted === undefined ? services.filter((s) => s.hook === scenario.hook) : services.filter((s) => s.id === wanted);
    if (found.length === 0) throw new Error(`endpoint offers no service ${wanted ?? `for hook ${scenario.hook}`}`);
    return found.map((s) => s.id);
  }

  const target: HarnessTarget = {
    name: base,
    async call(scenario, context) {
      const cards: Card[] = [];
      for (const id of await servicesFor(scenario)) {
        const body = JSON.stringify({ hook: scenario.hook, hookInstance: randomUUID(), context });
        const reply = (await fetchJson(`/cds-services/${encodeURIComponent(id)}`, { method: 'POST', body })) as { cards?: Card[] };
        if (!Array.isArray(reply.cards)) throw new Error(`service ${id}: response has no "cards" array`);
        cards.push(...reply.cards);
      }
      return cards;
    },
    async completedServices(scenario) {
      let context = scenario.context;
      for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
        const cards = await target.call(scenario, context);
        const card = cards.find((c) => fixesOf(c).length > 0);
        if (card === undefined) return servicesOf(context);
        context = withServices(context, applyFixes(servicesOf(context), fixesOf(card)));
      }
      throw new Error(`suggestions did not settle after ${MAX_FIX_ROUNDS} rounds`);
    },
  };
  return target;
}
