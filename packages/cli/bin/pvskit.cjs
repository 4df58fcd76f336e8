#!/usr/bin/env node
// The `pvskit` command as npm links it. Committed (the build output is not), so the command exists right
// after `npm install`, whose `prepare` step writes the bundle. It runs the esbuild bundle (starts fastest),
// else the plain `tsc` output, else says how to build. CommonJS: Node starts an ES module entry several
// milliseconds slower, and a PVS that shells out per case pays the start every time.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '../dist/bundle/pvskit.cjs');
const plain = join(__dirname, '../dist/bin.js');
if (existsSync(bundle)) {
  require(bundle).run();
} else if (existsSync(plain)) {
  import(require('node:url').pathToFileURL(plain).href);
} else {
  process.stderr.write('pvskit: not built yet, run "npm run build" (or "node scripts/bundle-cli.mjs") in the repository\n');
  process.exitCode = 2;
}
