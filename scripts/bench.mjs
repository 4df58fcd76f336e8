// `npm run bench`: runs every package's benchmark, one after another in this process, and prints figures as
// ratios against a baseline measured in the same run (machines here are shared and noisy).
// Benchmarks live in `packages/<pkg>/bench/`, outside `src`, so neither `dist` nor the public API carries them.
// esbuild bundles each one into temp/bench/ first; other @pvskit packages stay imports of their built `dist`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = [
  { name: 'billing', source: 'packages/billing/bench/billing.ts', fn: 'runBillingBench' },
  { name: 'kvdt', source: 'packages/adapters/bench/kvdt.ts', fn: 'runKvdtBench' },
  {
    name: 'cds-hooks',
    source: 'packages/adapters/bench/cds-hooks.ts',
    fn: 'runCdsBench',
    // The service under load is the real one: a kit with the billing plugin, as `pvskit serve` mounts it.
    args: async () => {
      const { createPvsKit } = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
      const { billingPlugin } = await import(pathToFileURL(join(root, 'packages/billing/dist/index.js')).href);
      return [{ kit: createPvsKit({ plugins: [billingPlugin()], timeoutsMs: { 'case-edit': 10_000 } }) }];
    },
  },
  { name: 'video call', file: 'packages/video/dist/call/bench.js', fn: 'runCallBench' },
];

/** Bundles a TypeScript benchmark to temp/bench/<name>.mjs; packages (tinybench, @pvskit/*) stay external. */
async function bundle(source) {
  const outfile = join(root, 'temp/bench', source.replaceAll('/', '_').replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join(root, source)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
  return outfile;
}

const only = process.argv.slice(2);
let failed = 0;
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  console.log(`\n## ${suite.name}`);
  const path = suite.source === undefined ? join(root, suite.file) : await bundle(suite.source);
  if (!existsSync(path)) {
    console.log(`(no benchmark built at ${suite.file})`);
    failed++;
    continue;
  }
  const mod = await import(pathToFileURL(path).href);
  const args = suite.args === undefined ? [] : await suite.args();
  const report = await mod[suite.fn](...args);
  if (report !== undefined) console.log(typeof report === 'string' ? report : JSON.stringify(report, null, 2));
}
process.exit(failed === 0 ? 0 : 1);
