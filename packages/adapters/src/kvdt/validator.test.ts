import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import type { CaseInput } from '@pvskit/core';
import type { KvdtField, KvdtRecord } from './model.js';
import { KvdtLineParser, parseKvdtBytes } from './reader.js';
import { KVDT_RULES } from './rules.js';
import { parsedItems, sampleCaseInput } from '../../test/kvdt-sample.js';
import { serializeKvdtRecords } from './serialize.js';
import { KvdtValidator, validateKvdt, validateKvdtEvents } from './validator.js';
import { writeKvdtBytes } from './writer.js';

const FIXTURE = new URL('../../../../test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con', import.meta.url).pathname;
const CLOCK = () => new Date('2026-01-12T09:05:00Z');

// Lines of field 3119 whose KVNR check digit is wrong, computed independently of the core implementation
// (letter as 01–26, weights 1-2-1-2…, digit sums, mod 10).
const WRONG_KVNR_LINES = [220, 261, 301, 346, 383, 426, 470, 538, 598, 677, 712, 751, 842, 937, 1036, 1123, 1331];

describe('validator on the KBV test file', () => {
  it('reports the deliberately wrong KVNR check digits with line and field', async () => {
    const findings = await validateKvdt(FIXTURE);
    const kvnr = findings.filter((f) => f.rule === 'ID-KVNR');
    expect(kvnr.map((f) => f.line)).toEqual(WRONG_KVNR_LINES);
    for (const f of kvnr) {
      expect(f.field).toBe('3119');
      expect(f.severity).toBe('error');
      expect(f.message).toMatch(/^Zeile \d+, Feld 3119: /);
    }
  });

  it('finds no structure problem in it (order of both packages, mandatory fields, formats, services)', async () => {
    const findings = await validateKvdt(FIXTURE);
    expect(findings.filter((f) => f.rule.startsWith('KVDT-'))).toEqual([]);
    // Everything else it reports is an identifier check digit.
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['ID-KVNR', 'ID-IK']));
  });
});

async function writtenFile(cases: CaseInput[] = [sampleCaseInput(1), sampleCaseInput(2)]): Promise<Buffer> {
  return (await writeKvdtBytes(parsedItems(cases), { clock: CLOCK })).bytes;
}

function field(id: string, value: string): KvdtField {
  return { id, value, line: 0, raw: Buffer.alloc(0) };
}

async function findingsAfter(mutate: (records: KvdtRecord[]) => void): Promise<{ rule: string; line?: number; field?: string }[]> {
  const records = parseKvdtBytes(await writtenFile()).records;
  mutate(records);
  const findings = await validateKvdt(serializeKvdtRecords(records));
  return findings.map((f) => ({ rule: f.rule, ...(f.line === undefined ? {} : { line: f.line }), ...(f.field === undefined ? {} : { field: f.field }) }));
}

const case0104 = (records: KvdtRecord[]) => records.find((r) => r.satzart === '0104') as KvdtRecord;
const indexOf = (r: KvdtRecord, id: string) => r.fields.findIndex((f) => f.id === id);

describe('validator on files the writer produced', () => {
  it('reports nothing', async () => {
    expect(await validateKvdt(await writtenFile())).toEqual([]);
  });

  it('reports a missing mandatory 0104 field at the record line', async () => {
    let line = 0;
    const found = await findingsAfter((rs) => {
      const r = case0104(rs);
      line = r.line;
      r.fields.splice(indexOf(r, '4243'), 1);
    });
    expect(line).toBeGreaterThan(4);
    expect(found).toEqual([{ rule: KVDT_RULES.MANDATORY.id, line, field: '4243' }]);
  });

  it('reports records out of order and missing records', async () => {
    const found = await findingsAfter((rs) => {
      const [con0, besa] = rs.splice(0, 2);
      rs.splice(1, 0, besa as KvdtRecord, con0 as KvdtRecord);
      rs.splice(rs.findIndex((r) => r.satzart === 'adt9'), 1);
    });
    const rules = found.map((f) => f.rule);
    expect(rules).toContain(KVDT_RULES.ORDER.id);
    expect(found).toContainEqual(expect.objectContaining({ rule: KVDT_RULES.MISSING_RECORD.id, field: '8000' }));
  });

  it('reports a service without 5098/5099, a diagnosis without 6003 and before services, days not ascending', async () => {
    const found = await findingsAfter((rs) => {
      const r = case0104(rs);
      r.fields.splice(indexOf(r, '5098'), 2); // first service loses 5098 + 5099
      r.fields.splice(indexOf(r, '6003'), 1);
      const firstDay = indexOf(r, '5000');
      r.fields.splice(firstDay, 0, field('6001', 'R10.4'), field('6003', 'G'));
      const days = r.fields.filter((f) => f.id === '5000');
      (days[1] as { value: string }).value = '20260101';
    });
    const rules = new Set(found.map((f) => f.rule));
    for (const rule of [KVDT_RULES.SERVICE_BSNR, KVDT_RULES.SERVICE_LANR, KVDT_RULES.DIAGNOSIS_CERTAINTY, KVDT_RULES.DIAGNOSIS_POSITION, KVDT_RULES.DATE_ORDER]) {
      expect(rules).toContain(rule.id);
    }
  });

  it('reports field formats, lengths, blanks, empty content, 4102/8100, SUG, quarter and UTF-8 look-alikes', async () => {
    const found = await findingsAfter((rs) => {
      const r = case0104(rs);
      const set = (id: string, value: string) => ((r.fields[indexOf(r, id)] as { value: string }).value = value);
      set('3103', '19501301');
      set('3101', 'X'.repeat(46));
      set('3102', ' Erika');
      set('4239', '00');
      set('4101', '22026');
      set('3113', 'MÃŒnchen'); // UTF-8 'ü' (C3 BC) read as ISO-8859-15
      set('5006', '2460');
      r.fields.splice(5, 0, field('4102', '20260101'), field('8100', '000123'));
    });
    const rules = new Set(found.map((f) => f.rule));
    for (const rule of [
      KVDT_RULES.FIELD_FORMAT, KVDT_RULES.FIELD_LENGTH, KVDT_RULES.FIELD_BLANKS, KVDT_RULES.NOT_ALLOWED,
      KVDT_RULES.SUG, KVDT_RULES.QUARTER, KVDT_RULES.UTF8_SUSPECT,
    ]) {
      expect(rules).toContain(rule.id);
    }
    const birth = found.find((f) => f.field === '3103');
    expect(birth?.rule).toBe(KVDT_RULES.FIELD_FORMAT.id);
    expect(birth?.line).toBeGreaterThan(4);
  });

  it('reports identifier check digits through the core checks', async () => {
    const found = await findingsAfter((rs) => {
      const r = case0104(rs);
      (r.fields[indexOf(r, '3119')] as { value: string }).value = 'A123456781';
      (r.fields[indexOf(r, '4111')] as { value: string }).value = '108018008';
      (r.fields[indexOf(r, '5099')] as { value: string }).value = '123456701';
    });
    expect(found.map((f) => [f.rule, f.field])).toEqual(
      expect.arrayContaining([['ID-KVNR', '3119'], ['ID-IK', '4111'], ['ID-LANR', '5099']]),
    );
  });

  it('turns malformed lines into KVDT-LINE-… findings with line numbers', async () => {
    const bytes = Buffer.from(await writtenFile());
    const text = bytes.toString('latin1').replace('0179103', '0189103').replace('\r\n0109106', '\n0109106');
    const findings = await validateKvdt(Buffer.from(text, 'latin1'));
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: KVDT_RULES.LINE_LENGTH.id, line: 2, field: '9103' }),
        expect.objectContaining({ rule: KVDT_RULES.LINE_END.id, line: 2, field: '9103' }),
      ]),
    );
  });
});

