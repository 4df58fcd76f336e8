import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { kvdtCaseView } from './case-view.js';
import { parseKvdt, parseKvdtBytes, readKvdt } from './reader.js';
import { serializeKvdtRecords } from './serialize.js';

const FIXTURE = new URL('../../../../test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con', import.meta.url);

describe('KVDT reader on the KBV test file', () => {
  it('reports its record counts per Satzart and no errors', async () => {
    const doc = await readKvdt(FIXTURE.pathname);
    expect(doc.errors).toEqual([]);
    expect(doc.counts).toEqual({
      con0: 1, besa: 1, rvsa: 1, adt0: 1,
      '0101': 16, '0102': 4, '0103': 3, '0104': 3,
      adt9: 1, kad0: 1, '0109': 1, kad9: 1, con9: 1,
    });
    expect(doc.lines).toBe(1364);
    const first0104 = doc.records.find((r) => r.satzart === '0104');
    expect(first0104?.line).toBe(117);
    expect(first0104?.fields.find((f) => f.id === '3113')?.value).toBe('Köln');
    const view = first0104 === undefined ? undefined : kvdtCaseView(first0104);
    expect(view).toMatchObject({
      satzart: '0104',
      patient: { lastName: 'Gosse', firstName: 'Georg', birthDate: '1956-07-04', insurance: { kvnr: 'A004041949', ik: '104612144' } },
      quarter: '42023',
      scheinuntergruppe: '43',
      continuingPhysician: 'Dr. Meier',
    });
    expect(view?.services[0]).toMatchObject({ date: '2023-10-15', gop: '01100', count: 1, bsnr: '010100300', lanr: '123456640' });
  });

  it('writes the records back to identical bytes', async () => {
    const bytes = await readFile(FIXTURE);
    const doc = parseKvdtBytes(bytes);
    const out = serializeKvdtRecords(doc.records);
    expect(out.equals(bytes)).toBe(true);
    const raw = Buffer.concat(doc.records.flatMap((r) => r.fields.map((f) => f.raw)));
    expect(raw.equals(bytes)).toBe(true);
  });

  it('gives the same events from a stream in small chunks as from one buffer', async () => {
    const bytes = await readFile(FIXTURE);
    const whole = parseKvdtBytes(bytes);
    const streamed = await readKvdt(createReadStream(FIXTURE, { highWaterMark: 7 }));
    expect(streamed.records.map((r) => [r.satzart, r.line, r.fields.length])).toEqual(
      whole.records.map((r) => [r.satzart, r.line, r.fields.length]),
    );
    expect(serializeKvdtRecords(streamed.records).equals(bytes)).toBe(true);
  });
});

describe('KVDT reader on malformed input', () => {
  const lines = (...l: string[]) => Buffer.from(l.join(''), 'latin1');

  it('names line and field for each kind of malformed line', () => {
    const doc = parseKvdtBytes(
      lines('0138000con0\r\n', '0159103202\r\n', '0x7910320231030\r\n', '0139106', '4\n', '01030x04\r\n', 'ab\r\n', '0148000adt9\r\n'),
    );
    const got = doc.errors.map((e) => [e.code, e.line, e.field]);
    expect(got).toContainEqual(['LENGTH_MISMATCH', 2, '9103']);
    expect(got).toContainEqual(['LENGTH_FORMAT', 3, '9103']);
    expect(got).toContainEqual(['LINE_END', 4, '9106']);
    expect(got).toContainEqual(['FIELD_ID', 5, '30x0']);
    expect(got).toContainEqual(['TOO_SHORT', 6, undefined]);
    expect(got).toContainEqual(['LENGTH_MISMATCH', 7, '8000']);
  });

  it('reports control bytes, a BOM, a missing final line end and orphan lines', () => {
    const doc = parseKvdtBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), lines('0113101A\x01\r\n', '0138000con0')]));
    const got = doc.errors.map((e) => [e.code, e.line]);
    expect(got).toEqual(expect.arrayContaining([['BOM', 1], ['CONTROL_CHARACTER', 1], ['ORPHAN_LINE', 1], ['LINE_END', 2]]));
  });

  it('turns an unreadable file into a READ error instead of throwing', async () => {
    const doc = await readKvdt('/nonexistent/dir/file.con');
    expect(doc.errors[0]?.code).toBe('READ');
  });

  fcTest.prop([fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 64 })])(
    'random bytes never throw, and raw bytes survive the round trip',
    async (bytes, chunk) => {
      const doc = parseKvdtBytes(bytes);
      // Every file must end in CR LF, so unterminated input always yields at least one error.
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) expect(doc.errors.length).toBeGreaterThan(0);
      for (const e of doc.errors) expect(e.message).toMatch(/^line \d+/);
      const back = serializeKvdtRecords(doc.records);
      expect(back.equals(Buffer.from(bytes))).toBe(true);
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
      }
      const streamed = await readKvdt(chunks());
      expect(streamed.errors).toEqual(doc.errors);
    },
  );

  fcTest.prop([fc.array(fc.constantFrom('0', '1', '8', '\r', '\n', 'a', '\xa4', '\x00'), { maxLength: 400 })])(
    'line-like random input yields errors, never exceptions',
    (chars) => {
      const doc = parseKvdtBytes(Buffer.from(chars.join(''), 'latin1'));
      for (const e of doc.errors) expect(e.line).toBeGreaterThanOrEqual(1);
    },
  );
});

describe('parseKvdt', () => {
  it('streams events for a non-byte stream as a READ error', async () => {
    async function* text() {
      yield 'not bytes';
    }
    const events = [];
    for await (const e of parseKvdt(text())) events.push(e);
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('error');
  });
});
