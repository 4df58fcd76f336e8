import { bundleSchema, caseSchema, parseCaseOrBundle, parseWith, type BundleInput, type CaseInput } from '@pvskit/core';
import { Bench } from 'tinybench';
import { complete } from '../src/complete.js';
import { check, checkCase } from '../src/engine.js';

/*
 * `npm run bench` (scripts/bench.mjs) calls runBillingBench() from the built output. Not part of the test
 * run: the machine is shared, so figures are reported as ratios against a zod-only baseline measured in the
 * same run, never asserted.
 */

/** One measured task. */
export interface BenchRow {
  readonly name: string;
  readonly opsPerSecond: number;
  /** 99th percentile latency in microseconds. */
  readonly p99Micros: number;
  /** Median latency in microseconds. */
  readonly p50Micros: number;
  /** Mean latency in microseconds. */
  readonly meanMicros: number;
  /**
   * CPU time per operation in microseconds (process.cpuUsage over a fixed loop): less sensitive than wall
   * time to other processes on a shared machine.
   */
  readonly cpuMicros: number;
  /**
   * Median latency relative to the baseline of the same input size (1 = as fast as parsing alone). The
   * median, not the mean: on a shared machine a few preempted samples dominate the mean.
   */
  readonly ratioToBaseline: number;
}

/** Result of {@link runBillingBench}. */
export interface BenchReport {
  readonly rows: BenchRow[];
  /** Budget of docs/architecture.md: p99 of a typical `check` under 100 µs. */
  readonly typicalCheckP99Micros: number;
  readonly typicalCheckWithinBudget: boolean;
}

const PRACTICE = { bsnr: '529999900', name: 'Notfallpraxis Musterstadt' };
const PHYSICIAN = { lanr: '123456601', name: 'Dr. med. Anna Beispiel', contractedPhysician: true };
const INSURANCE = { type: 'GKV' as const, ik: '108018007', kvnr: 'A123456780', name: 'AOK Baden-Württemberg' };

/** CPU microseconds per call, over a loop of about 50 ms of CPU. */
function cpuPerOp(fn: (() => unknown) | undefined): number {
  if (fn === undefined) return Number.NaN;
  let n = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < 50_000) {
    fn();
    n++;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return Math.round((used / n) * 10) / 10;
}

