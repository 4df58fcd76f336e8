import type { Finding } from '@pvskit/core';
import { CliInputError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_OK, writeJson, type CliCommand } from '../io.js';
import { parseArgs, parseCaseInputs, readJsonInput } from '../input.js';

/** Exit code of the contract for a list of findings. */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'check cases or duty bundles against the Notfalldienst rules: {"findings":[…]}',
  usage: 'pvskit check <file|->',
  async run(args, io) {
    const { positional } = parseArgs(args, {});
    if (positional.length !== 1) throw new CliInputError(undefined, 'expected one input file or - for stdin');
    const items = parseCaseInputs(await readJsonInput(positional[0] ?? '-', io));
    // Loaded on use: `pvskit schema` and `--help` should not pay for the rule engine.
    const { check } = await import('@pvskit/billing');
    const findings = items.flatMap((item) => check(item.kind === 'case' ? item.case : item.bundle).findings);
    writeJson(io, { findings });
    return exitCodeFor(findings);
  },
};
