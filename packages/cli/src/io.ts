import type { Readable } from 'node:stream';
import type { Finding } from '@pvskit/core';

/** What a command may touch of the outside world; tests pass an in-memory one. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes of the contract: 0 no error finding, 1 at least one error finding, 2 unreadable or invalid input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INPUT = 2;

/** Exit code of the contract for a list of findings. */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

export interface CliCommand {
  readonly name: string;
  /** One line for `pvskit --help`. */
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
