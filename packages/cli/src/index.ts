/**
 * \@pvskit/cli: the `pvskit` command (JSON in, JSON out) for hosts that are not written in TypeScript.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export type { CliCommand, CliIo } from './io.js';
export { EXIT_FINDINGS, EXIT_INPUT, EXIT_OK } from './io.js';
