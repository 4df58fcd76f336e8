import { complete } from '@pvskit/billing';
import { casesOf, findingToJson, type Case, type Finding } from '@pvskit/core';
import { CliInputError } from '../errors.js';
import { exitCodeFor, writeJson, type CliCommand } from '../io.js';
import { parseArgs, parseCaseInputs, readJsonInput } from '../input.js';
import { VERBS } from './verbs.js';

export const completeCommand: CliCommand = {
  name: 'complete',
  ...VERBS.complete,
  async run(args, io) {
    const { positional } = parseArgs(args, {});
    if (positional.length !== 1) throw new CliInputError(undefined, 'expected one input file or - for stdin');
    const items = parseCaseInputs(await readJsonInput(positional[0] ?? '-', io));
    const findings: Finding[] = [];
    const cases: Case[] = [];
    for (const item of items) {
      const r = complete(item);
      // The contract prints a bundle's cases self-contained, so the output pipes into `kvdt export` as it is.
      cases.push(...(r.kind === 'case' ? [r.case] : casesOf(r)));
      findings.push(...r.findings);
    }
    // The contract: a single case answers {"case":…}; a bundle or an array answers {"cases":[…]}.
    const single = items.length === 1 && items[0]?.kind === 'case';
    const json = findings.map(findingToJson);
    writeJson(io, single ? { case: cases[0], findings: json } : { cases, findings: json });
    return exitCodeFor(findings);
  },
};
