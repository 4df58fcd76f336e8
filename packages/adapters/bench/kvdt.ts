/**
 * KVDT benchmark (run by `npm run bench`, not a test): export and parse of 100,000 cases, with throughput,
 * peak RSS and the ratio against writing the same bytes with one `fs.writeFile`. Figures are ratios against
 * a baseline measured in the same run, because the machines are shared and noisy.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCaseOrBundle, type CaseOrBundle } from '@pvskit/core';
import { checkKvdtFile } from '../src/kvdt/cli.js';
import { parseKvdt } from '../src/kvdt/reader.js';
import { sampleCase, sampleCaseInputWithoutSoftware, SAMPLE_SOFTWARE } from '../test/kvdt-sample.js';
import { writeKvdtFile } from '../src/kvdt/writer.js';

/** Options of {@link runKvdtBench}. */
export interface KvdtBenchOptions {
  /** Cases to export; default 100,000. */
  cases?: number;
  /** Directory for the files; default a fresh temp directory (removed afterwards). */
  dir?: string;
}

/** One measured phase. */
export interface KvdtBenchPhase {
  ms: number;
  /** User + system CPU time of the process during the phase (robust on a shared, overloaded machine). */
  cpuMs: number;
  /** Throughput per CPU second. */
  cpuMbPerSecond: number;
  cpuCasesPerSecond: number;
  mbPerSecond: number;
  casesPerSecond: number;
  /** Highest resident set size seen during the phase, MiB. */
  peakRssMiB: number;
  /** Resident set size when the phase started (after a collection when run with --expose-gc), MiB. */
  startRssMiB: number;
}

/** Figures of {@link runKvdtBench}. */
export interface KvdtBenchResult {
  cases: number;
  fileMiB: number;
  rssAtStartMiB: number;
  /** Streaming export from an async generator of case JSON (zod validation included) to a file. */
  export: KvdtBenchPhase & {
    /** Peak RSS after the first 10 % of cases: close to `peakRssMiB` means memory stays flat. */
    peakRssAfterTenPercentMiB: number;
  };
  /**
   * The export's source alone, no writer: the same async generator making and parsing (validating) each
   * case. The writer's share of {@link KvdtBenchResult.export} is the difference.
   */
  exportSource: { ms: number; cpuMs: number; cpuMicrosPerCase: number };
  /** The same export from cases parsed beforehand (as the hook plugin gets them). */
  exportTrusted: KvdtBenchPhase;
  /** Streaming parse of the file into records (not collected). */
  parse: KvdtBenchPhase & { records: number };
  /** Parse plus validation (all KVDT-/ID- rules) as `checkKvdtFile` runs it: one pass over the bytes. */
  check: KvdtBenchPhase & { findings: number };
  /** Baseline: the same bytes written with one `fs.writeFile` from memory. */
  writeFileBaseline: { ms: number; cpuMs: number; mbPerSecond: number };
  /** How many times slower than the baseline (lower is better). */
  ratios: { exportVsWriteFile: number; exportTrustedVsWriteFile: number; parseVsWriteFile: number; checkVsWriteFile: number };
}

const MiB = 1024 * 1024;

class RssSampler {
  readonly start: number;
  peak: number;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    // Garbage of the previous phase would otherwise count as this phase's memory.
    (globalThis as { gc?: () => void }).gc?.();
    this.start = process.memoryUsage().rss;
    this.peak = this.start;
    this.timer = setInterval(() => this.sample(), 10);
  }
  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }
  stop(): { peak: number; start: number } {
    clearInterval(this.timer);
    this.sample();
    return { peak: this.peak / MiB, start: this.start / MiB };
  }
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function phase(ms: number, cpuMs: number, bytes: number, cases: number, rss: { peak: number; start: number }): KvdtBenchPhase {
  return {
    ms: round(ms),
    cpuMs: round(cpuMs),
    mbPerSecond: round(bytes / MiB / (ms / 1000)),
    casesPerSecond: Math.round(cases / (ms / 1000)),
    cpuMbPerSecond: round(bytes / MiB / (cpuMs / 1000)),
    cpuCasesPerSecond: Math.round(cases / (cpuMs / 1000)),
    peakRssMiB: round(rss.peak),
    startRssMiB: round(rss.start),
  };
}

