// Bundles the `pvskit` command with esbuild, straight from the TypeScript sources (so it works right after
// `npm install`, before any `tsc` build): one ES module per bin plus one chunk per verb, loaded when the verb
// runs. Node starts it in a few milliseconds more than an empty script instead of loading the whole SDK.
//
// Kept out of the bundle: packages that carry files next to their code (the harness's scenarios), native or
// browser-facing parts (the sample host app, SQLite, WebRTC), so `serve` and `harness` load them from
// node_modules when they run.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'packages/cli/dist/bundle');
const EXTERNAL = ['@pvskit/harness', '@pvskit/host-app', '@pvskit/video', 'better-sqlite3', '@roamhq/wrtc'];

/** `@pvskit/<name>` → `packages/<name>/src/index.ts`, so the bundle does not depend on a prior `tsc` build. */
const workspaceSources = {
  name: 'pvskit-workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@pvskit\/[a-z-]+$/ }, (args) => {
      if (EXTERNAL.includes(args.path)) return { path: args.path, external: true };
      const source = join(root, 'packages', args.path.slice('@pvskit/'.length), 'src/index.ts');
      // The workspace packages declare "sideEffects": false: modules a verb does not use stay out of its chunk.
      return existsSync(source) ? { path: source, sideEffects: false } : undefined;
    });
  },
};

/**
 * zod re-exports error messages in some fifty languages (`z.locales`); pvskit writes its own messages and
 * only ever uses zod's default English ones. The bundle carries that one: a third less code to compile at
 * every start. A call of another locale would fail loudly (not a function), never silently.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: join(root, 'node_modules/zod/v4/locales'),
    }));
  },
};

/** Builds the bundle; returns esbuild's metafile (inputs and outputs with their sizes). */
export async function bundleCli({ quiet = false } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { pvskit: join(root, 'packages/cli/src/bin.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Smaller source parses faster at every start; the linked source maps keep stack traces readable.
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    external: EXTERNAL,
    plugins: [workspaceSources, zodEnglishOnly],
    logLevel: quiet ? 'warning' : 'info',
    // CommonJS dependencies (tsyringe, reflect-metadata) call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __pvskitCreateRequire } from 'node:module'; const require = __pvskitCreateRequire(import.meta.url);" },
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli({ quiet: process.argv.includes('--quiet') });
