import { formatJsonPath, PvsKitError, ValidationError, validationIssueToJson } from '@pvskit/core';
import { EXIT_INPUT, type CliIo } from './io.js';

/** An input problem found by the CLI itself (a file it cannot read, bad arguments). */
export class CliInputError extends PvsKitError {
  override readonly name = 'CliInputError';
  constructor(
    readonly file: string | undefined,
    message: string,
    readonly jsonPath?: string,
  ) {
    super('INPUT_UNREADABLE', message, { details: { ...(file === undefined ? {} : { file }), ...(jsonPath === undefined ? {} : { path: jsonPath }) } });
  }
}

/** A ValidationError tied to the file it came from. */
export class FileValidationError extends PvsKitError {
  override readonly name = 'FileValidationError';
  constructor(
    readonly file: string,
    readonly validation: ValidationError,
  ) {
    super('VALIDATION', `${file}: ${validation.message}`, { cause: validation });
  }
}

/**
 * Reports a user error the contract's way: one line on stderr naming file, JSON path and reason, and
 * `{"error":…}` on stdout. No stack trace: these are the user's mistakes, not ours.
 */
export function reportError(verb: string, error: unknown, io: CliIo): number {
  let file: string | undefined;
  let path: string | undefined;
  let reason: string;
  let code: string;
  let issues: unknown;
  if (error instanceof FileValidationError) {
    file = error.file;
    const first = error.validation.issues[0];
    path = first === undefined ? undefined : formatJsonPath(first.path);
    reason = first?.message ?? error.validation.message;
    code = 'VALIDATION';
    issues = error.validation.issues.map(validationIssueToJson);
  } else if (error instanceof ValidationError) {
    const first = error.issues[0];
    path = first === undefined ? undefined : formatJsonPath(first.path);
    reason = first?.message ?? error.message;
    code = 'VALIDATION';
    issues = error.issues.map(validationIssueToJson);
  } else if (error instanceof CliInputError) {
    file = error.file;
    path = error.jsonPath;
    reason = error.message;
    code = error.code;
  } else if (error instanceof PvsKitError) {
    reason = error.message;
    code = error.code;
    const details = error.details ?? {};
    if (typeof details['file'] === 'string') file = details['file'];
    if (typeof details['path'] === 'string') path = details['path'];
  } else {
    // Not a user error: still no stack trace on the terminal, but say it is ours.
    reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    code = 'INTERNAL';
  }
  const where = [file, path].filter((p): p is string => p !== undefined).join(': ');
  io.stderr(`pvskit ${verb}: ${where === '' ? '' : `${where}: `}${reason}\n`);
  io.stdout(
    `${JSON.stringify({
      error: {
        code,
        message: reason,
        ...(file === undefined ? {} : { file }),
        ...(path === undefined ? {} : { path }),
        ...(issues === undefined ? {} : { issues }),
      },
    })}\n`,
  );
  return EXIT_INPUT;
}
