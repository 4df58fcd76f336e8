/**
 * Typed errors. Every error pvskit throws on purpose is a {@link PvsKitError} with a stable `code`
 * that hosts can switch on; `message` is English for developers, `userMessage` German for practice users.
 */
import { formatJsonPath, type JsonPath } from './json-path.js';

/** Stable error codes. Adding a code is an API change; renaming one is a breaking change. */
export type PvsKitErrorCode =
  | 'VALIDATION'
  | 'INPUT_UNREADABLE'
  | 'NOT_IMPLEMENTED_YET'
  | 'PLUGIN_NOT_FOUND'
  | 'PLUGIN_DUPLICATE'
  | 'HOOK_UNKNOWN'
  | 'IDENTIFIER'
  | 'CALENDAR'
  | 'CONFIG'
  | 'ENCODING'
  | 'KVDT_PARSE'
  | 'EXPORT_REFUSED'
  | 'AUTH'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'LOCKED'
  | 'EXPIRED'
  | 'CRYPTO'
  | 'TRANSPORT'
  | 'STORAGE'
  | 'INTERNAL';

export interface PvsKitErrorOptions {
  /** German text for practice users; defaults to the developer message. */
  userMessage?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class PvsKitError extends Error {
  override readonly name: string = 'PvsKitError';
  readonly code: PvsKitErrorCode;
  readonly userMessage: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: PvsKitErrorCode, message: string, options: PvsKitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.userMessage = options.userMessage ?? message;
    this.details = options.details;
  }

  toJSON(): { code: PvsKitErrorCode; message: string; userMessage: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      userMessage: this.userMessage,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** One problem in an input: where (path segments from the input's root, e.g. `['services', 0, 'gop']`) and why. */
export interface ValidationIssue {
  /** Keys and indices from the root of the validated input; `[]` is the input itself. */
  path: JsonPath;
  /** English reason, e.g. `unknown field "gopp"` or `expected YYYY-MM-DD`. */
  message: string;
}

/** A validation issue as JSON (CLI output, HTTP errors): its path formatted as `$.services[0].gop`. */
export interface ValidationIssueJson {
  /** JSON path in dot/bracket notation, starting at `$`. */
  path: string;
  /** English reason, as in {@link ValidationIssue.message}. */
  message: string;
}

/** Formats an issue's path for the edges, see {@link ValidationIssueJson}. */
export function validationIssueToJson(issue: ValidationIssue): ValidationIssueJson {
  return { path: formatJsonPath(issue.path), message: issue.message };
}

/** Input did not match a schema. `issues` lists every problem with its path. */
export class ValidationError extends PvsKitError {
  override readonly name = 'ValidationError';
  readonly issues: readonly ValidationIssue[];
  /** What was being validated, e.g. `case` or a file name. */
  readonly subject: string;

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const summary = first === undefined ? 'invalid' : `${formatJsonPath(first.path)}: ${first.message}`;
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    super('VALIDATION', `${subject} is invalid at ${summary}${more}`, {
      userMessage: `Eingabe ungültig (${subject}) bei ${summary}${more}`,
      details: { issues: issues.map(validationIssueToJson) },
    });
    this.issues = issues;
    this.subject = subject;
  }
}

export function isPvsKitError(value: unknown): value is PvsKitError {
  return value instanceof PvsKitError;
}
