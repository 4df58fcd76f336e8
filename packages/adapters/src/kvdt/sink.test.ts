/**
 * The line sink's chunks: whatever the chunk size, the sizes of the cases (smaller or larger than the room a
 * case finds when it begins), which lines are copied as bytes and which cases are taken back, the chunks
 * joined are exactly the kept lines, and a chunk handed out never ends inside a case.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSink } from './sink.js';

const line = (id: string, content: string) => `${String(content.length + 9).padStart(3, '0')}${id}${content}\r\n`;

const caseArb = fc.record({
  // Up to 40 lines of up to 990 bytes: cases from a few bytes to past the room a case begins with.
  // Each line written as a line or copied as bytes (as a run of repeated fields is).
  lines: fc.array(fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 990 }), fc.constantFrom('a', 'Z', 'ü', '0'), fc.boolean()), { minLength: 1, maxLength: 40 }),
  keep: fc.boolean(),
});

describe('LineSink', () => {
  it('joined chunks are the kept lines, each chunk ends between cases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 256 * 1024 }), fc.array(caseArb, { maxLength: 60 }), (chunkSize, cases) => {
        const sink = new LineSink(chunkSize);
        const handedOut: Buffer[] = [];
        let expected = '';
        const caseEnds = new Set<number>([0]);
        let lines = 0;
        for (const c of cases) {
          sink.begin();
          let text = '';
          for (const [id, length, char, copied] of c.lines) {
            const content = char.repeat(length);
            const bytes = line(String(id), content);
            if (copied) {
              // Somewhere inside a larger buffer, as the case before's bytes are.
              const src = Buffer.from(`xx${bytes}yy`, 'latin1');
              sink.copyBytes(src, 2, src.length - 2, 1);
            } else sink.line(String(id), content);
            text += bytes;
          }
          if (c.keep) {
            sink.commit();
            expected += text;
            lines += c.lines.length;
            caseEnds.add(Buffer.byteLength(expected, 'latin1'));
          } else sink.rollback();
          handedOut.push(...sink.takeReady());
        }
        let offset = 0;
        for (const chunk of handedOut) {
          offset += chunk.length;
          expect(caseEnds.has(offset)).toBe(true);
        }
        const all = Buffer.concat([...handedOut, ...sink.takeAll()]);
        expect(all.toString('latin1')).toBe(expected);
        expect(sink.bytes).toBe(all.length);
        expect(sink.lines).toBe(lines);
      }),
      { numRuns: 200 },
    );
  });
});
