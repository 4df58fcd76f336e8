import { runCli } from './cli.js';
import type { CliCommand } from './io.js';

/** Runs the CLI as this process: its arguments, its standard streams, its exit code. */
export async function runAsProcess(commands: readonly CliCommand[]): Promise<void> {
  // `pvskit kvdt read big.con | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await runCli(process.argv.slice(2), {
    // Opening stdin costs a millisecond and more; `pvskit check file.json` never reads it.
    get stdin() {
      return process.stdin;
    },
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
  }, commands);
  // Let pending writes drain instead of process.exit(), which may cut piped output.
  process.exitCode = code;
}
