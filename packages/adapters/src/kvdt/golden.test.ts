/**
 * Output pinned across optimisations: the writer's bytes, the parser's records and errors and the
 * validator's findings on a generated corpus, KBV's test file and damaged copies of both are compared with
 * SHA-256 digests recorded from the writer, reader and validator before they were tuned for speed (the
 * line-damaged, UTF-8, LF-only and truncated copies: recorded from the validator before it became one pass
 * over the bytes). A changed digest means changed output: find out why before updating it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BundleInput, CaseInput } from '@pvskit/core';
import { PvsKitError } from '@pvskit/core';
import { parseKvdt, parseKvdtBytes } from './reader.js';
import { parsedItems, sampleCaseInput, SAMPLE_SOFTWARE } from '../../test/kvdt-sample.js';
import { serializeKvdtRecords } from './serialize.js';
import { validateKvdt } from './validator.js';
import { writeKvdtBytes, type KvdtWriteOptions } from './writer.js';

// KBV's published KVDT test file (KBV "Prüfpaket KVDT", Z05123456699_27.10.2023_12.00.con), unchanged.
const KBV_FILE = readFileSync(new URL('../../../../test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con', import.meta.url));

const CLOCK = () => new Date('2026-02-01T12:00:00Z');

/** Deterministic PRNG (mulberry32), so the corpus does not depend on any library's generator. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZäöüÄÖÜßéèçñŠšŽžŒœŸ€';
const GOPS = ['01205', '01207', '01210', '01212', '01214', '01216', '01218', '01226', '99999', '03000', '01100A'];

function corpus(seed: number, n: number, quarterDays = 90): CaseInput[] {
  const r = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(r() * (max - min + 1));
  const pick = <T,>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
  const word = () => Array.from({ length: int(1, 12) }, () => pick([...LETTERS])).join('');
  const words = (max: number) => Array.from({ length: int(1, max) }, word);
  const day = () => new Date(Date.UTC(2026, 0, int(1, quarterDays))).toISOString().slice(0, 10);
  const time = () => `${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}`;
  return Array.from({ length: n }, (_, i) => {
    const base = sampleCaseInput(i);
    return {
      ...base,
      scheinuntergruppe: pick(['41', '42', '43', '44', '45', '46']),
      ...(r() < 0.3 ? { continuingPhysician: words(4).join(' ') } : {}),
      patient: {
        ...base.patient,
        lastName: words(3).join('-'),
        firstName: words(2).join(' '),
        sex: pick(['M', 'W', 'D', 'X', 'U']),
        birthDate: new Date(int(-25_000, 20_000) * 86_400_000).toISOString().slice(0, 10),
        ...(r() < 0.2 ? { houseNumber: undefined } : {}),
        ...(r() < 0.1 ? { country: 'AT' } : {}),
      },
      services: Array.from({ length: int(1, 6) }, () => ({
        gop: pick(GOPS),
        date: day(),
        time: time(),
        count: r() < 0.7 ? 1 : int(2, 999),
        ...(r() < 0.3 ? { justification: words(r() < 0.2 ? 30 : 6).join(' ') } : {}),
      })),
      diagnoses: Array.from({ length: int(0, 4) }, () => ({
        icd: pick(['J18.9', 'R10', 'S52.51', 'I10.00']),
        certainty: pick(['G', 'V', 'Z', 'A']),
        ...(r() < 0.5 ? { side: pick(['R', 'L', 'B']) } : {}),
      })),
    };
  });
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Damaged copies of a file: lines dropped, duplicated, lengths and ids broken, UTF-8 and control bytes. */
function damaged(bytes: Buffer, seed: number, edits: number): Buffer {
  const r = prng(seed);
  const lines = bytes.toString('latin1').split('\r\n');
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * lines.length);
    const line = lines[i] ?? '';
    switch (Math.floor(r() * 9)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2:
        lines[i] = `9${line.slice(1)}`;
        break;
      case 3:
        lines[i] = `${line.slice(0, 3)}x${line.slice(4)}`;
        break;
      case 4:
        lines[i] = `${line} `;
        break;
      case 5:
        lines[i] = `${line.slice(0, 8)}\u00c3\u00bc${line.slice(8)}`;
        break;
      case 6:
        lines[i] = `${line.slice(0, 9)}\u0001${line.slice(10)}`;
        break;
      case 7:
        lines[i] = `${line.slice(0, 7)}`;
        break;
      default:
        lines[i] = `${line}\n${line}`;
        break;
    }
  }
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** A line with its length prefix made to fit `content` (a field id and value), so only the content is odd. */
const fitted = (content: string): string => `${String(content.length + 5).padStart(3, '0')}${content}`;

