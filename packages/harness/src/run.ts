import { performance } from 'node:perf_hooks';
import { pluginFailureRuleIds, type Card, type Severity } from '@pvskit/core';
import type { WireService } from './fixes.js';
import type { Scenario } from './scenario.js';
import type { HarnessTarget } from './targets.js';

/** A finding as read back from a card: rule id and severity. */
export interface ObservedFinding {
  rule: string;
  severity: Severity;
  summary: string;
}

/** Outcome of one scenario. */
export interface ScenarioResult {
  scenario: Scenario;
  passed: boolean;
  /** One English line per unmet expectation (or the error that stopped the scenario). */
  failures: string[];
  /** Findings reported on the context as sent. */
  findings: ObservedFinding[];
  /** Services after completion, when the scenario expects services. */
  services?: WireService[];
  durationMs: number;
}

/** Outcome of a run. */
export interface HarnessReport {
  target: string;
  results: ScenarioResult[];
  passed: number;
  failed: number;
  durationMs: number;
}

/** Options of {@link runHarness}. */
export interface RunHarnessOptions {
  /** Called after each scenario (for a progress line). */
  onProgress?: (done: number, total: number, result: ScenarioResult) => void;
  /**
   * First make one unjudged call with the first scenario's context, as a PVS does at start-up, so a cold
   * service (code and tables still loading) is not judged by its first answer; default true.
   */
  warmUp?: boolean;
}

const severityOfIndicator: Record<Card['indicator'], Severity> = { critical: 'error', warning: 'warning', info: 'info' };
const failureRules = new Set<string>(Object.values(pluginFailureRuleIds));

/** Reads findings back from cards: `ruleId` + indicator (critical = error). */
export function findingsOfCards(cards: readonly Card[]): ObservedFinding[] {
  return cards.map((c) => ({ rule: c.ruleId ?? '(no ruleId)', severity: severityOfIndicator[c.indicator], summary: c.summary }));
}

const show = (f: ObservedFinding): string => `${f.rule} (${f.severity})`;

function serviceLabel(s: { gop: string; count?: number | undefined; date?: string | undefined; time?: string | undefined }): string {
  return `${s.gop}${(s.count ?? 1) > 1 ? `×${s.count}` : ''}${s.date === undefined ? '' : ` ${s.date}`}${s.time === undefined ? '' : ` ${s.time}`}`;
}

/** Compares the services with the expected multiset; returns failure lines. */
export function compareServices(expected: NonNullable<Scenario['expect']['services']>, actual: readonly WireService[]): string[] {
  const left = [...actual];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex(
      (a) => a.gop === e.gop && (a.count ?? 1) === e.count && (e.date === undefined || a.date === e.date) && (e.time === undefined || a.time === e.time),
    );
    if (i === -1) missing.push(serviceLabel(e));
    else left.splice(i, 1);
  }
  const out: string[] = [];
  if (missing.length > 0) out.push(`missing service(s): ${missing.join(', ')}`);
  if (left.length > 0) out.push(`unexpected service(s): ${left.map(serviceLabel).join(', ')}`);
  if (out.length > 0) out.push(`services were: ${actual.map(serviceLabel).join(', ') || 'none'}`);
  return out;
}

/** Checks the findings expectations; returns failure lines. */
export function compareFindings(expect: Scenario['expect'], findings: readonly ObservedFinding[]): string[] {
  const out: string[] = [];
  const got = findings.length === 0 ? 'none' : findings.map(show).join(', ');
  for (const f of findings) {
    if (failureRules.has(f.rule)) out.push(`plugin failed: ${f.summary}`);
  }
  for (const e of expect.findings ?? []) {
    if (!findings.some((f) => f.rule === e.rule && (e.severity === undefined || f.severity === e.severity))) {
      out.push(`expected finding ${e.rule}${e.severity === undefined ? '' : ` (${e.severity})`}; got ${got}`);
    }
  }
  for (const rule of expect.absent ?? []) {
    if (findings.some((f) => f.rule === rule)) out.push(`finding ${rule} must not be reported; got ${got}`);
  }
  if (expect.noErrors === true) {
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) out.push(`expected no error finding; got ${errors.map((f) => `${show(f)}: ${f.summary}`).join('; ')}`);
  }
  return out;
}

/** Runs one scenario against a target. Never throws: errors become failures. */
export async function runScenario(target: HarnessTarget, scenario: Scenario): Promise<ScenarioResult> {
  const started = performance.now();
  const failures: string[] = [];
  let findings: ObservedFinding[] = [];
  let services: WireService[] | undefined;
  try {
    findings = findingsOfCards(await target.call(scenario, scenario.context));
    failures.push(...compareFindings(scenario.expect, findings));
    if (scenario.expect.services !== undefined) {
      services = await target.completedServices(scenario);
      failures.push(...compareServices(scenario.expect.services, services));
    }
  } catch (error) {
    failures.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    scenario,
    passed: failures.length === 0,
    failures,
    findings,
    ...(services === undefined ? {} : { services }),
    durationMs: performance.now() - started,
  };
}

/** Runs scenarios one after another against `target` and collects the report. */
export async function runHarness(target: HarnessTarget, scenarios: readonly Scenario[], options: RunHarnessOptions = {}): Promise<HarnessReport> {
  const started = performance.now();
  const first = scenarios[0];
  if (options.warmUp !== false && first !== undefined) await target.call(first, first.context).catch(() => undefined);
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const result = await runScenario(target, scenario);
    results.push(result);
    options.onProgress?.(results.length, scenarios.length, result);
  }
  const passed = results.filter((r) => r.passed).length;
  return { target: target.name, results, passed, failed: results.length - passed, durationMs: performance.now() - started };
}
