import type { CliCommand } from '../io.js';
import { checkCommand } from './check.js';
import { completeCommand } from './complete.js';
import { harnessCommand } from './harness.js';
import { kvdtCommand } from './kvdt.js';
import { schemaCommand } from './schema.js';
import { serveCommand } from './serve.js';

/** Every verb of the contract, in help order. */
export const commands: readonly CliCommand[] = [
  checkCommand,
  completeCommand,
  kvdtCommand,
  schemaCommand,
  serveCommand,
  harnessCommand,
];
