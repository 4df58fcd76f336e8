#!/usr/bin/env node
/** The sample host app's executable: `npm start` runs it after the build. */
import { runHostAppCli } from './cli.js';

/** Resolves when the process is asked to stop (Ctrl+C or SIGTERM). */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

process.exitCode = await runHostAppCli(
  process.argv.slice(2),
  { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env },
  untilSignal,
);
