import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  defaultScenariosDir,
  endpointTarget,
  formatReport,
  inProcessTarget,
  junitXml,
  loadScenarios,
  runHarness,
  type HarnessTarget,
} from '@pvskit/harness';
import { ValidationError } from '@pvskit/core';
import { CliInputError, FileValidationError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliCommand, type CliIo } from '../io.js';
import { parseArgs } from '../input.js';
import { VERBS } from './verbs.js';

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, path);
}

function progress(io: CliIo): (done: number, total: number, name: string) => void {
  return (done, total, name) => {
    const line = `[${String(done).padStart(String(total).length)}/${total}] ${name}`;
    io.stderr(`\r${line.length > 100 ? `${line.slice(0, 99)}…` : line.padEnd(100)}${done === total ? '\n' : ''}`);
  };
}

/**
 * `pvskit harness [dir] [--endpoint URL] [--service ID] [--token T] [--junit FILE] [--quiet]`: runs scenario files
 * against the in-process SDK (default) or a CDS Hooks endpoint. Without a directory it runs the shipped
 * scenarios (KVBW worked examples and rule near-misses). Exit 0 when all pass, 1 when one fails, 2 when
 * the scenarios cannot be read.
 */
export const harnessCommand: CliCommand = {
  name: 'harness',
  ...VERBS.harness,
  async run(args, io) {
    const { positional, values, flags } = parseArgs(args, { values: ['endpoint', 'token', 'junit', 'service'], flags: ['quiet'] });
    if (positional.length > 1) throw new CliInputError(undefined, `expected at most one scenario directory, got ${positional.length}`);
    const dir = positional[0] === undefined ? defaultScenariosDir : resolve(io.cwd, positional[0]);
    const scenarios = await loadScenarios(dir).catch((error: unknown) => {
      throw error instanceof ValidationError ? new FileValidationError(error.subject, error) : error;
    });
    if (scenarios.length === 0) throw new CliInputError(dir, 'no scenario files (*.json) found');
    const endpoint = values.get('endpoint');
    const token = values.get('token') ?? io.env['PVSKIT_TOKEN'];
    if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) throw new CliInputError(undefined, `--endpoint must be an http(s) URL, got "${endpoint}"`);
    const service = values.get('service');
    const target: HarnessTarget =
      endpoint === undefined
        ? inProcessTarget()
        : endpointTarget(endpoint, { ...(token === undefined ? {} : { token }), ...(service === undefined ? {} : { service }) });
    const show = flags.has('quiet') ? undefined : progress(io);
    const report = await runHarness(target, scenarios, {
      ...(show === undefined ? {} : { onProgress: (done: number, total: number, r: { scenario: { file: string } }) => show(done, total, r.scenario.file) }),
    });
    io.stdout(formatReport(report));
    const junit = values.get('junit');
    if (junit !== undefined) await writeAtomically(resolve(io.cwd, junit), junitXml(report));
    return report.failed === 0 ? EXIT_OK : EXIT_FINDINGS;
  },
};