/** A typical case: 5 services, 2 diagnoses (home visit at night with pneumonia). */
export const TYPICAL_CASE: CaseInput = {
  id: 'bench-1',
  region: 'BW',
  duty: { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
  practice: PRACTICE,
  physician: PHYSICIAN,
  patient: { id: 'p-1', lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', sex: 'W', insurance: INSURANCE },
  diagnoses: [
    { icd: 'J18.9', certainty: 'G' },
    { icd: 'I10.90', certainty: 'G' },
  ],
  contacts: [{ date: '2026-01-09', time: '21:30', mode: 'personal', visit: { distanceKm: 3.2 } }],
  services: [
    { gop: '01212', date: '2026-01-09', time: '21:30' },
    { gop: '01224', date: '2026-01-09', time: '21:30' },
    { gop: '01418', date: '2026-01-09', time: '21:30' },
    { gop: '40228', date: '2026-01-09', time: '21:30' },
    { gop: '02100', date: '2026-01-09', time: '21:30' },
  ],
};

/** A duty bundle with `n` cases (a mix of GKV and private patients, phone and personal contacts). */
export function dutyBundle(n = 200): BundleInput {
  const cases: BundleInput['cases'] = [];
  for (let i = 0; i < n; i++) {
    const minutes = 20 * 60 + Math.floor((i * 12 * 60) / n);
    const date = minutes >= 24 * 60 ? '2026-01-10' : '2026-01-09';
    const m = minutes % (24 * 60);
    const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const phone = i % 4 === 0;
    cases.push({
      id: `c-${i}`,
      patient: {
        id: `p-${i}`,
        lastName: `Patient${i}`,
        firstName: 'Test',
        birthDate: i % 7 === 0 ? '2024-05-05' : '1955-06-15',
        insurance: i % 10 === 0 ? { type: 'PKV' } : INSURANCE,
      },
      diagnoses: [
        { icd: i % 3 === 0 ? 'J18.9' : 'J06.9', certainty: 'G' },
        { icd: 'R50.9', certainty: 'G' },
      ],
      contacts: [{ date, time, mode: phone ? 'phone' : 'personal' }],
      services: [
        { gop: phone ? '01218' : '01212', date, time, mode: phone ? 'phone' : 'personal' },
        ...(phone ? [] : [{ gop: '32025', date, time }]),
      ],
    });
  }
  return { duty: { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' }, region: 'BW', practice: PRACTICE, physician: PHYSICIAN, cases };
}

/**
 * Runs the billing benchmark with tinybench: `check` and `complete` of a typical case and of a 200-case
 * duty bundle, each against a baseline that only parses the same input with zod. Prints a table and
 * returns the figures.
 */
export async function runBillingBench(options: { timeMs?: number; print?: boolean } = {}): Promise<BenchReport> {
  const bundle = dutyBundle(200);
  const parsedTypical = parseWith(caseSchema, TYPICAL_CASE, 'case');
  const time = options.timeMs ?? 1000;
  const fns = new Map<string, () => unknown>();
  const small = new Bench({ time, warmupTime: 200 });
  const smallTasks: [string, () => unknown][] = [
    ['baseline: zod parse of a typical case', () => parseWith(caseSchema, TYPICAL_CASE, 'case')],
    ['check typical case (parse + check)', () => check(parseCaseOrBundle(TYPICAL_CASE))],
    ['checkCase typical case, pre-parsed (plugin)', () => checkCase(parsedTypical)],
    ['complete typical case (parse + complete)', () => complete(parseCaseOrBundle(TYPICAL_CASE))],
  ];
  const largeTasks: [string, () => unknown][] = [
    ['baseline: zod parse of a 200-case bundle', () => parseWith(bundleSchema, bundle, 'bundle')],
    ['check 200-case duty bundle (parse + check)', () => check(parseCaseOrBundle(bundle))],
    ['complete 200-case duty bundle (parse + complete)', () => complete(parseCaseOrBundle(bundle))],
  ];
  for (const [name, fn] of smallTasks) small.add(name, fn);
  const large = new Bench({ time, warmupTime: 200 });
  for (const [name, fn] of largeTasks) large.add(name, fn);
  for (const [name, fn] of [...smallTasks, ...largeTasks]) fns.set(name, fn);
  await small.run();
  await large.run();

  const rows: BenchRow[] = [];
  for (const bench of [small, large]) {
    let baseline: number | undefined;
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${r.state}`);
      const mean = r.latency.mean * 1000;
      const median = r.latency.p50 * 1000;
      baseline ??= median;
      rows.push({
        name: task.name,
        cpuMicros: cpuPerOp(fns.get(task.name)),
        opsPerSecond: Math.round(r.throughput.mean),
        p99Micros: Math.round(r.latency.p99 * 1000 * 10) / 10,
        p50Micros: Math.round(median * 10) / 10,
        meanMicros: Math.round(mean * 10) / 10,
        ratioToBaseline: Math.round((median / baseline) * 100) / 100,
      });
    }
  }
  // The budget is about the case-edit hook, which gets an already validated case.
  const typical = rows.find((r) => r.name.startsWith('checkCase typical'))?.p99Micros ?? Number.NaN;
  const report: BenchReport = { rows, typicalCheckP99Micros: typical, typicalCheckWithinBudget: typical < 100 };
  if (options.print !== false) {
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`${pad('task', 46)} ${pad('ops/s', 9)} ${pad('p50 µs', 9)} ${pad('mean µs', 9)} ${pad('p99 µs', 9)} ${pad('cpu µs', 9)} × baseline (p50)`);
    for (const r of rows) {
      console.log(
        `${pad(r.name, 46)} ${pad(String(r.opsPerSecond), 9)} ${pad(String(r.p50Micros), 9)} ${pad(String(r.meanMicros), 9)} ${pad(String(r.p99Micros), 9)} ${pad(String(r.cpuMicros), 9)} ${r.ratioToBaseline}`,
      );
    }
    console.log(`typical case-edit check p99 ${typical} µs (budget 100 µs): ${report.typicalCheckWithinBudget ? 'ok' : 'OVER BUDGET'}`);
  }
  return report;
}
