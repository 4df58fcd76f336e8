import type { CliCommand } from '../io.js';
import { lazyVerb as lazy } from './lazy.js';

/** Every verb of the contract, in help order. */
export const commands: readonly CliCommand[] = [
  lazy('check', async () => (await import('./check.js')).checkCommand),
  lazy('complete', async () => (await import('./complete.js')).completeCommand),
  lazy('kvdt', async () => (await import('./kvdt.js')).kvdtCommand),
  lazy('schema', async () => (await import('./schema.js')).schemaCommand),
  lazy('serve', async () => (await import('./serve.js')).serveCommand),
  lazy('harness', async () => (await import('./harness.js')).harnessCommand),
];
