import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { localDateSchema, localTimeSchema, PvsKitError, safeParseWith, severitySchema, ValidationError } from '@pvskit/core';

/** One service a scenario expects: GOP, count (default 1), and optionally its date and time. */
export const expectedServiceSchema = z.strictObject({
  gop: z.string().min(1),
  count: z.number().int().min(1).default(1),
  date: localDateSchema.optional(),
  time: localTimeSchema.optional(),
});

/** A finding a scenario expects: its rule id and, optionally, its severity. */
export const expectedFindingSchema = z.strictObject({ rule: z.string().min(1), severity: severitySchema.optional() });

/**
 * A partner scenario: a hook context (a case or a duty bundle) and what must come out. Expected values come
 * from the source (guide, EBM), never from running the engine.
 */
export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    /** Where the expectation comes from, e.g. the guide's worked example. */
    source: z.string().optional(),
    hook: z.enum(['case-edit', 'case-sign']).default('case-edit'),
    /** CDS Hooks service id to call; default the first service of the hook. */
    service: z.string().min(1).optional(),
    context: z.record(z.string(), z.unknown()),
    /**
     * GOPs the doctor types in that no contact explains (02301, 02100, …). In-process, `complete` must
     * derive `expect.services` from the contacts plus only these.
     */
    typed: z.array(z.string().min(1)).optional(),
    expect: z.strictObject({
      /** Exactly these services (multiset) after completion. */
      services: z.array(expectedServiceSchema).optional(),
      /** Findings that must be reported on the context as sent. */
      findings: z.array(expectedFindingSchema).optional(),
      /** Rule ids that must not be reported. */
      absent: z.array(z.string().min(1)).optional(),
      /** No finding of severity `error` at all. */
      noErrors: z.boolean().optional(),
    }),
  })
  .meta({ id: 'harness-scenario', title: 'pvskit harness scenario' });

/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A parsed scenario plus where it came from. */
export type Scenario = z.output<typeof scenarioSchema> & {
  /** File it was read from, relative to the scenario directory. */
  file: string;
  /** Folder of the file (relative), used as the JUnit class name. */
  group: string;
};

/** The scenarios shipped with the harness: the KVBW guide's worked examples and rule near-misses. */
export const defaultScenariosDir: string = fileURLToPath(new URL('../scenarios/', import.meta.url));

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

/** Validates one file's content (a scenario or an array of scenarios). Errors name the file and JSON path. */
export function parseScenarios(value: unknown, file: string): Scenario[] {
  const items = Array.isArray(value) ? value : [value];
  const group = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  return items.map((item, index) => {
    const r = safeParseWith(scenarioSchema, item);
    if (!r.ok) {
      const issues = Array.isArray(value) ? r.issues.map((i) => ({ ...i, path: [index, ...i.path] })) : r.issues;
      throw new ValidationError(file, issues);
    }
    return { ...r.value, file, group };
  });
}

/**
 * Reads every `*.json` under `dir` (recursively, in name order). A file holds one scenario or an array.
 * Throws `ValidationError` (subject = file) for an invalid scenario, `PvsKitError('INPUT_UNREADABLE')` for
 * a file that is not JSON or a directory that cannot be read.
 */
export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const root = resolve(dir);
  let files: string[];
  try {
    files = await jsonFiles(root);
  } catch (error) {
    throw new PvsKitError('INPUT_UNREADABLE', `cannot read scenario directory ${dir}: ${(error as Error).message}`, {
      userMessage: `Szenario-Verzeichnis ${dir} ist nicht lesbar.`,
      details: { file: dir },
    });
  }
  const scenarios: Scenario[] = [];
  for (const full of files) {
    const file = relative(root, full).split('\\').join('/');
    let value: unknown;
    try {
      value = JSON.parse(await readFile(full, 'utf8')) as unknown;
    } catch (error) {
      throw new PvsKitError('INPUT_UNREADABLE', `${file}: not valid JSON (${(error as Error).message})`, {
        userMessage: `${file}: kein gültiges JSON.`,
        details: { file, path: '$' },
      });
    }
    scenarios.push(...parseScenarios(value, file));
  }
  return scenarios;
}