describe('validator on Satzarten from the file', () => {
  it('takes a Satzart named like an object property for an unknown one, not for a record with mandatory fields', async () => {
    const text = (await writtenFile()).toString('latin1').replace('0138000adt9', '0208000constructor');
    const found = (await validateKvdt(Buffer.from(text, 'latin1'))).filter((f) => f.message.includes('constructor') || f.rule === KVDT_RULES.MANDATORY.id);
    expect(found.map((f) => f.rule)).toEqual([KVDT_RULES.RECORD_UNKNOWN.id, KVDT_RULES.FIELD_FORMAT.id]);
  });
});

describe('validator on random bytes', () => {
  fcTest.prop([fc.uint8Array({ minLength: 1, maxLength: 2000 })])('never throws and always finds something', async (bytes) => {
    const findings = await validateKvdt(bytes);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.rule).toMatch(/^(KVDT|ID)-/);
  });
});

describe('one pass over the bytes and the records read earlier give the same findings', () => {
  // Lines as they occur: those of a written file, and odd ones (fitted lengths, wrong lengths, lone CR/LF,
  // ISO-8859-15 bytes latin1 reads otherwise, UTF-8 look-alikes, control bytes, blanks, Satzarten out of order).
  const fit = (content: string): string => `${String(content.length + 5).padStart(3, '0')}${content}`;
  const odd = [
    ...['8000con0', '8000besa', '8000rvsa', '8000adt0', '80000104', '8000adt9', '8000con9', '8000xx\u00a4x', '8000constructor'].map(fit),
    ...['920412026', '410142026', '500020260109', '500020260401', '500101210V', '500188220', '500101212', '5098529999900'].map(fit),
    ...['5099123456601', '6001J18.9', '6003G', '3101M\u00c3\u00bcller', '3102\u00a4\u00a6\u00bc', '3110 ', '3101', '3101\u00a0'].map(fit),
    ...['3102\u0085x', '8100abc', '4102abcd', '3119A12345678\u00c3\u00a4', '3113\u00c2\u00a0Ulm', '3113\u00c3'].map(fit),
    '0x3101', '01241234', '0153101M\u00c3\u00bcller', '0093101',
  ];
  const ends = ['\r\n', '\r\n', '\r\n', '\n', '\r', '\n\r', ''];
  fcTest.prop([
    fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 800 }), fc.constantFrom(...odd)), fc.constantFrom(...ends)), { maxLength: 120 }),
    fc.integer({ min: 1, max: 300 }),
  ])('for any mix of written and odd lines, in any chunks', async (picks, chunk) => {
    const written = await sampleLines();
    const text = picks.map(([line, end]) => `${typeof line === 'number' ? (written[line % written.length] as string) : line}${end}`).join('');
    const bytes = Buffer.from(text, 'latin1');
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    }
    const parser = new KvdtLineParser();
    const events = [...parser.push(bytes), ...parser.end()];
    const replayed = validateKvdtEvents(events);
    expect(await validateKvdt(chunks())).toEqual(replayed);
    const v = new KvdtValidator();
    for (const e of events) v.onEvent(e);
    expect(v.finish()).toEqual(replayed);
  });
});

let sampleLinesCache: string[] | undefined;
async function sampleLines(): Promise<string[]> {
  sampleLinesCache ??= (await writtenFile()).toString('latin1').split('\r\n').filter((l) => l !== '');
  return sampleLinesCache;
}
