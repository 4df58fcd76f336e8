import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_REQUIREMENTS, kvdtFileName } from '@pvskit/adapters';

// docs/kvdt.md tells vendors which case field becomes which KVDT field; it must say what the writer does.
const doc = readFileSync(new URL('../../docs/kvdt.md', import.meta.url), 'utf8');
const satzart0104 = doc.slice(doc.indexOf('## Satzart 0104'), doc.indexOf('## Identifiers'));
/** Rows of the 0104 table: field ids (one or more) → the case JSON cell and the M/m/fixed cell. */
const rows = [...satzart0104.matchAll(/^\| ([\d, ]+) \| [^|]+ \| ([^|]*) \| ([^|]*) \|$/gm)].map((m) => ({
  fields: (m[1] ?? '').split(',').map((f) => f.trim()),
  json: m[2] ?? '',
  status: (m[3] ?? '').trim(),
}));

describe('docs/kvdt.md', () => {
  it('marks every field the export requires of a case as mandatory, with its JSON path', () => {
    const required = CASE_REQUIREMENTS.filter((r) => r.path.startsWith('patient.') || r.path === 'continuingPhysician');
    expect(required.length).toBeGreaterThan(5);
    for (const r of required) {
      const row = rows.find((x) => x.fields.includes(r.field));
      expect(row, `field ${r.field}`).toBeDefined();
      expect(row?.status).toMatch(/^M/);
      expect(row?.json).toContain(`\`${r.path}\``);
    }
  });

  it('shows a file name the writer would give', () => {
    const example = /`(Z01\d{9}_[\d.]+_[\d.]+\.con)`/.exec(doc)?.[1];
    expect(example).toBe(kvdtFileName('529999900', { date: '2026-01-10', time: '08:15' }));
  });
});
