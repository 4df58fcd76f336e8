import { CliInputError, reportError } from './errors.js';
import { EXIT_INPUT, EXIT_OK, type CliCommand, type CliIo } from './io.js';

const VERSION = '0.1.0';

function help(list: readonly CliCommand[]): string {
  return [
    'pvskit: Notfalldienst billing, KVDT export and video consultation for German PVS',
    '',
    'Usage:',
    ...list.flatMap((c) => [...c.usage.split('\n').map((line) => `  ${line.trim()}`), `      ${c.summary}`]),
    '',
    'Exit codes: 0 no error finding, 1 at least one error finding, 2 input unreadable or invalid.',
    '',
  ].join('\n');
}

/**
 * Runs the CLI with `argv` (without node and script) over the `available` verbs and returns the exit
 * code. Never throws. Knows no verb itself, so a bundle carries only the verbs it is given.
 */
export async function runCli(argv: readonly string[], io: CliIo, available: readonly CliCommand[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    (verb === undefined ? io.stderr : io.stdout)(help(available));
    return verb === undefined ? EXIT_INPUT : EXIT_OK;
  }
  if (verb === '--version' || verb === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT_OK;
  }
  const command = available.find((c) => c.name === verb);
  try {
    if (command === undefined) throw new CliInputError(undefined, `unknown command "${verb}" (try pvskit --help)`);
    return await command.run(rest, io);
  } catch (error) {
    return reportError(verb, error, io);
  }
}

/**
 * Runs one verb with its error reporting: what a separately bundled verb exports, so errors it throws are
 * told apart by its own copies of the error classes.
 */
export function runVerb(command: CliCommand, args: readonly string[], io: CliIo): Promise<number> {
  return runCli([command.name, ...args], io, [command]);
}
