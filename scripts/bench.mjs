// `npm run bench`: runs every benchmark from the built output, one after another, and ends with ONE table of
// every figure next to the baseline measured in the same run and their ratio (machines here are shared and
// noisy, so only ratios within one run mean anything). `node scripts/bench.mjs kvdt cli` runs a selection.
// Benchmarks live in `packages/<pkg>/bench/`, outside `src`, so neither `dist` nor the public API carries them;
// esbuild bundles each one into temp/bench/ first, other @pvskit packages stay imports of their built `dist`.
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { runCliBench } from './bench-cli.mjs';
import { formatHttpBench, runHttpBench } from './bench-http.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = [];
/** One line of the final table. `better`: which way the ratio should go against the goal. */
const row = (area, figure, value, baseline, ratio, goal = '', met = undefined) => rows.push({ area, figure, value, baseline, ratio, goal, met });
const r2 = (n) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : n);

async function fromBuild(file, fn) {
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`no benchmark built at ${file} (npm run build)`);
  return (await import(pathToFileURL(path).href))[fn];
}

/** Bundles a TypeScript benchmark to temp/bench/<name>.mjs; packages (tinybench, @pvskit/*) stay external. */
async function fromSource(source, fn) {
  const outfile = join(root, 'temp/bench', source.replaceAll('/', '_').replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join(root, source)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  return (await import(pathToFileURL(outfile).href))[fn];
}

const suites = {
  async billing() {
    const report = await (await fromSource('packages/billing/bench/billing.ts', 'runBillingBench'))();
    let baseline;
    for (const r of report.rows) {
      if (r.name.startsWith('baseline')) baseline = r;
      else row('billing', `${r.name}: p50 µs`, r.p50Micros, `${baseline?.p50Micros} (${baseline?.name.replace('baseline: ', '')})`, r.ratioToBaseline);
    }
    const typical = report.rows.find((r) => r.name.startsWith('checkCase typical'));
    if (typical !== undefined) row('billing', 'case-edit check of a typical case: p99 µs', typical.p99Micros, '', '', '≤ 100 µs', typical.p99Micros <= 100);
    return report;
  },
  async kvdt() {
    const r = await (await fromSource('packages/adapters/bench/kvdt.ts', 'runKvdtBench'))();
    const base = `${r.writeFileBaseline.mbPerSecond} MB/s (fs.writeFile of the same ${r.fileMiB} MiB)`;
    const phases = [
      ['export with validation', r.export],
      ['export of parsed cases', r.exportTrusted],
      ['parse', r.parse],
      ['check (parse + validate)', r.check],
    ];
    for (const [name, p] of phases) {
      const goal = name === 'export of parsed cases' ? '' : '≥ 100 MB/s';
      row('kvdt', `${name}, ${r.cases} cases: MB/s wall (CPU); ratio = times slower`, `${p.mbPerSecond} (${p.cpuMbPerSecond})`, base, r2(r.writeFileBaseline.mbPerSecond / p.mbPerSecond), goal, goal === '' ? undefined : p.mbPerSecond >= 100);
      row('kvdt', `${name}: peak RSS MiB`, p.peakRssMiB, `${p.startRssMiB} (phase start)`, r2(p.peakRssMiB / p.startRssMiB), '≤ 1.5×', p.peakRssMiB / p.startRssMiB <= 1.5);
    }
    return r;
  },
  async cli() {
    const r = runCliBench();
    const base = `${r.baseline.ms} ms (CPU ${r.baseline.cpuMs}), ${r.baseline.rssMiB} MiB (node -e 0)`;
    row('cli', 'pvskit --help: wall ms (CPU ms)', `${r.help.ms} (${r.help.cpuMs})`, base, r.help.timeRatio, '≤ 1.2×', r.help.timeRatio <= 1.2);
    row('cli', 'pvskit check one-case.json: wall ms (CPU ms)', `${r.check.ms} (${r.check.cpuMs})`, base, r.check.timeRatio, '≤ 1.5×', r.check.timeRatio <= 1.5);
    row('cli', 'pvskit check one-case.json: peak RSS MiB', r.check.rssMiB, base, r.check.rssRatio, '≤ 1.5×', r.check.rssRatio <= 1.5);
    row(
      'cli',
      `pvskit check --ndjson: marginal µs per case, wall (CPU), ${r.ndjson.cases} cases`,
      `${r.ndjson.marginalMicrosecondsPerCase} (${r.ndjson.marginalCpuMicrosecondsPerCase})`,
      '',
      '',
      '≤ 50 µs',
      r.ndjson.marginalMicrosecondsPerCase <= 50,
    );
    return r;
  },
  async 'cds-hooks'() {
    const r = await runHttpBench();
    console.log(formatHttpBench(r));
    for (const x of r.rows) {
      const at16 = x.connections === 16;
      row('cds-hooks', `case-edit via pvskit serve, ${x.connections} connections: req/s`, x.pvskit.requestsPerSecond, `${x.bare.requestsPerSecond} (bare node:http)`, x.throughputRatio, at16 ? '≥ 0.3×' : '', at16 ? x.throughputRatio >= 0.3 : undefined);
      row('cds-hooks', `case-edit via pvskit serve, ${x.connections} connections: p50 / p99 ms`, `${x.pvskit.p50} / ${x.pvskit.p99}`, `${x.bare.p50} / ${x.bare.p99}`, '', at16 ? 'p99 < 10 ms' : '', at16 ? x.pvskit.p99 < 10 : undefined);
    }
    return r;
  },
  async 'video call'() {
    const r = await (await fromBuild('packages/video/dist/call/bench.js', 'runCallBench'))();
    row('video', 'call set-up via signaling: median ms', r.setup.signaledMedianMs, `${r.setup.bareMedianMs} (bare simple-peer)`, r.setup.ratio);
    row('video', 'signaling: new rooms/s (per CPU-s)', `${r.capacity.roomsPerSecond} (${r.capacity.roomsPerCpuSecond})`, '', '');
    row('video', 'signaling: relayed messages/s (per CPU-s)', `${r.capacity.messagesPerSecond} (${r.capacity.messagesPerCpuSecond})`, '', '');
    return r;
  },
};

const only = process.argv.slice(2);
const load = loadavg().map((n) => n.toFixed(2)).join(' ');
let failed = 0;
for (const [name, run] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n## ${name}`);
  try {
    const report = await run();
    console.log(typeof report?.text === 'string' ? report.text : JSON.stringify(report, null, 2));
  } catch (error) {
    console.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    failed++;
  }
}

console.log(`\n## all figures (${new Date().toISOString()}, ${cpus().length} CPUs, load average ${load} before, ${loadavg().map((n) => n.toFixed(2)).join(' ')} after)\n`);
console.log('| area | figure | pvskit | baseline (same run) | ratio | goal | met |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  const met = r.met === undefined ? '' : r.met ? 'yes' : 'no';
  console.log(`| ${r.area} | ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio === '' ? '' : `${r.ratio}×`} | ${r.goal} | ${met} |`);
}
process.exit(failed === 0 ? 0 : 1);
