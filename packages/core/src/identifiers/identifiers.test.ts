import { readFileSync } from 'node:fs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PvsKitError, ValidationError } from '../errors.js';
import { parseWith } from '../validate.js';
import {
  bsnrSchema,
  gopSchema,
  icdCodeSchema,
  identifierChecks,
  ikSchema,
  kvnrSchema,
  lanrSchema,
  checkBsnr,
  checkGop,
  checkIcdCode,
  checkIk,
  checkKvnr,
  checkLanr,
  ikCheckDigit,
  isSubstituteLanr,
  kvnrCheckDigit,
  kvRegionByCode,
  kvRegionCodes,
  kvRegionOfBsnr,
  lanrCheckDigit,
  type IdentifierCheck,
} from './index.js';

/** KBV's test file (Q4/2023, see test/fixtures/kbv/SOURCE.md). Identifiers are ASCII, so latin1 reads them exactly. */
const FIXTURE = new URL('../../../../test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con', import.meta.url);
const fixtureFields: { line: number; field: string; value: string }[] = readFileSync(FIXTURE, 'latin1')
  .split('\r\n')
  .map((l, i) => ({ line: i + 1, field: l.slice(3, 7), value: l.slice(7) }));
const fieldValues = (field: string) => fixtureFields.filter((f) => f.field === field);

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
const failed = (r: IdentifierCheck) => (r.ok ? undefined : r);

describe('LANR', () => {
  it('accepts the spec examples and the LANRs of the KBV test file (lines 9, 11, 104, 246)', () => {
    for (const v of ['123456601', '123456640', '123456641']) expect(checkLanr(v)).toEqual({ ok: true, value: v });
    const lanrs = [...fieldValues('0212'), ...fieldValues('5099')];
    expect(lanrs.length).toBeGreaterThan(20);
    for (const { value } of lanrs) expect(checkLanr(value).ok).toBe(true);
  });

  it('computes the check digit with weights 4,9,4,9,4,9', () => {
    expect(lanrCheckDigit('123456')).toBe(6); // 4+18+12+36+20+54 = 144 → 10 − 4
    expect(lanrCheckDigit('000000')).toBe(0);
    expect(lanrCheckDigit('999999')).toBe(9); // 351 → 10 − 1
    expect(() => lanrCheckDigit('12345')).toThrow(PvsKitError);
  });

  it('rejects wrong shapes, check digits and reserved values with English and German reasons', () => {
    const wrongDigit = failed(checkLanr('123456701'));
    expect(wrongDigit?.rule).toBe('ID-LANR');
    expect(wrongDigit?.reason).toMatch(/check digit.*expected 6/);
    expect(wrongDigit?.reasonDe).toMatch(/Prüfziffer.*erwartet 6/);
    for (const v of ['12345660', '1234566011', '12345660a', ' 123456601', '', '888888800', '555555099']) {
      expect(checkLanr(v).ok, v).toBe(false);
    }
    expect(failed(checkLanr('888888800'))?.reason).toMatch(/obsolete/);
    expect(failed(checkLanr('555555099'))?.reason).toMatch(/ASV/);
  });

  it('substitute 999999900 passes the check but is flagged separately', () => {
    expect(checkLanr('999999900').ok).toBe(true);
    expect(isSubstituteLanr('999999900')).toBe(true);
    expect(isSubstituteLanr('123456601')).toBe(false);
  });

  const arbLanr = fc
    .tuple(digits(6).filter((s) => s !== '555555'), digits(2))
    .map(([six, ff]) => `${six}${lanrCheckDigit(six)}${ff}`);

  fcTest.prop([arbLanr])('six digits + lanrCheckDigit + any specialty is ok', (v) => {
    expect(checkLanr(v).ok).toBe(true);
  });

  // Weight 9 is coprime to 10, weight 4 is not: a change by ±5 at a weight-4 position (digits 1, 3, 5) adds
  // 4·5 = 20 ≡ 0 (mod 10) and goes unnoticed. Digits 8–9 (specialty) are not covered at all.
  fcTest.prop([arbLanr, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 })])(
    'a single-digit change is detected in digits 2, 4, 6, 7 always and in 1, 3, 5 unless it is ±5',
    (v, pos, delta) => {
      const old = Number(v[pos]);
      const changed = replaceAt(v, pos, String((old + delta) % 10));
      if (changed.startsWith('555555')) return; // reserved range, rejected for another reason
      const undetectable = pos >= 7 || ([0, 2, 4].includes(pos) && delta === 5);
      expect(checkLanr(changed).ok).toBe(undetectable);
    },
  );
});

