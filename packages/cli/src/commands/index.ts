import type { CliCommand } from '../io.js';
import { schemaCommand } from './schema.js';

/** Every verb of the contract, in help order. */
export const commands: readonly CliCommand[] = [schemaCommand];
