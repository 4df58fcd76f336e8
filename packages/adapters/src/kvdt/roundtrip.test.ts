import { describe, expect } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import type { CaseInput } from '@pvskit/core';
import { kvdtCaseView } from './case-view.js';
import type { KvdtRecord } from './model.js';
import { parseKvdtBytes } from './reader.js';
import { parsedItems, sampleCaseInput } from '../../test/kvdt-sample.js';
import { validateKvdtEvents } from './validator.js';
import { writeKvdtBytes } from './writer.js';

const CLOCK = () => new Date('2026-02-01T12:00:00Z');

// Text from ISO-8859-15 letters (incl. the eight that differ from latin1), no blanks at the edges.
const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüÄÖÜßéèçñŠšŽžŒœŸ€';
const word = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 12 });
const name = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join('-'));
const sentence = fc.array(word, { minLength: 1, maxLength: 20 }).map((w) => w.join(' '));
const day = fc.integer({ min: 1, max: 90 }).map((n) => new Date(Date.UTC(2026, 0, n)).toISOString().slice(0, 10));
const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const service = fc.record({
  gop: fc.constantFrom('01205', '01207', '01210', '01212', '01214', '01216', '01218', '01226', '99999', '03000', '01100A'),
  date: day,
  time,
  count: fc.integer({ min: 1, max: 999 }),
  justification: fc.option(sentence, { nil: undefined }),
});
const diagnosis = fc.record({
  icd: fc.constantFrom('J18.9', 'R10', 'S52.51', 'I10.00'),
  certainty: fc.constantFrom('G', 'V', 'Z', 'A'),
  side: fc.option(fc.constantFrom('R', 'L', 'B'), { nil: undefined }),
});
const caseArb = fc.record({
  birthDate: fc.integer({ min: -25_000, max: 20_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10)),
  lastName: name,
  firstName: name,
  sex: fc.constantFrom('M', 'W', 'D', 'X', 'U'),
  sug: fc.constantFrom('41', '42', '43', '44', '45', '46'),
  services: fc.array(service, { minLength: 1, maxLength: 6 }),
  diagnoses: fc.array(diagnosis, { maxLength: 4 }),
});

type Generated = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function toCase(i: number, c: Generated): CaseInput {
  const base = sampleCaseInput(i);
  return {
    ...base,
    scheinuntergruppe: c.sug,
    patient: { ...base.patient, lastName: c.lastName, firstName: c.firstName, sex: c.sex, birthDate: c.birthDate },
    services: c.services.map((s) => ({ gop: s.gop, date: s.date, time: s.time, count: s.count, ...(s.justification === undefined ? {} : { justification: s.justification }) })),
    diagnoses: c.diagnoses.map((d) => ({ icd: d.icd, certainty: d.certainty, ...(d.side === undefined ? {} : { side: d.side }) })),
  };
}

/** The case as read back through the library's typed view. */
function caseView(r: KvdtRecord) {
  const v = kvdtCaseView(r);
  return {
    birthDate: v.patient.birthDate,
    kvnr: v.patient.insurance.kvnr,
    lastName: v.patient.lastName,
    firstName: v.patient.firstName,
    sex: v.patient.sex,
    sug: v.scheinuntergruppe,
    services: v.services.map(({ line: _line, ...s }) => s),
    diagnoses: v.diagnoses.flatMap((d) => [d.icd, ...(d.certainty === undefined ? [] : [d.certainty]), ...(d.side === undefined ? [] : [d.side])]),
  };
}

function expectedView(c: CaseInput) {
  const timed = (gop: string) => gop === '99999' || (gop >= '01205' && gop <= '01218');
  const services = (c.services ?? [])
    .map((s) => ({
      gop: s.gop,
      date: s.date,
      bsnr: c.practice?.bsnr,
      lanr: c.physician?.lanr,
      count: s.count ?? 1,
      ...(timed(s.gop) && s.time !== undefined ? { time: s.time } : {}),
      ...(s.justification === undefined ? {} : { justification: s.justification }),
    }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const diagnoses = (c.diagnoses ?? []).flatMap((d) => [d.icd, d.certainty, ...(d.side === undefined ? [] : [d.side])]);
  return { birthDate: c.patient.birthDate, kvnr: c.patient.insurance.kvnr, lastName: c.patient.lastName, firstName: c.patient.firstName, sex: c.patient.sex, sug: c.scheinuntergruppe, services, diagnoses };
}

describe('write → read', () => {
  fcTest.prop([fc.array(caseArb, { minLength: 1, maxLength: 8 })], { numRuns: 60 })(
    'random cases come back with equal fields, and the validator finds nothing',
    async (generated) => {
      const cases = generated.map((g, i) => toCase(i, g));
      const { bytes, stats } = await writeKvdtBytes(parsedItems(cases), { clock: CLOCK });
      const doc = parseKvdtBytes(bytes);
      expect(doc.errors).toEqual([]);
      const records = doc.records.filter((r) => r.satzart === '0104');
      expect(records.map(caseView)).toEqual(cases.map(expectedView));
      expect(stats.cases).toBe(cases.length);
      const events = doc.records.map((record) => ({ type: 'record' as const, record }));
      expect(validateKvdtEvents(events)).toEqual([]);
    },
  );
});