/** Exports `cases` sample cases to a KVDT file, parses and checks it, and compares with `fs.writeFile`. */
export async function runKvdtBench(options: KvdtBenchOptions = {}): Promise<KvdtBenchResult> {
  const total = options.cases ?? 100_000;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'kvdt-bench-')));
  const rssAtStart = process.memoryUsage().rss / MiB;
  try {
    // Export: cases are made one at a time, so only the writer's own memory shows.
    let sampler = new RssSampler();
    let peakAfterTenPercent = 0;
    // Each case parsed by the core as the CLI does it: the time includes validation.
    async function* cases(track = true): AsyncGenerator<CaseOrBundle> {
      for (let i = 0; i < total; i++) {
        if (track && i === Math.floor(total / 10)) {
          sampler.sample();
          peakAfterTenPercent = sampler.peak / MiB;
        }
        yield parseCaseOrBundle(sampleCaseInputWithoutSoftware(i));
      }
    }
    let cpu = process.cpuUsage();
    let t = performance.now();
    const written = await writeKvdtFile(cases(), join(dir, 'bench.con'), {
      software: SAMPLE_SOFTWARE,
      clock: () => new Date('2026-02-01T12:00:00Z'),
    });
    const exportMs = performance.now() - t;
    const exportCpu = cpuMsSince(cpu);
    const exportPeak = sampler.stop();

    // The source alone: what the export with validation costs before the writer does anything.
    cpu = process.cpuUsage();
    t = performance.now();
    let sourced = 0;
    for await (const _ of cases(false)) sourced++;
    const sourceMs = performance.now() - t;
    const sourceCpu = cpuMsSince(cpu);

    // Export of cases parsed beforehand (a validated hook context): no validation in the timed part.
    const base = sampleCase(0);
    const { software: _s, ...parsedBase } = base;
    async function* parsedCases(): AsyncGenerator<CaseOrBundle> {
      for (let i = 0; i < total; i++) yield { kind: 'case', case: { ...parsedBase, id: `c-${i}`, patient: { ...parsedBase.patient, id: `p-${i}` } } };
    }
    sampler = new RssSampler();
    cpu = process.cpuUsage();
    t = performance.now();
    const trusted = await writeKvdtFile(parsedCases(), join(dir, 'bench-trusted.con'), {
      software: SAMPLE_SOFTWARE,
      clock: () => new Date('2026-02-01T12:00:00Z'),
    });
    const trustedMs = performance.now() - t;
    const trustedCpu = cpuMsSince(cpu);
    const trustedPeak = sampler.stop();

    // Parse.
    sampler = new RssSampler();
    cpu = process.cpuUsage();
    t = performance.now();
    let records = 0;
    for await (const event of parseKvdt(written.path)) if (event.type === 'record') records++;
    const parseMs = performance.now() - t;
    const parseCpu = cpuMsSince(cpu);
    const parsePeak = sampler.stop();

    // Parse + validate, as `pvskit kvdt check` runs it: one pass over the bytes.
    sampler = new RssSampler();
    cpu = process.cpuUsage();
    t = performance.now();
    const findings = (await checkKvdtFile(written.path)).findings.length;
    const checkMs = performance.now() - t;
    const checkCpu = cpuMsSince(cpu);
    const checkPeak = sampler.stop();

    // Baseline: the same bytes in one writeFile.
    const bytes = await readFile(written.path);
    cpu = process.cpuUsage();
    t = performance.now();
    await writeFile(join(dir, 'baseline.con'), bytes);
    const baselineMs = performance.now() - t;
    const baselineCpu = cpuMsSince(cpu);

    return {
      cases: written.cases,
      fileMiB: round(written.bytes / MiB),
      rssAtStartMiB: round(rssAtStart),
      export: { ...phase(exportMs, exportCpu, written.bytes, written.cases, exportPeak), peakRssAfterTenPercentMiB: round(peakAfterTenPercent) },
      exportSource: { ms: round(sourceMs), cpuMs: round(sourceCpu), cpuMicrosPerCase: round((sourceCpu * 1000) / sourced, 2) },
      exportTrusted: phase(trustedMs, trustedCpu, trusted.bytes, trusted.cases, trustedPeak),
      parse: { ...phase(parseMs, parseCpu, written.bytes, written.cases, parsePeak), records },
      check: { ...phase(checkMs, checkCpu, written.bytes, written.cases, checkPeak), findings },
      writeFileBaseline: { ms: round(baselineMs), cpuMs: round(baselineCpu), mbPerSecond: round(written.bytes / MiB / (baselineMs / 1000)) },
      ratios: {
        exportVsWriteFile: round(exportMs / baselineMs),
        exportTrustedVsWriteFile: round(trustedMs / baselineMs),
        parseVsWriteFile: round(parseMs / baselineMs),
        checkVsWriteFile: round(checkMs / baselineMs),
      },
    };
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}
