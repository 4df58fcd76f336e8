import { Readable } from 'node:stream';
import type { CliIo } from '../src/io.js';

/** An in-memory CliIo for tests: collects stdout/stderr, feeds `stdin`. */
export function memoryIo(stdin = '', cwd = process.cwd()): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    cwd,
    env: {},
    out: () => out,
    err: () => err,
  };
}
