import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  ValidationError,
  completedSchema,
  parseCaseOrBundle,
  safeParseWith,
  type CaseOrBundle,
  type ValidationIssue,
} from '@pvskit/core';
import { CliInputError, FileValidationError } from './errors.js';
import type { CliIo } from './io.js';

/** Upper bound for one input file; a PVS sends cases, not databases. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export interface JsonInput {
  /** File name as given, or `<stdin>`. */
  readonly name: string;
  readonly value: unknown;
}

async function readStdin(io: CliIo): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new CliInputError('<stdin>', `input larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads and JSON-parses a file or `-` (stdin). Errors name the file and, for JSON syntax, the position. */
export async function readJsonInput(fileOrDash: string, io: CliIo): Promise<JsonInput> {
  const name = fileOrDash === '-' ? '<stdin>' : fileOrDash;
  let bytes: Buffer;
  try {
    bytes = fileOrDash === '-' ? await readStdin(io) : await readFile(resolve(io.cwd, fileOrDash));
  } catch (error) {
    if (error instanceof CliInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'unknown error'})`;
    throw new CliInputError(name, reason);
  }
  if (bytes.length > MAX_INPUT_BYTES) throw new CliInputError(name, `input larger than ${MAX_INPUT_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliInputError(name, 'not valid UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseJsonText(name, text);
}

/** JSON-parses text read from `name`; a syntax error names the file and the position. */
export function parseJsonText(name: string, text: string): JsonInput {
  try {
    return { name, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new CliInputError(name, `not valid JSON (${(error as Error).message})`, '$');
  }
}

function isCompletedOutput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'findings' in value;
}

function prefixIssues(issues: readonly ValidationIssue[], index: number | undefined): ValidationIssue[] {
  if (index === undefined) return [...issues];
  return issues.map((i) => ({ ...i, path: [index, ...i.path] }));
}

/**
 * Classifies and validates a case, a bundle, the output of `pvskit complete`, or an array of these (the
 * contract's input). An object with `findings` is a completed result (its self-contained cases are read as
 * cases); anything else goes to the core's `parseCaseOrBundle`.
 */
export function parseCaseInputs(input: JsonInput): CaseOrBundle[] {
  const items = Array.isArray(input.value) ? input.value : [input.value];
  const indexed = Array.isArray(input.value);
  if (items.length === 0) {
    throw new FileValidationError(input.name, new ValidationError('input', [{ path: [], message: 'empty array: expected at least one case or bundle' }]));
  }
  const out: CaseOrBundle[] = [];
  items.forEach((item, i) => {
    const index = indexed ? i : undefined;
    if (isCompletedOutput(item)) {
      // The output of `pvskit complete`: its cases are self-contained, so a completed duty pipes into the export.
      const r = safeParseWith(completedSchema, item);
      if (!r.ok) throw new FileValidationError(input.name, new ValidationError('completed', prefixIssues(r.issues, index)));
      for (const c of r.value.case === undefined ? (r.value.cases ?? []) : [r.value.case]) out.push({ kind: 'case', case: c });
    } else {
      try {
        out.push(parseCaseOrBundle(item));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw new FileValidationError(input.name, new ValidationError(error.subject, prefixIssues(error.issues, index)));
      }
    }
  });
  return out;
}

/** Splits argv into positional arguments and `--flag value` / `--flag` options. */
export function parseArgs(
  args: readonly string[],
  spec: { readonly values?: readonly string[]; readonly flags?: readonly string[] },
): { positional: string[]; values: Map<string, string>; flags: Set<string> } {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (spec.values?.includes(name) === true) {
        const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined || value === '') throw new CliInputError(undefined, `option --${name} needs a value`);
        values.set(name, value);
      } else if (spec.flags?.includes(name) === true && eq === -1) {
        flags.add(name);
      } else {
        throw new CliInputError(undefined, `unknown option --${name}`);
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, values, flags };
}