describe('BSNR', () => {
  it('accepts the KBV test file BSNR 010100300 (lines 7, 43, 103) as Schleswig-Holstein', () => {
    const bsnrs = [...fieldValues('0201'), ...fieldValues('5098')];
    expect(bsnrs.length).toBeGreaterThan(20);
    for (const { value } of bsnrs) expect(checkBsnr(value).ok).toBe(true);
    expect(kvRegionOfBsnr('010100300')?.land).toBe('SH');
  });

  it('knows the BW codes 52, 55, 60, 61, 62', () => {
    for (const code of ['52', '55', '60', '61', '62']) {
      expect(kvRegionByCode(code)?.land).toBe('BW');
      expect(checkBsnr(`${code}1234500`).ok).toBe(true);
    }
    expect(kvRegionOfBsnr('521234500')?.name).toBe('Baden-Württemberg');
  });

  it('has exactly the prefixes of KVDT rule 162, each with a note', () => {
    const expected = '01-03, 06-21, 24, 25, 27, 28, 31, 37-73, 78-81, 83, 85-88, 93-96, 98, 99'
      .split(', ')
      .flatMap((part) => {
        const [a, b] = part.split('-').map(Number) as [number, number | undefined];
        return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => String(a + i).padStart(2, '0'));
      });
    expect(kvRegionCodes.map((k) => k.code)).toEqual(expected);
    for (const k of kvRegionCodes) expect(k.note.length).toBeGreaterThan(10);
    expect(kvRegionByCode('99')?.land).toBeNull();
  });

  it('rejects unknown KV codes and wrong shapes', () => {
    for (const v of ['001234500', '041234500', '221234500', '741234500', '901234500', '971234500', '52123450', '5212345000', '52123450a']) {
      const r = failed(checkBsnr(v));
      expect(r?.rule, v).toBe('ID-BSNR');
      expect(r?.reasonDe).toMatch(/BSNR/);
    }
    expect(kvRegionOfBsnr('041234500')).toBeUndefined();
    expect(kvRegionOfBsnr('5212')).toBeUndefined();
  });

  it('understands hospital (35kk…) and SAPV (74kk…63) BSNRs', () => {
    expect(checkBsnr('355212345').ok).toBe(true);
    expect(kvRegionOfBsnr('355212345')?.land).toBe('BW');
    expect(checkBsnr('350412345').ok).toBe(false);
    expect(checkBsnr('745212363').ok).toBe(true);
    expect(checkBsnr('745212300').ok).toBe(false);
  });
});

