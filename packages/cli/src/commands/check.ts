import { check } from '@pvskit/billing';
import { findingToJson, type CaseOrBundle, type Finding } from '@pvskit/core';
import { CliInputError, reportError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, exitCodeFor, writeJson, type CliCommand, type CliIo } from '../io.js';
import { parseArgs, parseCaseInputs, parseJsonText, readJsonInput } from '../input.js';
import { VERBS } from './verbs.js';

// Imported statically: this module is itself loaded only when the verb runs, and a static import lets the
// bundle carry only the engine, not the whole billing package.
function checkAll(items: readonly CaseOrBundle[]): Finding[] {
  return items.flatMap((item) => check(item).findings);
}

/**
 * `--ndjson`: a long-lived process for hosts that check case after case. Each non-empty stdin line is one
 * input (case, bundle or array) and gets exactly one stdout line: `{"findings":[…]}`, or `{"error":…}` for
 * a bad line (plus the usual stderr line). The exit code is the worst of all lines.
 */
async function checkLines(io: CliIo): Promise<number> {
  // node:readline only for this mode: a one-shot check should not load it.
  const { createInterface } = await import('node:readline');
  // Answers are collected and written once per turn of the event loop: one write per line costs more
  // than checking the case.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    io.stdout(text);
  };
  const answer = (line: string) => {
    pending += line;
    if (pending.length > 64 * 1024) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const lineIo: CliIo = { ...io, stdout: answer };
  let worst = EXIT_OK;
  let lineNo = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    let code: number;
    try {
      const findings = checkAll(parseCaseInputs(parseJsonText(`<stdin>:${lineNo}`, line)));
      answer(`${JSON.stringify({ findings: findings.map(findingToJson) })}\n`);
      code = exitCodeFor(findings);
    } catch (error) {
      code = reportError('check', error, lineIo);
    }
    if (code === EXIT_INPUT || (code === EXIT_FINDINGS && worst === EXIT_OK)) worst = code;
  }
  flush();
  return worst;
}

export const checkCommand: CliCommand = {
  name: 'check',
  ...VERBS.check,
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['ndjson'] });
    if (flags.has('ndjson')) {
      if (positional.length > 0) throw new CliInputError(undefined, '--ndjson reads stdin: no input file expected');
      return checkLines(io);
    }
    if (positional.length !== 1) throw new CliInputError(undefined, 'expected one input file or - for stdin');
    const items = parseCaseInputs(await readJsonInput(positional[0] ?? '-', io));
    const findings = checkAll(items);
    writeJson(io, { findings: findings.map(findingToJson) });
    return exitCodeFor(findings);
  },
};
