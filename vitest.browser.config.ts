import { defineConfig } from 'vitest/config';
import { pvskitAliases } from './vitest.config.js';

// Browser tests: a real Chromium (Debian's /usr/bin/chromium via playwright-core) against the sample host app.
export default defineConfig({
  resolve: { alias: pvskitAliases },
  test: {
    include: ['**/*.browser.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    // One browser per file is plenty on a shared machine; files run one after another.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
