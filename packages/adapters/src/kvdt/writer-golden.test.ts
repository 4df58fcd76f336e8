/**
 * Writer output pinned beyond golden.test.ts: paths its corpus does not reach (video marking, edge values
 * handed in without the core schema, 5009 splitting at its edges, refusals of every kind, stream vs array,
 * quarter filtering and the write statistics). The digests were recorded from the writer before it was
 * rewritten for speed; a changed digest means changed bytes or changed messages.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PvsKitError, type Case, type CaseOrBundle } from '@pvskit/core';
import { sampleCase, SAMPLE_SOFTWARE } from '../../test/kvdt-sample.js';
import { writeKvdtBytes, type KvdtWriteOptions } from './writer.js';

const CLOCK = () => new Date('2026-02-01T12:00:00Z');
const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

type Patch = (c: Case) => Case;
const patient = (p: Partial<Case['patient']>): Patch => (c) => ({ ...c, patient: { ...c.patient, ...p } });
const insurance = (i: Partial<Case['patient']['insurance']>): Patch => (c) =>
  ({ ...c, patient: { ...c.patient, insurance: { ...c.patient.insurance, ...i } } });
const justification = (text: string): Patch => (c) => ({
  ...c,
  services: [{ gop: '01226', date: '2026-01-09', mode: 'personal', count: 1, justification: text }],
});
const services = (s: Partial<Case['services'][number]>[]): Patch => (c) => ({
  ...c,
  services: s.map((x) => ({ gop: '01212', date: '2026-01-09', time: '21:30', mode: 'personal' as const, count: 1, ...x })),
});

/** Values as a host might hand them in without the core schema: the writer's own checks decide. */
const EDGE_CASES: Record<string, Patch> = {
  plain: (c) => c,
  leadingBlank: patient({ lastName: ' Müller' }),
  trailingBlank: patient({ firstName: 'Erika ' }),
  onlyBlanks: patient({ lastName: '   ' }),
  nbspEdges: patient({ lastName: '\u00a0Meier\u00a0' }),
  nbspInside: patient({ firstName: 'Anna\u00a0Lena' }),
  euroAndCaron: patient({ lastName: 'Šimić-€uro Œdipe Ÿves žž' }),
  latin1Only: patient({ lastName: '¤ Sign' }),
  control: patient({ firstName: 'Er\u0009ika' }),
  del: patient({ firstName: 'Er\u007fika' }),
  c1: patient({ firstName: 'Er\u0085ika' }),
  astral: patient({ firstName: 'Erika 😀' }),
  fullwidth: patient({ lastName: 'Ｍüller' }),
  turkish: patient({ lastName: 'Şahin' }),
  maxLength: patient({ lastName: 'x'.repeat(45) }),
  overLength: patient({ lastName: 'x'.repeat(46) }),
  overLengthNonAscii: patient({ lastName: 'ä'.repeat(46) }),
  ligatureGrows: patient({ lastName: `${'x'.repeat(44)}Ĳ` }),
  kvnrFormat: insurance({ kvnr: 'a123456780' }),
  kvnrBlankEdge: insurance({ kvnr: ' A123456780' }),
  vknrFormat: insurance({ vknr: '6110' }),
  ikFormat: insurance({ ik: '10801800X' }),
  memberType: insurance({ memberType: '2' }),
  noValidFrom: insurance({ validFrom: undefined }),
  emptyName: insurance({ name: '' }),
  sex: patient({ sex: 'Q' as Case['patient']['sex'] }),
  noHouseNumber: patient({ houseNumber: undefined }),
  country: patient({ country: 'AT' }),
  countryLong: patient({ country: 'AUT1' }),
  zipLong: patient({ zip: '12345678901' }),
  noStreet: patient({ street: undefined }),
  icdFormat: (c) => ({ ...c, diagnoses: [{ icd: 'j18.9', certainty: 'G' }] }),
  icdBlank: (c) => ({ ...c, diagnoses: [{ icd: 'J18.9 ', certainty: 'G' }] }),
  noDiagnoses: (c) => ({ ...c, diagnoses: [] }),
  sug: (c) => ({ ...c, scheinuntergruppe: '40' }),
  continuingPhysicianLong: (c) => ({ ...c, continuingPhysician: 'y'.repeat(61) }),
  bsnrFormat: (c) => ({ ...c, practice: { ...c.practice, bsnr: '52999990' } }),
  lanrFormat: (c) => ({ ...c, physician: { contractedPhysician: true, ...c.physician, lanr: '12345660x' } }),
  gopFormat: services([{ gop: '1212' }]),
  gopSuffix: services([{ gop: '01100A' }]),
  noServices: services([]),
  noTime: services([{ time: undefined }]),
  untimedGop: services([{ gop: '01226', time: '10:00' }]),
  counts: services([{ count: 2 }, { count: 10 }, { count: 999, gop: '01226', date: '2026-01-08' }]),
  unsorted: services([{ date: '2026-01-12' }, { date: '2026-01-03', gop: '01226' }, { date: '2026-01-12', gop: '01214' }, { date: '2026-01-03' }]),
  twoQuarters: services([{ date: '2026-03-31' }, { date: '2026-04-01' }]),
  videoOnly: services([{ mode: 'video' }, { gop: '01450', mode: 'video' }]),
  videoMixed: services([{ mode: 'video' }, { gop: '01214', date: '2026-01-10', time: '02:15' }]),
  video01210: services([{ gop: '01210', mode: 'video' }, { gop: '01210', date: '2026-01-11', mode: 'video' }]),
  videoContacts: (c) => ({
    ...services([{ gop: '01210' }])(c),
    contacts: [{ date: '2026-01-09', time: '21:30', mode: 'video', assessmentOnly: false }],
  }),
  phone: services([{ gop: '01214', mode: 'phone' }]),
  just60: justification('a'.repeat(60)),
  just61: justification('a'.repeat(61)),
  justLongWord: justification(`kurz ${'b'.repeat(130)} ende`),
  justWords: justification('Verweildauer  wegen   Verschlechterung '.repeat(5)),
  justEmpty: justification(''),
  justBlanks: justification('    '),
  justEdgeBlanks: justification('  Beobachtung  '),
  justNewline: justification('Zeile eins\nZeile zwei'),
  justTab: justification('mit\tTab'),
  justNbsp: justification(`Über\u00a0${'wachung '.repeat(10)}\u00a0ende\u00a0`),
  justUnicodeSpace: justification('schmal\u2009getrennt \u201eZitat\u201c \u2013 Ende'),
  justEuro: justification(`${'Kosten 5 € '.repeat(8)}Šš`),
  justExact: justification(`${'w'.repeat(29)} ${'v'.repeat(30)}`),
  justNbspShort: justification('kurz\u00a0und knapp'),
  justLatin: justification('Übelkeit, Schwäche ß'),
  // Values written without the text checks (the schema guards them): whatever the line writer did stays.
  sexNonAscii: patient({ sex: 'Ö' as Case['patient']['sex'] }),
  sexUnencodable: patient({ sex: 'Ş' as Case['patient']['sex'] }),
  sideEuro: (c) => ({ ...c, diagnoses: [{ icd: 'J18.9', certainty: 'G', side: '€' as 'L' }] }),
  timeOdd: services([{ time: '9:30' }]),
  birthDateOdd: patient({ birthDate: '1950-3-1' }),
};

