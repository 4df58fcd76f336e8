#!/usr/bin/env node
// Bundles the browser app (src/client/main.ts) into dist/public/app.js with esbuild.
// `npm run build -w @pvskit/host-app` runs it; the app server (`npm start`) only serves the result.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const repo = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

// Node-only modules that shared package code may import but that never run in the browser
// (storage, SMTP, the signaling server, the Node WebRTC binding). They become empty modules;
// tree shaking then drops the code that would have used them.
const nodeOnly = /^(node:.*|fs|path|crypto|os|net|tls|http|https|zlib|child_process|worker_threads|better-sqlite3|nodemailer|ws|@roamhq\/wrtc|smtp-server)$/;

/** @type {import('esbuild').Plugin} */
const browserStubs = {
  name: 'browser-stubs',
  setup(b) {
    b.onResolve({ filter: nodeOnly }, (args) => ({ path: args.path, namespace: 'node-only' }));
    // CommonJS so named imports bind (to undefined) instead of failing the build; never called in the browser.
    b.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    // simple-peer's package entry needs Node stream polyfills; its own prebuilt browser bundle does not.
    b.onResolve({ filter: /^simple-peer$/ }, () => ({ path: join(repo, 'node_modules/simple-peer/simplepeer.min.js') }));
  },
};

/** Builds the client bundle; resolves with the output path. */
export async function buildClient({ quiet = false } = {}) {
  const outdir = `${root}/dist/public`;
  await mkdir(outdir, { recursive: true });
  const result = await build({
    write: false,
    entryPoints: [`${root}/src/client/main.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    outfile: `${outdir}/app.js`,
    sourcemap: 'linked',
    minify: true,
    legalComments: 'none',
    logLevel: quiet ? 'silent' : 'warning',
    // Workspace packages from source, like vitest does: the bundle never depends on a stale dist.
    alias: {
      '@pvskit/core': `${repo}/packages/core/src/index.ts`,
      '@pvskit/video': `${repo}/packages/video/src/index.ts`,
      '@pvskit/video/browser': `${repo}/packages/video/src/call/browser.ts`,
    },
    define: { 'process.env.NODE_DEBUG': 'false', global: 'globalThis' },
    plugins: [browserStubs],
  });
  // Temp name + rename: a server running meanwhile never serves half a bundle.
  for (const file of result.outputFiles) {
    const tmp = `${outdir}/.${basename(file.path)}.${process.pid}.tmp`;
    await writeFile(tmp, file.contents);
    await rename(tmp, file.path);
  }
  return `${outdir}/app.js`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildClient();
  console.log(`host-app client bundle: ${out}`);
}
