import type { CliCommand, CliIo } from '../io.js';
import { VERBS, type VerbName } from './verbs.js';

/** A verb whose code is imported when it runs. */
function lazy(name: VerbName, load: () => Promise<CliCommand>): CliCommand {
  return { name, ...VERBS[name], run: async (args: readonly string[], io: CliIo) => (await load()).run(args, io) };
}

/** Every verb of the contract, in help order. */
export const commands: readonly CliCommand[] = [
  lazy('check', async () => (await import('./check.js')).checkCommand),
  lazy('complete', async () => (await import('./complete.js')).completeCommand),
  lazy('kvdt', async () => (await import('./kvdt.js')).kvdtCommand),
  lazy('schema', async () => (await import('./schema.js')).schemaCommand),
  lazy('serve', async () => (await import('./serve.js')).serveCommand),
  lazy('harness', async () => (await import('./harness.js')).harnessCommand),
];