/**
 * Copies damaged line by line in the ways the reader's byte-level paths tell apart: length prefixes off by
 * one or not digits, line ends LF, CR, LF CR or CR CR LF, control and C1 bytes, the bytes where ISO-8859-15
 * differs from latin1, UTF-8 look-alikes (`Ã¼`, `Â\u00a0`, `Ã\u00a4` = UTF-8 "ä" whose second byte is € in
 * ISO-8859-15) in well-formed lines, non-Latin UTF-8 bytes, odd field ids.
 */
function lineDamaged(bytes: Buffer, seed: number, edits: number): Buffer {
  const r = prng(seed);
  const lines = bytes.toString('latin1').split('\r\n');
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * (lines.length - 1));
    const line = lines[i] ?? '';
    const content = line.slice(3);
    const at = 4 + Math.floor(r() * Math.max(1, content.length - 4));
    const withContent = (piece: string) => fitted(`${content.slice(0, at)}${piece}${content.slice(at)}`);
    switch (Math.floor(r() * 12)) {
      case 0:
        lines[i] = `${String(line.length + 2 + pick([-1, 1])).padStart(3, '0')}${content}`;
        break;
      case 1:
        lines[i] = `${pick(['0x', ' 1', 'a9'])}${line.slice(2)}`;
        break;
      case 2:
        lines[i] = `${line}${pick(['\n', '\r', '\n\r', '\r\r\n'])}${lines[i + 1] ?? ''}`;
        lines.splice(i + 1, 1);
        break;
      case 3:
        lines[i] = withContent(pick(['\u0000', '\u007f', '\u0085', '\u009f', '\t']));
        break;
      case 4:
        lines[i] = withContent(pick(['\u00a4', '\u00a6\u00a8', '\u00b4', '\u00b8', '\u00bc\u00bd\u00be']));
        break;
      case 5:
        lines[i] = withContent(pick(['\u00c3\u00bc', '\u00c2\u00a0', '\u00c3\u00a4', '\u00c3\u00bf', '\u00c3 ', '\u00c2\u00c0']));
        break;
      case 6:
        lines[i] = withContent(pick(['\u00d0\u009f', '\u00e2\u0082\u00ac', '\u00ff\u00fe', '\u00f0\u009f\u0098\u0080']));
        break;
      case 7:
        lines[i] = `${line.slice(0, 3)}${pick(['8O00', '3\u00a41x', '000', '99999'])}${line.slice(7)}`;
        break;
      case 8:
        lines[i] = fitted(`${content.slice(0, 4)}${pick(['', ' ', '\u00a0', ' x', 'x ', '\u00a0\u00a0'])}`);
        break;
      case 9:
        lines[i] = line.slice(0, Math.floor(r() * 9));
        break;
      case 10:
        lines[i] = `\u00ef\u00bb\u00bf${line}`;
        break;
      default:
        lines[i] = fitted(`${content.slice(0, 4)}${content.slice(4).repeat(2 + Math.floor(r() * 8))}`);
        break;
    }
  }
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** KBV's file with its text re-encoded as UTF-8 and the lengths fitted: look-alikes in well-formed lines. */
function utf8Refitted(bytes: Buffer): Buffer {
  const lines = bytes.toString('latin1').split('\r\n');
  const out = lines.map((line) => (line === '' ? line : fitted(Buffer.from(line.slice(3), 'utf8').toString('latin1'))));
  return Buffer.from(out.join('\r\n'), 'latin1');
}

/** Parser output as plain data (records with their fields' raw bytes, errors, counts). */
function parsedDigest(bytes: Buffer): string {
  const doc = parseKvdtBytes(bytes);
  const records = doc.records.map((rec) => ({
    satzart: rec.satzart,
    line: rec.line,
    fields: rec.fields.map((f) => [f.id, f.value, f.line, f.malformed === true, f.raw.toString('latin1')]),
  }));
  return sha256(JSON.stringify({ records, errors: doc.errors, counts: doc.counts, lines: doc.lines, bytes: doc.bytes }));
}

async function findingsDigest(bytes: Buffer): Promise<string> {
  return sha256(JSON.stringify(await validateKvdt(bytes)));
}