type Outcome =
  | { bytes: string; stats: unknown }
  | { code: string; message: string; userMessage: string | undefined; details: unknown }
  | { error: string; message: string };

/** Writer options; `software: undefined` takes the default software block away. */
type Options = Omit<KvdtWriteOptions, 'software'> & { software?: KvdtWriteOptions['software'] | undefined };

async function outcome(items: readonly CaseOrBundle[], options: Options, stream: boolean): Promise<Outcome> {
  async function* each() {
    for (const item of items) yield item;
  }
  try {
    const { bytes, stats } = await writeKvdtBytes(stream ? each() : items, { clock: CLOCK, software: SAMPLE_SOFTWARE, ...options } as KvdtWriteOptions);
    return { bytes: sha256(bytes), stats };
  } catch (e) {
    if (e instanceof PvsKitError) return { code: e.code, message: e.message, userMessage: e.userMessage, details: e.details };
    if (e instanceof Error) return { error: e.name, message: e.message };
    throw e;
  }
}

const asItem = (c: Case): CaseOrBundle => ({ kind: 'case', case: c });

describe('KVDT writer output is unchanged on its edge paths', () => {
  it('every edge value, alone, in an array and in a stream, without and with transliteration', async () => {
    const results: Record<string, unknown> = {};
    for (const [name, patch] of Object.entries(EDGE_CASES)) {
      const c = patch(sampleCase(1));
      const items = [asItem(sampleCase(0)), asItem(c), asItem(sampleCase(2))];
      results[name] = await Promise.all([
        outcome(items, {}, false),
        outcome(items, {}, true),
        outcome(items, { transliterate: true }, false),
        outcome(items, { quarter: '12026' }, true),
      ]);
    }
    const digests = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, sha256(JSON.stringify(v)).slice(0, 16)]));
    expect(digests).toMatchInlineSnapshot(`
      {
        "astral": "15d14f3423aa0b04",
        "birthDateOdd": "9978695c97b015c3",
        "bsnrFormat": "62aa50e7022372a2",
        "c1": "a0f2ecef945e4bb1",
        "continuingPhysicianLong": "9e6695d11fdfe93d",
        "control": "b76117bdfb5e547d",
        "country": "bf546a02e2800dec",
        "countryLong": "8d2fe46ef7fc10a9",
        "counts": "64f74f03b045c8d9",
        "del": "5194edb41d98aa74",
        "emptyName": "ab0955711b152231",
        "euroAndCaron": "829874140851884c",
        "fullwidth": "448b39e7fc73b00a",
        "gopFormat": "6ddb57c09c34c148",
        "gopSuffix": "73b6b143460c0822",
        "icdBlank": "daf9877dae6a34f5",
        "icdFormat": "80255f6e39127cb8",
        "ikFormat": "e708296d950ee64b",
        "just60": "25a312ad8be32716",
        "just61": "3d1b20849b75811b",
        "justBlanks": "4ca6335e1bda4924",
        "justEdgeBlanks": "7e967de964ad12ea",
        "justEmpty": "4ca6335e1bda4924",
        "justEuro": "220467f14eb0cda2",
        "justExact": "f53dfbc03bffb7aa",
        "justLatin": "04a7910bbda0ed5c",
        "justLongWord": "62058a035a22c651",
        "justNbsp": "f621d21ce8f78884",
        "justNbspShort": "fb94fbd50122dd04",
        "justNewline": "414d7b786320dbd3",
        "justTab": "181b3d63ea53e429",
        "justUnicodeSpace": "be985db22d53e68b",
        "justWords": "cd4870d7f08ef2f6",
        "kvnrBlankEdge": "52d3e1266fe62e2f",
        "kvnrFormat": "0be14e3436ad623f",
        "lanrFormat": "555766422aeca6cc",
        "latin1Only": "4925651d9b28ca45",
        "leadingBlank": "52d3e1266fe62e2f",
        "ligatureGrows": "f7d83b7f470d6c26",
        "maxLength": "49d453d733c43967",
        "memberType": "d72f30d77895459d",
        "nbspEdges": "af55f641f28a6cdc",
        "nbspInside": "42a0c8cbe4c8f7ed",
        "noDiagnoses": "1f96b7e69e7a51af",
        "noHouseNumber": "ab60a01a319e89c7",
        "noServices": "318c009f9b24b250",
        "noStreet": "d12fa763a98e39a0",
        "noTime": "dd44ba56f3d5dd37",
        "noValidFrom": "5588a3057f2f97da",
        "onlyBlanks": "f27126e65fae06ba",
        "overLength": "f5117482e029be99",
        "overLengthNonAscii": "f5117482e029be99",
        "phone": "124f1c9bdd6c7b3c",
        "plain": "52d3e1266fe62e2f",
        "sex": "838b30c475a06dfc",
        "sexNonAscii": "54b2a067ae869393",
        "sexUnencodable": "f242ac87d794a614",
        "sideEuro": "3aa2b4e401992f34",
        "sug": "0eec52bfcafa7bb2",
        "timeOdd": "81bfb75240903e44",
        "trailingBlank": "52d3e1266fe62e2f",
        "turkish": "db47f88802098dc9",
        "twoQuarters": "d6f1ec264ad331fd",
        "unsorted": "6dca2c77216026e9",
        "untimedGop": "4ca6335e1bda4924",
        "video01210": "fe7e07d97bd8eac6",
        "videoContacts": "caea32dc50c1ce6b",
        "videoMixed": "c7ba3c14fb96a294",
        "videoOnly": "5cb73d2279592cc9",
        "vknrFormat": "f1284c63f40b8e6a",
        "zipLong": "60487e823f8fac6a",
      }
    `);
  });

  it('refusals that span cases: every problem of an array listed, a stream stopped at the first bad case', async () => {
    const broken = Object.values(EDGE_CASES).map((patch, i) => asItem({ ...patch(sampleCase(i)), id: `edge-${i}` }));
    const results = [await outcome(broken, {}, false), await outcome(broken, {}, true), await outcome(broken, { transliterate: true }, false)];
    expect(sha256(JSON.stringify(results))).toMatchInlineSnapshot(`"d3cc56a55c083c8d1dc5d45f0f8ac6ecfaa82ec96433a67cb4c05e61380d6d87"`);
  });

  it('header checks: other BSNR, LANR outside besa, quarter filter and skipped cases, missing software', async () => {
    const other = sampleCase(3);
    const results = await Promise.all([
      outcome([asItem(sampleCase(0)), asItem({ ...other, practice: { ...other.practice, bsnr: '529999901' } })], {}, false),
      outcome([asItem(sampleCase(0)), asItem({ ...other, physician: { contractedPhysician: true, lanr: '999999901', name: 'Dr. B' } })], {}, true),
      outcome([asItem(sampleCase(0)), asItem({ ...other, physician: { contractedPhysician: true, lanr: '999999901', name: 'Dr. B' } })], {}, false),
      outcome(
        [
          asItem(services([{ date: '2026-04-02' }])(sampleCase(4))),
          asItem(sampleCase(5)),
          asItem({ ...sampleCase(6), patient: { ...sampleCase(6).patient, insurance: { ...sampleCase(6).patient.insurance, type: 'PKV' } } }),
          asItem(services([{ date: '2026-03-30' }, { date: '2026-04-02', gop: '01214' }])(sampleCase(7))),
        ],
        { quarter: '22026' },
        false,
      ),
      outcome([asItem(services([{ date: '2026-03-30' }])(sampleCase(8))), asItem(services([{ date: '2026-04-02' }])(sampleCase(9)))], {}, false),
      outcome([asItem(services([{ date: '2026-03-30' }])(sampleCase(8))), asItem(services([{ date: '2026-04-02' }])(sampleCase(9)))], {}, true),
      outcome([asItem({ ...sampleCase(0), software: undefined })], { software: undefined }, false),
    ]);
    expect(sha256(JSON.stringify(results))).toMatchInlineSnapshot(`"8d9803880c185ebf4fdd74d55186cdabc19ad1e6062976e71a4da8e246e439d1"`);
    // A header value no field rule bounds (9212) longer than a line: an error of its own, after the cases' refusals.
    const longVersion = { recordVersion: 'v'.repeat(1000) };
    const refusedFirst = asItem({ ...sampleCase(1), scheinuntergruppe: '40' });
    const header = [
      await outcome([asItem(sampleCase(0))], longVersion, false),
      await outcome([asItem(sampleCase(0))], longVersion, true),
      await outcome([asItem(sampleCase(0)), refusedFirst], longVersion, false),
      await outcome([asItem(sampleCase(0)), refusedFirst], longVersion, true),
    ];
    expect(sha256(JSON.stringify(header))).toMatchInlineSnapshot(`"ea847650cc85a52ad594290aa4ef1d1afe3af0907e4c204cd23f6fa7d016a3e7"`);
  });
});
