import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKvdtFile, exportKvdt } from '@pvskit/adapters';
import { bundleSchema, caseSchema, completedSchema, findingSchema, publishedSchemaNames, safeParseWith } from '@pvskit/core';
import { commands } from '../../packages/cli/src/commands/index.js';

// docs/contract.md is what non-TypeScript hosts read: its examples must be what the schemas accept.
const doc = readFileSync(new URL('../../docs/contract.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/<!-- example: ([\w-]+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({
  name: m[1] ?? '',
  value: JSON.parse(m[2] ?? '') as unknown,
}));
const schemas = { case: caseSchema, 'exportable-case': caseSchema, bundle: bundleSchema, completed: completedSchema, finding: findingSchema } as const;
const example = (name: keyof typeof schemas) => examples.find((e) => e.name === name)?.value;

describe('docs/contract.md', () => {
  it('has an example of every documented payload', () => {
    expect(examples.map((e) => e.name).sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(examples)('example "$name" validates against its schema', ({ name, value }) => {
    const schema = schemas[name as keyof typeof schemas];
    const r = safeParseWith(schema, value);
    expect(r.ok ? [] : r.issues).toEqual([]);
  });

  it('its exportable case is written to a KVDT file the validator accepts', async () => {
    const parsed = safeParseWith(caseSchema, example('exportable-case'));
    if (!parsed.ok) throw new Error('example does not parse');
    const out = mkdtempSync(join(tmpdir(), 'pvskit-contract-'));
    const result = await exportKvdt({ items: [{ kind: 'case', case: parsed.value }], out, clock: () => new Date('2026-01-10T07:15:00Z') });
    expect(result.path).toBe(join(out, 'Z01529999900_10.01.2026_08.15.con'));
    const { findings } = await checkKvdtFile(result.path);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('names every CLI verb there is, and only those', () => {
    const cli = /## CLI\n\n```\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? '';
    const verbs = new Set([...cli.matchAll(/^pvskit (\w+)/gm)].map((m) => m[1]));
    expect([...verbs].sort()).toEqual(commands.map((c) => c.name).sort());
  });

  it('lists the published schema names `pvskit schema` accepts', () => {
    expect(doc).toContain(`pvskit schema <${publishedSchemaNames.join('|')}>`);
  });
});
