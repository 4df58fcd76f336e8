import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PvsKitError, type CaseInput } from '@pvskit/core';
import { parseKvdtBytes } from './reader.js';
import { parsedItems, sampleCaseInput, SAMPLE_SOFTWARE } from '../../test/kvdt-sample.js';
import { PassThrough } from 'node:stream';
import { kvdtFileName, writeKvdtBytes, writeKvdtFile, writeKvdtToStream } from './writer.js';

const CLOCK = () => new Date('2026-01-12T09:05:00Z'); // 10:05 in Berlin (CET)

function linesOf(bytes: Buffer): string[] {
  return bytes.toString('latin1').split('\r\n').slice(0, -1);
}

function withPatient(i: number, patient: Partial<NonNullable<CaseInput['patient']>>): CaseInput {
  const c = sampleCaseInput(i);
  return { ...c, patient: { ...c.patient, ...patient } };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvdt-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});


/** A duty bundle of sample case 1 twice: practice, physician and software on the bundle, not the cases. */
function twoCaseBundle() {
  const { practice, physician, software, ...rest } = sampleCaseInput(1);
  return {
    duty: { id: 'd-1', start: '2026-01-09T20:00', end: '2026-01-10T08:00' },
    practice,
    physician,
    software,
    cases: [rest, { ...rest, id: 'c-9' }],
  };
}
describe('writeKvdtBytes', () => {
  it('writes con0, besa, rvsa, adt0, one 0104 per case, adt9, con9 with byte length prefixes and CR LF', async () => {
    const { bytes, stats } = await writeKvdtBytes(parsedItems([sampleCaseInput(1), sampleCaseInput(2)]), { clock: CLOCK });
    const doc = parseKvdtBytes(bytes);
    expect(doc.errors).toEqual([]);
    expect(doc.records.map((r) => r.satzart)).toEqual(['con0', 'besa', 'rvsa', 'adt0', '0104', '0104', 'adt9', 'con9']);
    expect(stats).toMatchObject({ cases: 2, records: 8, quarter: '12026', bsnr: '529999900', bytes: bytes.length });
    expect(bytes.subarray(-2).toString('latin1')).toBe('\r\n');
    for (const line of linesOf(bytes)) expect(Number(line.slice(0, 3))).toBe(Buffer.byteLength(line, 'latin1') + 2);
  });

  it('writes the 0104 fields in spec order with dates, quarter, time, multiplier, 5098/5099 per service and diagnoses last', async () => {
    const { bytes } = await writeKvdtBytes(parsedItems([sampleCaseInput(1)]), { clock: CLOCK });
    const rec = parseKvdtBytes(bytes).records[4];
    const fields = rec?.fields.map((f) => `${f.id}=${f.value}`);
    expect(fields).toEqual([
      '8000=0104', '3000=p-1', '3101=Müller', '3102=Erika', '3103=19500301', '3119=A123456780',
      '3107=Hauptstr. 5', '3112=70174', '3114=D', '3113=Stuttgart', '3108=1', '3110=W', '4101=12026',
      '4104=61101', '4106=00', '4133=20260101', '4111=108018007', '4134=AOK Baden-Württemberg', '4131=00',
      '4132=00', '4121=1', '4122=00', '4239=41', '4243=Dr. med. Hausarzt, Musterstadt',
      '5000=20260109', '5001=01212', '5006=2130', '5098=529999900', '5099=123456601',
      '5001=01226', '5005=002', '5009=Verweildauer wegen Verschlechterung', '5098=529999900', '5099=123456601',
      '5000=20260110', '5001=01214', '5006=0215', '5098=529999900', '5099=123456601',
      '6001=J18.9', '6003=G', '6004=L',
    ]);
  });

  it('writes the header records from practice, physician and software', async () => {
    const { bytes } = await writeKvdtBytes(parsedItems([sampleCaseInput(1)]), { clock: CLOCK, tiApplications: [1] });
    const [con0, besa, rvsa, adt0] = parseKvdtBytes(bytes).records;
    expect(con0?.fields.map((f) => `${f.id}=${f.value}`)).toEqual(['8000=con0', '9103=20260112', '9106=4', '9132=1']);
    const besaFields = besa?.fields.map((f) => `${f.id}=${f.value}`) ?? [];
    expect(besaFields.slice(0, 9)).toEqual([
      '8000=besa', '0201=529999900', '0203=Notfallpraxis Musterstadt', '0212=123456601', '0211=Dr. med. Anna Beispiel',
      '0205=Musterstr. 1', '0215=70173', '0216=Stuttgart', '0208=0711 123456',
    ]);
    expect(besaFields.filter((f) => f.startsWith('0225='))).toHaveLength(12);
    expect(besaFields.slice(9, 11)).toEqual(['0225=1', '0226=1']);
    expect(besaFields.slice(11, 13)).toEqual(['0225=3', '0226=0']);
    expect(rvsa?.fields.map((f) => `${f.id}=${f.value}`)).toEqual(['8000=rvsa', '0201=529999900', '0300=0']);
    const adt = Object.fromEntries(adt0?.fields.map((f) => [f.id, f.value]) ?? []);
    expect(adt).toMatchObject({ '0105': SAMPLE_SOFTWARE.kbvTestNumber, '9102': '52', '9212': 'ADT0126.01', '0103': 'pvskit', '9115': '20260112', '9204': '12026' });
  });

  it('splits a long justification into 5009 fields of at most 60 bytes without blanks at the edges', async () => {
    const c = sampleCaseInput(1);
    const long = 'Patient mit akuter Verschlechterung, Verweildauer notwendig wegen Überwachung der Vitalparameter über längere Zeit';
    const services = [{ gop: '01226', date: '2026-01-09', justification: long }];
    const { bytes } = await writeKvdtBytes(parsedItems([{ ...c, services }]), { clock: CLOCK });
    const parts = parseKvdtBytes(bytes).records[4]?.fields.filter((f) => f.id === '5009').map((f) => f.value) ?? [];
    expect(parts.length).toBe(2);
    for (const p of parts) {
      expect(Buffer.byteLength(p, 'latin1')).toBeLessThanOrEqual(60);
      expect(p.trim()).toBe(p);
    }
    expect(parts.join(' ')).toBe(long);
  });

  it('sorts services by day and writes one 5000 per day', async () => {
    const c = sampleCaseInput(1);
    const services = [
      { gop: '01214', date: '2026-01-10', time: '02:15' },
      { gop: '01212', date: '2026-01-09', time: '21:30' },
      { gop: '01226', date: '2026-01-10' },
    ];
    const { bytes } = await writeKvdtBytes(parsedItems([{ ...c, services }]), { clock: CLOCK });
    const ids = parseKvdtBytes(bytes).records[4]?.fields.filter((f) => f.id === '5000' || f.id === '5001').map((f) => f.value);
    expect(ids).toEqual(['20260109', '01212', '20260110', '01214', '01226']);
  });

  it('skips PKV and BG patients and writes pseudo cases', async () => {
    const pkv = withPatient(2, { insurance: { type: 'PKV' } });
    const pseudo: CaseInput = { ...sampleCaseInput(3), pseudo: true, services: [{ gop: '99999', date: '2026-01-09', time: '20:00' }] };
    const { bytes, stats } = await writeKvdtBytes(parsedItems([sampleCaseInput(1), pkv, pseudo]), { clock: CLOCK });
    expect(stats.cases).toBe(2);
    expect(stats.skipped.notBilledThroughKv).toBe(1);
    const rec = parseKvdtBytes(bytes).records.filter((r) => r.satzart === '0104')[1];
    expect(rec?.fields.filter((f) => ['5001', '5006'].includes(f.id)).map((f) => f.value)).toEqual(['99999', '2000']);
  });

  it('writes only services of the chosen quarter and drops cases without one', async () => {
    const c = sampleCaseInput(1);
    const spanning: CaseInput = {
      ...c,
      services: [
        { gop: '01212', date: '2025-12-31', time: '22:00' },
        { gop: '01214', date: '2026-01-01', time: '01:00' },
      ],
    };
    const old: CaseInput = { ...sampleCaseInput(2), services: [{ gop: '01212', date: '2025-11-01', time: '22:00' }] };
    await expect(writeKvdtBytes(parsedItems([spanning]), { clock: CLOCK })).rejects.toMatchObject({ code: 'EXPORT_REFUSED' });
    const { bytes, stats } = await writeKvdtBytes(parsedItems([spanning, old]), { clock: CLOCK, quarter: '12026' });
    expect(stats).toMatchObject({ cases: 1, quarter: '12026', skipped: { otherQuarter: 1 } });
    const rec = parseKvdtBytes(bytes).records[4];
    expect(rec?.fields.filter((f) => f.id === '5001').map((f) => f.value)).toEqual(['01214']);
    expect(rec?.fields.find((f) => f.id === '4101')?.value).toBe('12026');
  });

  it('flattens bundles: duty, practice, physician and software come from the bundle', async () => {
    const bundle = twoCaseBundle();
    const { stats } = await writeKvdtBytes(parsedItems([bundle]), { clock: CLOCK });
    expect(stats.cases).toBe(2);
  });

  it('a stream of cases and bundles gives the bytes of the same items as an array', async () => {
    const bundle = twoCaseBundle();
    const items = [sampleCaseInput(2), bundle, sampleCaseInput(3)];
    async function* stream(): AsyncGenerator<unknown> {
      yield* items;
    }
    const fromArray = await writeKvdtBytes(parsedItems(items), { clock: CLOCK });
    const fromStream = await writeKvdtBytes(parsedItems(stream()), { clock: CLOCK });
    expect(fromStream.stats.cases).toBe(4);
    expect(fromStream.bytes.equals(fromArray.bytes)).toBe(true);
  });
});

