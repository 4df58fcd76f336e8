// `pvskit` start-up against `node -e 0`, and the marginal cost per case of `pvskit check --ndjson`. Every
// command runs many times, interleaved with the baseline, and the fastest run of each counts (on a shared
// machine the fastest run is the one least disturbed by others). Peak memory is the child's own maxRSS,
// reported by a preloaded hook that both the baseline and pvskit carry.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/bin/pvskit.cjs');

function run(args, input, hook) {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-r', hook, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  const m = /maxrss=(\d+) cpu=(\d+)/.exec(r.stderr);
  return { ms, rssMiB: m === null ? Number.NaN : Number(m[1]) / 1024, cpuMs: m === null ? Number.NaN : Number(m[2]) / 1000, code: r.status };
}

/** Runs the commands `rounds` times each, interleaved; returns the fastest run and the lowest peak of each. */
export function runCliBench({ rounds = 15, ndjsonCases = 20_000, ndjsonRounds = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-bench-cli-'));
  try {
    const hook = join(dir, 'maxrss.cjs');
    // VmHWM (Linux) is the process's own peak since exec; maxRSS may start at the parent's size.
    writeFileSync(
      hook,
      [
        "process.on('exit', () => {",
        '  const u = process.resourceUsage();',
        '  let kib = u.maxRSS;',
        "  try { kib = Number(/VmHWM:\\s*(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}",
        '  process.stderr.write(`maxrss=${kib} cpu=${u.userCPUTime + u.systemCPUTime}\\n`);',
        '});',
      ].join('\n'),
    );
    const caseText = readFileSync(join(root, 'test/fixtures/contract/case.json'), 'utf8');
    const caseFile = join(dir, 'case.json');
    writeFileSync(caseFile, caseText);
    const line = JSON.stringify(JSON.parse(caseText));
    const lines = `${Array.from({ length: ndjsonCases }, () => line).join('\n')}\n`;
    const commands = {
      baseline: [['-e', '0'], ''],
      help: [[bin, '--help'], ''],
      check: [[bin, 'check', caseFile], ''],
      ndjsonOne: [[bin, 'check', '--ndjson'], `${line}\n`],
      ndjsonMany: [[bin, 'check', '--ndjson'], lines],
    };
    const best = {};
    for (let i = 0; i < rounds; i++) {
      for (const [name, [args, input]] of Object.entries(commands)) {
        // Enough cases that the marginal cost is the steady state, not the JIT warming up; a few runs suffice.
        if (name === 'ndjsonMany' && i >= ndjsonRounds) continue;
        const r = run(args, input, hook);
        if (name !== 'baseline' && name !== 'help' && r.code !== 0) throw new Error(`pvskit ${args.slice(1).join(' ')} exited ${r.code}`);
        const b = (best[name] ??= { ms: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY, rssMiB: Number.POSITIVE_INFINITY });
        b.ms = Math.min(b.ms, r.ms);
        b.cpuMs = Math.min(b.cpuMs, r.cpuMs);
        b.rssMiB = Math.min(b.rssMiB, r.rssMiB);
      }
    }
    const round = (n, d = 1) => Number(n.toFixed(d));
    const figure = (b) => ({
      ms: round(b.ms),
      cpuMs: round(b.cpuMs),
      rssMiB: round(b.rssMiB),
      timeRatio: round(b.ms / best.baseline.ms, 2),
      cpuRatio: round(b.cpuMs / best.baseline.cpuMs, 2),
      rssRatio: round(b.rssMiB / best.baseline.rssMiB, 2),
    });
    return {
      rounds,
      baseline: { ms: round(best.baseline.ms), cpuMs: round(best.baseline.cpuMs), rssMiB: round(best.baseline.rssMiB) },
      help: figure(best.help),
      check: figure(best.check),
      ndjson: {
        cases: ndjsonCases,
        marginalMicrosecondsPerCase: round(((best.ndjsonMany.ms - best.ndjsonOne.ms) * 1000) / (ndjsonCases - 1), 1),
        marginalCpuMicrosecondsPerCase: round(((best.ndjsonMany.cpuMs - best.ndjsonOne.cpuMs) * 1000) / (ndjsonCases - 1), 1),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(runCliBench(), null, 2));