describe('KVNR', () => {
  it('accepts published valid KVNRs', () => {
    // A123456780 (letter A = 01): 0+2+1+4+3+8+5+3+7+7 = 40 → 0; T555558879 and S040464113 are gematik test KVNRs.
    for (const v of ['A123456780', 'T555558879', 'S040464113']) expect(checkKvnr(v)).toEqual({ ok: true, value: v });
    expect(kvnrCheckDigit('A12345678')).toBe(0);
    expect(kvnrCheckDigit('T55555887')).toBe(9);
  });

  it('KBV test file: A004041949 is right, all other KVNRs carry a deliberately wrong check digit', () => {
    const byValue = new Map<string, number[]>();
    for (const { line, value } of fieldValues('3119')) byValue.set(value, [...(byValue.get(value) ?? []), line]);
    // Correct: A004041949 at lines 75, 125, 177, 792.
    expect(byValue.get('A004041949')).toEqual([75, 125, 177, 792]);
    expect(checkKvnr('A004041949').ok).toBe(true);
    // Wrong: value → [lines, expected check digit].
    const wrong: Record<string, [number[], number]> = {
      A104041949: [[220], 0],
      A303011978: [[261, 301, 346], 5],
      A612071960: [[383, 426], 3],
      A723101930: [[470], 5],
      A907091949: [[538], 6],
      A923051969: [[598, 677], 7],
      A400031972: [[712, 751], 5],
      A234567890: [[842, 1331], 3],
      A822061899: [[937], 1],
      A907091945: [[1036], 6],
      A213141516: [[1123], 4],
    };
    const invalidInFile = [...byValue.keys()].filter((v) => !checkKvnr(v).ok).sort();
    expect(invalidInFile).toEqual(Object.keys(wrong).sort());
    for (const [v, [lines, expectedDigit]] of Object.entries(wrong)) {
      expect(byValue.get(v)).toEqual(lines);
      const r = failed(checkKvnr(v));
      expect(r?.rule).toBe('ID-KVNR');
      expect(r?.reason).toContain(`expected ${expectedDigit}`);
      expect(r?.reasonDe).toContain(`erwartet ${expectedDigit}`);
      expect(kvnrCheckDigit(v.slice(0, 9))).toBe(expectedDigit);
    }
  });

  it('rejects wrong shapes', () => {
    for (const v of ['a123456780', 'A12345678', 'A1234567800', '1123456780', 'AA23456780', 'Ä123456780', ' A123456780', '']) {
      expect(failed(checkKvnr(v))?.reason, v).toMatch(/capital letter followed by 9 digits/);
    }
    expect(() => kvnrCheckDigit('A1234567')).toThrow(PvsKitError);
  });

  const arbKvnr = fc
    .tuple(fc.integer({ min: 65, max: 90 }).map((c) => String.fromCharCode(c)), digits(8))
    .map(([l, d]) => `${l}${d}${kvnrCheckDigit(l + d)}`);

  fcTest.prop([arbKvnr])('letter + 8 digits + kvnrCheckDigit is ok', (v) => {
    expect(checkKvnr(v).ok).toBe(true);
  });

  // Weights 1/2 with digit sums (Luhn-like) map each digit position bijectively mod 10, so any single-digit
  // change in characters 2–10 is caught. Letters are not: A (01 → 0+2) and O (15 → 1+1) contribute the same.
  fcTest.prop([arbKvnr, fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })])(
    'any single-digit change in characters 2–10 is detected',
    (v, pos, delta) => {
      expect(checkKvnr(replaceAt(v, pos, String((Number(v[pos]) + delta) % 10))).ok).toBe(false);
    },
  );

  it('does not detect every letter substitution (A ↔ O)', () => {
    expect(checkKvnr('A123456780').ok).toBe(true);
    expect(checkKvnr('O123456780').ok).toBe(true);
  });
});

describe('IK', () => {
  it('KBV test file: the real IKs are right, the two synthetic GEK ones are wrong', () => {
    const valid = [
      '104612144', // line 89
      '108433248', // line 234
      '104080005', // line 275
      '104625753', // line 397
      '104071004', // line 553
      '106401348', // line 612
      '106201379', // line 690
      '109528701', // line 726
      '104112263', // line 856
      '104067996', // line 1090
      '101568008', // line 1344
    ];
    const invalid: Record<string, number> = {
      '100027822': 0, // lines 1004, 1222 (IK made up from VKNR 27822)
      '100024868': 1, // line 1173
    };
    const inFile = new Set(fieldValues('4111').map((f) => f.value));
    expect([...inFile].sort()).toEqual([...valid, ...Object.keys(invalid)].sort());
    for (const v of valid) expect(checkIk(v)).toEqual({ ok: true, value: v });
    for (const [v, expected] of Object.entries(invalid)) {
      const r = failed(checkIk(v));
      expect(r?.rule).toBe('ID-IK');
      expect(r?.reason).toContain(`expected ${expected}`);
      expect(ikCheckDigit(v.slice(0, 8))).toBe(expected);
    }
  });

  it('computes the check digit over digits 3–8 with weights 2,1,2,1,2,1 and digit sums', () => {
    // 108018007 (AOK Baden-Württemberg): 8·2=16→7, 0, 1·2=2, 8, 0, 0 → 17 → 7.
    expect(ikCheckDigit('10801800')).toBe(7);
    expect(checkIk('108018007').ok).toBe(true);
    for (const v of ['10801800', '1080180070', '10801800x', '']) expect(failed(checkIk(v))?.reason, v).toMatch(/9 digits/);
    expect(() => ikCheckDigit('1080180')).toThrow(PvsKitError);
  });

  const arbIk = digits(8).map((d) => `${d}${ikCheckDigit(d)}`);

  fcTest.prop([arbIk, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 })])(
    'single-digit changes in digits 3–9 are detected; digits 1–2 (class) are not covered',
    (v, pos, delta) => {
      expect(checkIk(v).ok).toBe(true);
      const changed = replaceAt(v, pos, String((Number(v[pos]) + delta) % 10));
      expect(checkIk(changed).ok).toBe(pos < 2);
    },
  );
});

