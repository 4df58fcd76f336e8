// Bundles the `pvskit` command with esbuild, straight from the TypeScript sources (so it works right after
// `npm install`, before any `tsc` build), into packages/cli/dist/bundle:
//
// - pvskit.cjs, the entry: help, the verb list and the loader. CommonJS, because Node 20 starts an ES
//   module entry several milliseconds slower than a CommonJS one.
// - one CommonJS script per billing or KVDT verb (check, complete, kvdt, schema) with its V8 code cache
//   beside it (`<script>.cache`), written after a warm-up run of the verb in a fresh `node`: Node 20
//   compiles every script on every start, and for `pvskit check` that compile was half of the start.
// - `serve` and `harness` as ES modules with shared chunks: long-running, and they load the ES module
//   packages kept out of the bundle.
//
// Kept out of the bundle: packages that carry files next to their code (the harness's scenarios), native or
// browser-facing parts (the sample host app, SQLite, WebRTC), so `serve` and `harness` load them from
// node_modules when they run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliSources = join(root, 'packages/cli/src');
const outdir = join(root, 'packages/cli/dist/bundle');
const EXTERNAL = ['@pvskit/harness', '@pvskit/host-app', '@pvskit/video', 'better-sqlite3', '@roamhq/wrtc'];

/**
 * The verbs (the keys of packages/cli/src/commands/verbs.ts; cli-bundle.test.ts keeps them equal) and how
 * each is built. `warmUp`: the arguments of the run whose compiled functions go into the code cache, a
 * typical happy path (an error path would grow the cache every start has to read).
 */
const VERBS = {
  check: { cached: true, warmUp: ['test/fixtures/contract/case.json'] },
  complete: { cached: true, warmUp: ['test/fixtures/contract/case.json'] },
  kvdt: { cached: true, warmUp: ['check', 'test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con'] },
  schema: { cached: true, warmUp: ['case'] },
  serve: { cached: false },
  harness: { cached: false },
};

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

/**
 * The packages write `import { z } from 'zod'`: `z` is zod's namespace object, and esbuild keeps all of a
 * namespace it cannot see through (some 95 modules of zod, every one run at start). Imported as
 * `import * as z` from the module zod's `z` is, only what the schemas use is bundled: the same objects,
 * a fraction of the code and of the start.
 */
const zodNamespaceImports = {
  name: 'zod-namespace-imports',
  setup(b) {
    const zodNamespace = join(root, 'node_modules/zod/v4/classic/external.js');
    b.onLoad({ filter: /[\\/]packages[\\/][a-z-]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll("import { z } from 'zod';", `import * as z from ${JSON.stringify(zodNamespace)};`), loader: 'ts' };
    });
  },
};

/**
 * `pvskit-verb:<name>`: a verb file exporting `run(args, io)`, the verb with its own error reporting (a
 * separately bundled verb has its own copies of the error classes). `pvskit-entry:<json>`: the entry, told
 * where the build put each verb.
 */
const virtualModules = {
  name: 'pvskit-virtual-modules',
  setup(b) {
    b.onResolve({ filter: /^pvskit-(verb|entry):/ }, (args) => ({ path: args.path, namespace: 'pvskit' }));
    b.onLoad({ filter: /^pvskit-verb:/, namespace: 'pvskit' }, (args) => {
      const name = args.path.slice('pvskit-verb:'.length);
      return {
        contents: [
          "import { runVerb } from './cli.ts';",
          `import { ${name}Command as command } from './commands/${name}.ts';`,
          'export const run = (args, io) => runVerb(command, args, io);',
        ].join('\n'),
        resolveDir: cliSources,
        loader: 'js',
      };
    });
    b.onLoad({ filter: /^pvskit-entry:/, namespace: 'pvskit' }, (args) => ({
      contents: [
        "import { bundledCommands } from './bundle-entry.ts';",
        "import { runAsProcess } from './process-io.ts';",
        "export { loadScript, writeCodeCache } from './code-cache.ts';",
        `export const verbs = ${args.path.slice('pvskit-entry:'.length)};`,
        'export const run = () => runAsProcess(bundledCommands(__dirname, verbs));',
      ].join('\n'),
      resolveDir: cliSources,
      loader: 'js',
    }));
  },
};

