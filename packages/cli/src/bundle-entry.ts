/**
 * The `pvskit` bundle's commands: the verb list and help come with the entry; a verb's code is loaded when
 * it runs, from the file the build wrote for it. The billing and KVDT verbs are CommonJS scripts run with
 * their V8 code cache (see code-cache.ts); `serve` and `harness`, long-running and loading ES module
 * packages, stay ES modules.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScript } from './code-cache.js';
import { lazyVerb } from './commands/lazy.js';
import { VERBS, type VerbName } from './commands/verbs.js';
import type { CliCommand, CliIo } from './io.js';

/** Where the build put a verb, relative to the bundle's directory. */
export type BundledVerb = { readonly script: string } | { readonly module: string };

/** What every verb file exports (see `runVerb`). */
interface VerbExports {
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** The commands of the bundle in `dir`, in help order. */
export function bundledCommands(dir: string, verbs: Readonly<Record<VerbName, BundledVerb>>): CliCommand[] {
  return (Object.keys(VERBS) as VerbName[]).map((name) =>
    lazyVerb(name, async () => {
      const verb = verbs[name];
      if ('script' in verb) return loadScript(join(dir, verb.script)).exports as unknown as VerbExports;
      return (await import(pathToFileURL(join(dir, verb.module)).href)) as VerbExports;
    }),
  );
}