async function written(items: CaseInput[] | BundleInput[], options: KvdtWriteOptions = {}, stream = false): Promise<Buffer> {
  async function* each() {
    for (const item of items) yield item;
  }
  const { bytes, stats } = await writeKvdtBytes(parsedItems(stream ? each() : items), { clock: CLOCK, ...options });
  expect(stats.bytes).toBe(bytes.length);
  return bytes;
}

describe('KVDT output is unchanged', () => {
  it('writer: the same bytes for a generated corpus (array, stream, bundle, quarter, transliteration, software option)', async () => {
    const cases = corpus(1, 400);
    const quarterCases = corpus(2, 200, 180);
    const bundle: BundleInput = {
      duty: { start: '2026-01-09T18:00', end: '2026-01-10T08:00' },
      practice: cases[0]?.practice,
      physician: cases[0]?.physician,
      software: SAMPLE_SOFTWARE,
      cases: corpus(3, 50).map(({ practice: _a, physician: _b, software: _c, id, ...rest }) => ({ ...rest, ...(id === undefined ? {} : { id }) })),
    } as BundleInput;
    const foreign = corpus(4, 30).map((c, i) => ({ ...c, patient: { ...c.patient, lastName: `Şahin-Łukasz ${i} „Ő“`, firstName: 'Ćiro’s' } }));
    const digests = {
      array: sha256(await written(cases)),
      stream: sha256(await written(cases, {}, true)),
      bundle: sha256(await written([bundle, bundle])),
      quarter: sha256(await written(quarterCases, { quarter: '22026', tiApplications: [1, 4], recordVersion: 'ADT0426.01' })),
      transliterated: sha256(await written(foreign, { transliterate: true, software: { ...SAMPLE_SOFTWARE, name: 'Ŧest' } })),
    };
    expect(digests).toEqual({
      array: 'f39d5ed44c2958e0d598eda3086b27cb9bed7fca3b580a4126535b36724dce98',
      stream: 'f39d5ed44c2958e0d598eda3086b27cb9bed7fca3b580a4126535b36724dce98',
      bundle: 'd5b5d5ee0ac196951ecec38cd120f8a0c9807305b73cff3d1230b3db3c65f20d',
      quarter: '85060ab66f2ed4292a9b434d7a569cc69ed5c80ec15397500a8f88c7cfaa810f',
      transliterated: '8ba85df30feb219b04dd31878ce7b0f90880be7c74198cd32d437f4b4b1e6881',
    });
  });

  it('writer: the same refusals (codes, messages, problems) for broken cases', async () => {
    const cases = corpus(5, 60);
    const broken: CaseInput[] = cases.map((c, i) => {
      switch (i % 6) {
        case 0:
          return { ...c, patient: { ...c.patient, lastName: `Ab\u0007c ${i}` } };
        case 1:
          return { ...c, patient: { ...c.patient, firstName: `Ｘ${i}` } };
        case 2:
          return { ...c, patient: { ...c.patient, insurance: { ...c.patient.insurance, vknr: undefined } } };
        case 3:
          return { ...c, services: c.services?.map((s) => ({ ...s, time: undefined })) };
        case 4:
          return { ...c, patient: { ...c.patient, lastName: 'x'.repeat(46) } };
        default:
          return c;
      }
    });
    const refusals: unknown[] = [];
    for (const stream of [false, true]) {
      try {
        await written(broken, {}, stream);
        refusals.push('written');
      } catch (e) {
        if (!(e instanceof PvsKitError)) throw e;
        refusals.push({ code: e.code, message: e.message, userMessage: e.userMessage, details: e.details });
      }
    }
    expect(sha256(JSON.stringify(refusals))).toBe('238bff4d26943c3a6668a08658eded2ba3f18319aa818084768f2fee4b575e9d');
  });

  it('reader and validator: the same records, errors and findings for written, KBV and damaged files', async () => {
    const generated = await written(corpus(6, 300));
    const files = {
      generated,
      kbv: KBV_FILE,
      generatedDamaged: damaged(generated, 7, 400),
      kbvDamaged: damaged(KBV_FILE, 8, 60),
      bomAndNoFinalCrLf: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), KBV_FILE.subarray(0, -2)]),
      kbvLinesDamaged: lineDamaged(KBV_FILE, 9, 300),
      generatedLinesDamaged: lineDamaged(generated, 10, 600),
      kbvUtf8: utf8Refitted(KBV_FILE),
      kbvUtf8Unfitted: Buffer.from(KBV_FILE.toString('latin1'), 'utf8'),
      kbvLfOnly: Buffer.from(KBV_FILE.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'),
      generatedTruncated: generated.subarray(0, Math.floor(generated.length * 0.6) + 5),
    };
    const parsed: Record<string, string> = {};
    const findings: Record<string, string> = {};
    const counts: Record<string, number> = {};
    for (const [name, bytes] of Object.entries(files)) {
      parsed[name] = parsedDigest(bytes);
      findings[name] = await findingsDigest(bytes);
      counts[name] = (await validateKvdt(bytes)).length;
      // Streaming in small chunks gives the same findings as parsing in one piece.
      async function* chunks() {
        for (let i = 0; i < bytes.length; i += 4093) yield bytes.subarray(i, i + 4093);
      }
      expect(sha256(JSON.stringify(await validateKvdt(chunks())))).toBe(findings[name]);
      let records = 0;
      for await (const event of parseKvdt(chunks())) if (event.type === 'record') records++;
      expect(records).toBe(parseKvdtBytes(bytes).records.length);
      // Reading and writing back gives the input bytes.
      expect(serializeKvdtRecords(parseKvdtBytes(bytes).records).equals(bytes)).toBe(true);
    }
    expect(counts).toEqual({
      generated: 0,
      kbv: 20,
      generatedDamaged: 444,
      kbvDamaged: 110,
      bomAndNoFinalCrLf: 22,
      kbvLinesDamaged: 362,
      generatedLinesDamaged: 798,
      kbvUtf8: 54,
      kbvUtf8Unfitted: 54,
      kbvLfOnly: 1364,
      generatedTruncated: 5,
    });
    expect(parsed).toEqual({
      generated: 'ee912bebb08813e2eb3b73486e5e5271ccc73e377ae680933dbce650a6a29a12',
      kbv: '31c5f3202fb463015cb264c1e79f6b6d12f8a59493441dc23bb3303f2a3d0c50',
      generatedDamaged: '7e663439cd1f4827e5336e99398c8125537a8ce3ef20f1e89eb0598d324e1a13',
      kbvDamaged: 'a08354be3eb1ab109e6e0c0ec61809510f9e65dc71972bc5be592d85ffca7d34',
      bomAndNoFinalCrLf: 'dfdaa2d5d3f8455b1a9b4618641008a69574737d1dd8622d25c503ece482e189',
      kbvLinesDamaged: '6e2c8bc531cab683da97abcb7f3fb38baa45166824e5886532a755b40f18e35d',
      generatedLinesDamaged: '1790aee508287f5fd4ec89af8307e7e2e0921af547ea91eb94ed3f2e884a595f',
      kbvUtf8: 'a548f06e858d20a8abd5a7c010c043cb0a4450634e821ff4b181cd5d551b58b2',
      kbvUtf8Unfitted: 'e493a9594f5e100fdad09eab125777b4c338b36e492f7fc4a9eb091933b61c61',
      kbvLfOnly: '280153cb95559aa88f62a75e052a83cab316244fa9e1da1a4f241eb9277653e2',
      generatedTruncated: '20efd64dff9993d06072d9c08a97d332812fb1a36c1ea83610e27ed3e2328445',
    });
    expect(findings).toEqual({
      generated: '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
      kbv: '7aba282f0d621e91f48ea9cc099c8e4f75d6799415b9ca45d0dc13a7f1f1a4ae',
      generatedDamaged: '949519c943cc7cda0d4d5dbffda388602afba5f31cdecf89ea05079d346dbf39',
      kbvDamaged: '8c70171df6da88b815c13ad5bf290ebd3ee8ab6244d4f739a906b79181979881',
      bomAndNoFinalCrLf: '536ac6e45d09fcb629c0cf90e268529672ac38ff7f527b8896a2c43989dfc1e9',
      kbvLinesDamaged: 'c7d639beda1e226e56ba69329d6631c1268387ea10dfc2d74d8890ff951ebac8',
      generatedLinesDamaged: 'aef1a2003e0162ebd18084acece2abb70e7b5d73efb2fc96182df893d5a55906',
      kbvUtf8: 'c344c7f436e40929134ef41b12fdc23bb3087d57d068325d1c7892e9eefe8608',
      kbvUtf8Unfitted: 'ba75447b4418e46ad8866514a50b4785c83f71d9fdbb123ed399a90b257cacf7',
      kbvLfOnly: 'd4c331a263f16ee96ad92636d657e9767dbb0380449f410bae39e97fef9f2c71',
      generatedTruncated: '63289e8969f1f35aa40379096f7ac762e31948c2912efa1d1f0f16d7026ca5fc',
    });
  });
});
