import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { PvsKitError } from '@pvskit/core';
import { decodeIso885915, firstUnencodable, ISO_8859_15_TABLE } from './iso-8859-15.js';
import { encodeIso885915 } from './encode.js';
import { DEFAULT_TRANSLITERATION } from './transliteration.js';

describe('ISO-8859-15 codec', () => {
  it('differs from latin1 at exactly the eight bytes € Š š Ž ž Œ œ Ÿ', () => {
    const differing: string[] = [];
    for (let b = 0; b < 256; b++) {
      const ours = String.fromCharCode(ISO_8859_15_TABLE[b] ?? -1);
      if (ours !== Buffer.from([b]).toString('latin1')) differing.push(ours);
    }
    expect(differing.join('')).toBe('€ŠšŽžŒœŸ');
  });

  it('encodes names to the right bytes', () => {
    expect([...encodeIso885915('Žižek')]).toEqual([0xb4, 0x69, 0xb8, 0x65, 0x6b]);
    expect([...encodeIso885915('Œdipa')]).toEqual([0xbc, 0x64, 0x69, 0x70, 0x61]);
    expect([...encodeIso885915('Öztürk-Müller')]).toEqual([0xd6, 0x7a, 0x74, 0xfc, 0x72, 0x6b, 0x2d, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]);
    expect([...encodeIso885915('€ Ÿ ß')]).toEqual([0xa4, 0x20, 0xbe, 0x20, 0xdf]);
  });

  it('refuses characters without a byte, naming field and code point, and never writes "?"', () => {
    for (const text of ['Şahin', '¤', '½', 'a\u{1F600}']) {
      let error: unknown;
      try {
        encodeIso885915(text, { origin: { caseId: 'c-1', field: '3101', path: 'patient.lastName' } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PvsKitError);
      expect((error as PvsKitError).code).toBe('ENCODING');
      expect((error as PvsKitError).message).toMatch(/case "c-1", field 3101 \(patient\.lastName\): character ".+" \(U\+[0-9A-F]{4,5}\)/);
    }
  });

  it('refuses control characters', () => {
    expect(() => encodeIso885915('a\tb')).toThrow(/control character U\+0009/);
  });

  it('transliterates only on request, with a table as data', () => {
    expect(encodeIso885915('Şahin Łukasz Ćwik „gut“ – ja', { transliterate: true }).toString('latin1')).toBe('Sahin Lukasz Cwik "gut" - ja');
    expect(encodeIso885915('Ő', { transliterate: { Ő: 'OE' } }).toString('latin1')).toBe('OE');
    expect(() => encodeIso885915('\u4e2d', { transliterate: true })).toThrow(/U\+4E2D/);
  });

  it('maps every default transliteration to encodable text, and never a character ISO-8859-15 already has', () => {
    for (const [from, to] of Object.entries(DEFAULT_TRANSLITERATION)) {
      expect(firstUnencodable(to)).toBeUndefined();
      expect(firstUnencodable(from)).toBeDefined();
    }
  });

  fcTest.prop([fc.uint8Array({ maxLength: 500 })])('decode then encode gives the same bytes for printable content', (bytes) => {
    const printable = bytes.filter((b) => b >= 0x20 && (b < 0x7f || b >= 0xa0));
    const text = decodeIso885915(printable);
    expect(Buffer.from(encodeIso885915(text)).equals(Buffer.from(printable))).toBe(true);
  });

  fcTest.prop([fc.string({ unit: 'binary', maxLength: 50 })])('encoding either succeeds losslessly or throws ENCODING', (text) => {
    try {
      const bytes = encodeIso885915(text);
      expect(decodeIso885915(bytes)).toBe(text);
    } catch (e) {
      expect((e as PvsKitError).code).toBe('ENCODING');
    }
  });
});