describe('ISO-8859-15 names', () => {
  it('writes Žižek, Œdipa and Öztürk-Müller as ISO-8859-15 bytes', async () => {
    const cases = [
      withPatient(1, { lastName: 'Žižek' }),
      withPatient(2, { lastName: 'Œdipa' }),
      withPatient(3, { lastName: 'Öztürk-Müller' }),
    ];
    const { bytes } = await writeKvdtBytes(parsedItems(cases), { clock: CLOCK });
    const names = [
      Buffer.from([0x30, 0x31, 0x34, 0x33, 0x31, 0x30, 0x31, 0xb4, 0x69, 0xb8, 0x65, 0x6b, 0x0d, 0x0a]), // 0143101Žižek
      Buffer.from([0x30, 0x31, 0x34, 0x33, 0x31, 0x30, 0x31, 0xbc, 0x64, 0x69, 0x70, 0x61, 0x0d, 0x0a]), // 0143101Œdipa
      Buffer.concat([Buffer.from('0223101'), Buffer.from([0xd6]), Buffer.from('zt'), Buffer.from([0xfc]), Buffer.from('rk-M'), Buffer.from([0xfc]), Buffer.from('ller\r\n')]),
    ];
    for (const n of names) expect(bytes.indexOf(n)).toBeGreaterThan(0);
  });

  it('refuses "Şahin" naming case, field and character, and leaves no file behind', async () => {
    const cases = [sampleCaseInput(1), withPatient(2, { lastName: 'Şahin' })];
    const error = await writeKvdtFile(parsedItems(cases), dir, { clock: CLOCK }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PvsKitError);
    const e = error as PvsKitError;
    expect(e.code).toBe('ENCODING');
    expect(e.message).toContain('c-2');
    expect(e.message).toContain('3101');
    expect(e.message).toContain('patient.lastName');
    expect(e.message).toContain('U+015E');
    expect(e.userMessage).toContain('„Ş“');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses "Şahin" in a streaming export after earlier cases were written, and deletes the temp file', async () => {
    async function* items() {
      for (let i = 0; i < 3000; i++) yield sampleCaseInput(i);
      yield withPatient(9999, { lastName: 'Şahin' });
    }
    await expect(writeKvdtFile(parsedItems(items()), dir, { clock: CLOCK })).rejects.toMatchObject({ code: 'ENCODING', details: { caseId: 'c-9999', field: '3101' } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('transliterates "Şahin" to "Sahin" only when asked', async () => {
    const { bytes } = await writeKvdtBytes(parsedItems([withPatient(1, { lastName: 'Şahin' })]), { clock: CLOCK, transliterate: true });
    expect(bytes.includes(Buffer.from('0143101Sahin\r\n'))).toBe(true);
    await expect(writeKvdtBytes(parsedItems([withPatient(1, { lastName: 'Ş\u{1F600}' })]), { clock: CLOCK, transliterate: true })).rejects.toMatchObject({
      code: 'ENCODING',
      details: { problems: [expect.objectContaining({ field: '3101' })] },
    });
  });
});

describe('refusing incomplete cases', () => {
  it('names case and field of a missing export value and writes nothing', async () => {
    const c = sampleCaseInput(1);
    const incomplete = { ...c, id: 'c-7', patient: { ...c.patient, insurance: { type: 'GKV' as const, ik: '108018007' } } };
    const error = (await writeKvdtFile(parsedItems([c, incomplete]), dir, { clock: CLOCK }).catch((e: unknown) => e)) as PvsKitError;
    expect(error.code).toBe('EXPORT_REFUSED');
    const problems = (error.details?.['problems'] ?? []) as { caseId: string; path: string; field: string }[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: 'c-7', path: 'patient.insurance.vknr', field: '4104' }),
        expect.objectContaining({ caseId: 'c-7', path: 'patient.insurance.memberType', field: '3108' }),
      ]),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('needs the time on Notfallpauschalen and the software block', async () => {
    const c = sampleCaseInput(1);
    const noTime = { ...c, services: [{ gop: '01212', date: '2026-01-09' }] };
    await expect(writeKvdtBytes(parsedItems([noTime]), { clock: CLOCK })).rejects.toMatchObject({ details: { path: 'services[0].time', field: '5006' } });
    const { software: _unused, ...noSoftware } = c;
    await expect(writeKvdtBytes(parsedItems([noSoftware]), { clock: CLOCK })).rejects.toMatchObject({ details: { path: 'software.name', field: '0103' } });
    const { stats } = await writeKvdtBytes(parsedItems([noSoftware]), { clock: CLOCK, software: SAMPLE_SOFTWARE });
    expect(stats.cases).toBe(1);
  });

  it('refuses a Scheinuntergruppe outside 41–46 for Satzart 0104', async () => {
    await expect(writeKvdtBytes(parsedItems([{ ...sampleCaseInput(1), scheinuntergruppe: '24' }]), { clock: CLOCK })).rejects.toMatchObject({
      details: { path: 'scheinuntergruppe', field: '4239' },
    });
  });

  it('refuses an export without any KV case', async () => {
    await expect(writeKvdtBytes(parsedItems([withPatient(1, { insurance: { type: 'BG' } })]), { clock: CLOCK })).rejects.toMatchObject({ code: 'EXPORT_REFUSED' });
  });
});

describe('writeKvdtFile', () => {
  it('names the file Z01<BSNR>_TT.MM.JJJJ_hh.mm.con on the Berlin clock and leaves only it', async () => {
    const result = await writeKvdtFile(parsedItems([sampleCaseInput(1)]), dir, { clock: () => new Date('2026-07-01T21:59:00Z') });
    expect(result.path).toBe(join(dir, 'Z01529999900_01.07.2026_23.59.con'));
    expect(await readdir(dir)).toEqual(['Z01529999900_01.07.2026_23.59.con']);
    const bytes = await readFile(result.path);
    expect(bytes.length).toBe(result.bytes);
  });

  it('stops at an aborted signal mid-stream and leaves no file', async () => {
    const controller = new AbortController();
    async function* items() {
      for (let i = 0; i < 2000; i++) {
        if (i === 1500) controller.abort();
        yield sampleCaseInput(i);
      }
    }
    await expect(writeKvdtFile(parsedItems(items()), dir, { clock: CLOCK, signal: controller.signal })).rejects.toMatchObject({ code: 'EXPORT_REFUSED' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes to an explicit .con path', async () => {
    const result = await writeKvdtFile(parsedItems([sampleCaseInput(1)]), join(dir, 'out.con'), { clock: CLOCK });
    expect(result.path).toBe(join(dir, 'out.con'));
    expect(await readdir(dir)).toEqual(['out.con']);
  });

  it('streams into a Writable with back-pressure, giving the same bytes as in memory', async () => {
    async function* items() {
      for (let i = 0; i < 500; i++) yield sampleCaseInput(i);
    }
    const stream = new PassThrough({ highWaterMark: 1024 });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const stats = await writeKvdtToStream(parsedItems(items()), stream, { clock: CLOCK });
    const { bytes } = await writeKvdtBytes(parsedItems(Array.from({ length: 500 }, (_, i) => sampleCaseInput(i))), { clock: CLOCK });
    expect(stats.cases).toBe(500);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('kvdtFileName pads date and time', () => {
    expect(kvdtFileName('529999900', { date: '2026-03-05', time: '07:04' })).toBe('Z01529999900_05.03.2026_07.04.con');
  });
});
