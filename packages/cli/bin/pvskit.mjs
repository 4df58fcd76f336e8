#!/usr/bin/env node
// The `pvskit` command as npm links it. Committed (the build output is not), so the command exists right
// after `npm install`, whose `prepare` step writes the bundle. It runs the esbuild bundle (starts fastest),
// else the plain `tsc` output, else says how to build.
import { existsSync } from 'node:fs';

const candidates = ['../dist/bundle/pvskit.js', '../dist/bin.js'].map((path) => new URL(path, import.meta.url));
const entry = candidates.find((url) => existsSync(url));
if (entry === undefined) {
  process.stderr.write('pvskit: not built yet, run "npm run build" (or "node scripts/bundle-cli.mjs") in the repository\n');
  process.exitCode = 2;
} else {
  await import(entry.href);
}