describe('ICD-10-GM code and GOP shapes', () => {
  it('accepts ann, ann.n, ann.nn and every diagnosis of the KBV test file', () => {
    for (const v of ['J06', 'J06.9', 'S52.51', 'U07.1', 'Z00.00']) expect(checkIcdCode(v).ok, v).toBe(true);
    const icds = fieldValues('6001');
    expect(icds.length).toBeGreaterThan(10);
    for (const { value } of icds) expect(checkIcdCode(value).ok, value).toBe(true);
  });

  it('rejects other ICD shapes', () => {
    for (const v of ['j06', 'J6', 'J06.', 'J06.123', 'J06-', 'J06.-', 'J06.9G', 'UUU', ' J06', 'J06.9!', 'J069', '']) {
      const r = failed(checkIcdCode(v));
      expect(r?.rule, v).toBe('ID-ICD');
      expect(r?.reasonDe).toMatch(/ICD-10-GM/);
    }
  });

  it('accepts GOPs with optional letter suffix, including every GOP of the KBV test file', () => {
    for (const v of ['01210', '01741M', '40220', '99999']) expect(checkGop(v).ok, v).toBe(true);
    const gops = fieldValues('5001');
    expect(gops.length).toBeGreaterThan(50);
    for (const { value } of gops) expect(checkGop(value).ok, value).toBe(true);
  });

  it('rejects other GOP shapes', () => {
    for (const v of ['1210', '012100', '01210m', '01210MM', 'A1210', '01 210', '']) {
      expect(failed(checkGop(v))?.rule, v).toBe('ID-GOP');
    }
  });
});

describe('strict identifier schemas', () => {
  it('accept valid and reject invalid identifiers with the check reason at the JSON path', () => {
    const schema = z.object({ lanr: lanrSchema, bsnr: bsnrSchema, kvnr: kvnrSchema, ik: ikSchema, icd: icdCodeSchema, gop: gopSchema });
    const good = { lanr: '123456601', bsnr: '521234500', kvnr: 'A123456780', ik: '108018007', icd: 'J06.9', gop: '01210' };
    expect(parseWith(schema, good, 'ids')).toEqual(good);
    try {
      parseWith(schema, { ...good, lanr: '123456701', kvnr: 'A104041949' }, 'ids');
      throw new Error('expected a ValidationError');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const issues = (e as ValidationError).issues;
      expect(issues.map((i) => i.path).sort()).toEqual([['kvnr'], ['lanr']]);
      expect(issues.find((i) => i.path[0] === 'lanr')?.message).toMatch(/check digit/);
    }
    expect(Object.keys(identifierChecks).sort()).toEqual(['ID-BSNR', 'ID-GOP', 'ID-ICD', 'ID-IK', 'ID-KVNR', 'ID-LANR']);
    for (const [rule, check] of Object.entries(identifierChecks)) {
      const r = check('x');
      expect(r.ok).toBe(false);
      expect(r.ok ? undefined : r.rule).toBe(rule);
    }
  });
});
