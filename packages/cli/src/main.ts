import { runCli } from './cli.js';
import { commands } from './commands/index.js';
import type { CliCommand, CliIo } from './io.js';

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. */
export function main(argv: readonly string[], io: CliIo, available: readonly CliCommand[] = commands): Promise<number> {
  return runCli(argv, io, available);
}
