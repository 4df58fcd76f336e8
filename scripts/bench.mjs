// `npm run bench`: runs every package's benchmark from the built output, one after another in this process,
// and prints figures as ratios against a baseline measured in the same run (machines here are shared and noisy).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = [
  { name: 'billing', file: 'packages/billing/dist/bench.js', fn: 'runBillingBench' },
  { name: 'kvdt', file: 'packages/adapters/dist/kvdt/bench.js', fn: 'runKvdtBench' },
  {
    name: 'cds-hooks',
    file: 'packages/adapters/dist/cds-hooks/bench.js',
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
const only = process.argv.slice(2);
let failed = 0;
for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  const path = join(root, suite.file);
  console.log(`\n## ${suite.name}`);
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
