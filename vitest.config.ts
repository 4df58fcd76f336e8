import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import sibling packages from source so a test run never depends on a stale build.
export const pvskitAliases = {
  '@pvskit/core': src('./packages/core/src/index.ts'),
  '@pvskit/billing': src('./packages/billing/src/index.ts'),
  // The browser entry first: a prefix alias would otherwise swallow it.
  '@pvskit/video/browser': src('./packages/video/src/call/browser.ts'),
  '@pvskit/video': src('./packages/video/src/index.ts'),
  '@pvskit/adapters': src('./packages/adapters/src/index.ts'),
  '@pvskit/harness': src('./packages/harness/src/index.ts'),
};

export default defineConfig({
  resolve: { alias: pvskitAliases },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/host-app/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
