import type { CliCommand, CliIo } from '../io.js';
import { VERBS, type VerbName } from './verbs.js';

/** A verb whose code is loaded when it runs: `--help` and an unknown verb load none. */
export function lazyVerb(name: VerbName, load: () => Promise<Pick<CliCommand, 'run'>>): CliCommand {
  return { name, ...VERBS[name], run: async (args: readonly string[], io: CliIo) => (await load()).run(args, io) };
}
