import { resolve } from 'node:path';
import { checkKvdtFile, exportKvdt, readKvdtFile } from '@pvskit/adapters';
import { parseQuarter, type CaseOrBundle } from '@pvskit/core';
import { CliInputError } from '../errors.js';
import { EXIT_OK, exitCodeFor, writeJson, type CliCommand, type CliIo } from '../io.js';
import { parseArgs, parseCaseInputs, readJsonInput } from '../input.js';
import { VERBS } from './verbs.js';


async function runExport(args: readonly string[], io: CliIo): Promise<number> {
  const { positional, values, flags } = parseArgs(args, { values: ['out', 'quarter'], flags: ['transliterate'] });
  const out = values.get('out');
  if (positional.length === 0) throw new CliInputError(undefined, 'expected at least one input file (case, bundle or array)');
  if (out === undefined) throw new CliInputError(undefined, 'option --out <dir|file.con> is required');
  const quarter = values.get('quarter');
  if (quarter !== undefined) parseQuarter(quarter);
  const items: CaseOrBundle[] = [];
  for (const file of positional) items.push(...parseCaseInputs(await readJsonInput(file, io)));
  const result = await exportKvdt({
    items,
    out: resolve(io.cwd, out),
    ...(quarter === undefined ? {} : { quarter }),
    ...(flags.has('transliterate') ? { transliterate: true } : {}),
  });
  writeJson(io, result);
  return EXIT_OK;
}

async function runRead(args: readonly string[], io: CliIo): Promise<number> {
  const { positional } = parseArgs(args, {});
  if (positional.length !== 1) throw new CliInputError(undefined, 'expected one KVDT file');
  const view = await readKvdtFile(resolve(io.cwd, positional[0] ?? ''));
  writeJson(io, view);
  return EXIT_OK;
}

async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const { positional } = parseArgs(args, {});
  if (positional.length !== 1) throw new CliInputError(undefined, 'expected one KVDT file');
  const { findings } = await checkKvdtFile(resolve(io.cwd, positional[0] ?? ''));
  writeJson(io, { findings });
  return exitCodeFor(findings);
}

export const kvdtCommand: CliCommand = {
  name: 'kvdt',
  ...VERBS.kvdt,
  run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'export':
        return runExport(rest, io);
      case 'read':
        return runRead(rest, io);
      case 'check':
        return runCheck(rest, io);
      default:
        throw new CliInputError(undefined, `expected a subcommand: export, read or check (got ${sub === undefined ? 'nothing' : `"${sub}"`})`);
    }
  },
};