const common = {
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Smaller source is read and parsed faster at every start; the linked source maps keep stack traces readable.
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  metafile: true,
  external: EXTERNAL,
  plugins: [workspaceSources, zodEnglishOnly, zodNamespaceImports, virtualModules],
};

/** The output file of each entry point, relative to `outdir`. */
function entryOutputs(metafile) {
  const out = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint !== undefined) out[output.entryPoint.slice('pvskit:pvskit-verb:'.length)] = basename(file);
  }
  return out;
}

function mergeMetafiles(...metafiles) {
  return { inputs: Object.assign({}, ...metafiles.map((m) => m.inputs)), outputs: Object.assign({}, ...metafiles.map((m) => m.outputs)) };
}

/** Builds the bundle (and its code caches unless `codeCache` is false); returns esbuild's metafile. */
export async function bundleCli({ quiet = false, codeCache = true } = {}) {
  await rm(outdir, { recursive: true, force: true });
  const logLevel = quiet ? 'warning' : 'info';
  const verbEntries = (cached) => Object.fromEntries(Object.entries(VERBS).filter(([, v]) => v.cached === cached).map(([name]) => [name, `pvskit-verb:${name}`]));
  const scripts = await build({
    ...common,
    entryPoints: verbEntries(true),
    entryNames: '[name]-[hash]',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // Node 20 runs `import()` in a vm.Script only behind a flag; the scripts load node: modules by require.
    supported: { 'dynamic-import': false },
    // Keeping names is a defineProperty per function at every start (~2 ms CPU for check); nothing of
    // pvskit reads a function's name, and the source maps restore them in stack traces.
    keepNames: false,
    logLevel,
  });
  const modules = await build({
    ...common,
    entryPoints: verbEntries(false),
    entryNames: '[name]-[hash]',
    splitting: true,
    format: 'esm',
    logLevel,
    // CommonJS dependencies (tsyringe, reflect-metadata) call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __pvskitCreateRequire } from 'node:module'; const require = __pvskitCreateRequire(import.meta.url);" },
  });
  const verbs = {
    ...Object.fromEntries(Object.entries(entryOutputs(scripts.metafile)).map(([name, file]) => [name, { script: file }])),
    ...Object.fromEntries(Object.entries(entryOutputs(modules.metafile)).map(([name, file]) => [name, { module: file }])),
  };
  const ordered = Object.fromEntries(Object.keys(VERBS).map((name) => [name, verbs[name]]));
  const entry = await build({
    ...common,
    entryPoints: { pvskit: `pvskit-entry:${JSON.stringify(ordered)}` },
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    logLevel,
  });
  // A fresh `node` without this process's flags: V8 accepts a cache only under the flags it was made with.
  if (codeCache) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--write-code-cache'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new Error(`writing the code caches failed (exit ${r.status})`);
  }
  return mergeMetafiles(scripts.metafile, modules.metafile, entry.metafile);
}

/** Runs each cached verb once on its warm-up arguments, then writes its code cache. */
async function writeCodeCaches() {
  const { verbs, loadScript, writeCodeCache } = createRequire(import.meta.url)(join(outdir, 'pvskit.cjs'));
  for (const [name, verb] of Object.entries(verbs)) {
    if (verb.script === undefined) continue;
    const file = join(outdir, verb.script);
    const { exports, script } = loadScript(file, { useCache: false });
    const output = [];
    const io = { stdin: Readable.from([]), stdout: (t) => output.push(t), stderr: (t) => output.push(t), cwd: root, env: {} };
    const code = await exports.run(VERBS[name].warmUp, io);
    if (code !== 0 && code !== 1) throw new Error(`warm-up of pvskit ${name} exited ${code}: ${output.join('')}`);
    if (!writeCodeCache(file, script)) {
      process.stderr.write(`pvskit bundle: no code cache (node:zlib has no crc32 before Node 20.15); the CLI starts slower\n`);
      return;
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write-code-cache')) await writeCodeCaches();
  else await bundleCli({ quiet: process.argv.includes('--quiet') });
}
