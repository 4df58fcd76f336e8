/**
 * The encoder's direct byte path against the general way (`prepareFields` + the line writer), which is what
 * the writer did for every value before: for random values of every field of the table, alone and repeated
 * (kept lines), with and without transliteration, the same bytes, the same problems, the same errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseEncoder } from './case-encoder.js';
import { prepareFields, type FieldSpec } from './export-case.js';
import { KVDT_FIELDS } from './field-table.js';
import { LineSink } from './sink.js';
import { DEFAULT_TRANSLITERATION } from './transliteration.js';

// Characters around every boundary the direct path decides on: ASCII, blanks, no-break space, latin1 bytes
// ISO-8859-15 lacks (¤ ´), its own eight (€ Š), controls (C0, DEL, C1), Unicode blanks, transliterable and
// unmappable letters, an astral character, digits and the characters of dates and codes.
const ALPHABET = ['a', 'Z', 'x', ' ', ' ', '\u00a0', 'ü', 'ß', 'é', '€', 'Š', '¤', '´', '\t', '\n', '\u007f', '\u0085', '\u2009', '„', 'Ş', 'Ĳ', '😀', '-', ':', '.', '0', '1', '5', '9', 'A', 'V'];
// Only characters the direct path writes (blanks included): values that reach its every decision.
const DIRECT = ['a', 'Z', ' ', '\u00a0', 'ü', 'ß', '-', '.', '0', '9'];
const value = fc.oneof(
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 70 }).map((cs) => cs.join('')),
  fc.array(fc.constantFrom(...DIRECT), { maxLength: 70 }).map((cs) => cs.join('')),
  fc.constantFrom('529999900', '01212', '01210V', 'J18.9', '2026-01-09', '21:30', '12026', 'x'.repeat(61), `${'w'.repeat(29)} ${'v'.repeat(30)}`),
);
const ids = [...KVDT_FIELDS.keys(), '9999'];
type Kind = 'text' | 'split' | 'safe';

/** Bytes, problems and error of the general way. */
function reference(kind: Kind, id: string, v: string, transliterate: boolean, times: number) {
  const spec: FieldSpec = kind === 'safe' ? { id, value: v, path: 'p', safe: true } : kind === 'split' ? { id, value: v, path: 'p', splitAt: 60 } : { id, value: v, path: 'p' };
  const sink = new LineSink();
  const problems = [];
  let error: string | undefined;
  for (let t = 0; t < times; t++) {
    // The writer leaves absent and empty values out (split: only absent ones).
    if (kind !== 'split' && v === '') continue;
    const prepared = prepareFields([spec], 'c-1', transliterate ? DEFAULT_TRANSLITERATION : undefined);
    problems.push(...prepared.problems);
    for (let i = 0; i < prepared.lines.length; i += 2) {
      try {
        sink.line(prepared.lines[i] as string, prepared.lines[i + 1] as string);
      } catch (e) {
        error ??= String(e);
      }
    }
  }
  return { bytes: Buffer.concat(sink.takeAll()).toString('latin1'), problems, error };
}

function encoded(kind: Kind, id: string, v: string, transliterate: boolean, times: number) {
  const sink = new LineSink();
  const encoder = new CaseEncoder(sink, transliterate ? DEFAULT_TRANSLITERATION : undefined);
  const problems = encoder.encodeFields(
    'c-1',
    [],
    (out) => {
      for (let t = 0; t < times; t++) {
        if (kind === 'text') out.text(id, v, 'p');
        else if (kind === 'split') out.split(id, v, 'p', 60);
        else out.safe(id, v, 'p');
      }
    },
    true,
  );
  const error = encoder.error === undefined ? undefined : String(encoder.error);
  // A case with problems or an error leaves nothing: compare what it would have written only when clean.
  return { bytes: problems.length === 0 && error === undefined ? Buffer.concat(sink.takeAll()).toString('latin1') : undefined, problems, error };
}

describe('CaseEncoder', () => {
  it('writes every value as the general way does: bytes, problems, errors (repeated values from kept lines)', () => {
    fc.assert(
      fc.property(fc.constantFrom<Kind>('text', 'split', 'safe'), fc.constantFrom(...ids), value, fc.boolean(), fc.integer({ min: 1, max: 3 }), (kind, id, v, transliterate, times) => {
        const want = reference(kind, id, v, transliterate, times);
        const got = encoded(kind, id, v, transliterate, times);
        expect(got.problems).toEqual(want.problems);
        expect(got.error).toEqual(want.error);
        if (got.bytes !== undefined) expect(got.bytes).toBe(want.bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('a case of fields repeated from the case before has the bytes and problems of the general way (runs copied)', () => {
    // Few ids and values, so fields repeat at their place from case to case; some values are refused (format,
    // length, no ISO-8859-15 byte, blank), so cases are taken back between kept ones; `keep` false takes a
    // clean case back too (the check pass of an array export).
    const field = fc.record({
      kind: fc.constantFrom<Kind>('text', 'text', 'split', 'safe'),
      id: fc.constantFrom('3101', '5001', '5098', '6001', '9999'),
      v: fc.constantFrom('Müller', '529999900', '01212', 'J18.9', 'Şahin', '', ' x', 'x'.repeat(61)),
    });
    const caseArb = fc.record({ fields: fc.array(field, { maxLength: 8 }), keep: fc.boolean() });
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 1, maxLength: 12 }), fc.boolean(), (cases, transliterate) => {
        const sink = new LineSink();
        const encoder = new CaseEncoder(sink, transliterate ? DEFAULT_TRANSLITERATION : undefined);
        let want = '';
        for (const c of cases) {
          const parts = c.fields.map(({ kind, id, v }) => reference(kind, id, v, transliterate, 1));
          const problems = encoder.encodeFields(
            'c-1',
            [],
            (out) => {
              for (const { kind, id, v } of c.fields) {
                if (kind === 'text') out.text(id, v, 'p');
                else if (kind === 'split') out.split(id, v, 'p', 60);
                else out.safe(id, v, 'p');
              }
            },
            c.keep,
          );
          expect(problems).toEqual(parts.flatMap((p) => p.problems));
          const error = parts.find((p) => p.error !== undefined)?.error;
          expect(encoder.error === undefined ? undefined : String(encoder.error)).toEqual(error);
          if (c.keep && problems.length === 0 && error === undefined) want += parts.map((p) => p.bytes).join('');
        }
        expect(Buffer.concat(sink.takeAll()).toString('latin1')).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes dates and times digit by digit as kvdtDate/kvdtTime make them, odd values the general way', () => {
    fc.assert(
      fc.property(fc.constantFrom('date', 'time'), value, (kind, v) => {
        const sink = new LineSink();
        const encoder = new CaseEncoder(sink, undefined);
        encoder.encodeFields('c-1', [], (out) => (kind === 'date' ? out.date('5000', v, 'p') : out.time('5006', v, 'p')), true);
        const converted = kind === 'date' ? v.slice(0, 4) + v.slice(5, 7) + v.slice(8, 10) : v.replace(':', '');
        const want = reference('safe', kind === 'date' ? '5000' : '5006', converted, false, 1);
        expect(encoder.error === undefined ? undefined : String(encoder.error)).toEqual(want.error);
        if (encoder.error === undefined) expect(Buffer.concat(sink.takeAll()).toString('latin1')).toBe(want.bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
