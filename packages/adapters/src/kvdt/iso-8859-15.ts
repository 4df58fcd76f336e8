/**
 * ISO-8859-15 (Latin-9), the only character set KVDT allows (con0 field 9106 = `4`).
 *
 * Node has no ISO-8859-15 codec: its `latin1` is ISO-8859-1, which differs at eight bytes. Encoding with
 * `latin1` would write `¤` where the file needs `€` and silently turn `Š` into a wrong byte, so pvskit
 * carries its own table.
 */

/**
 * The eight bytes where ISO-8859-15 differs from ISO-8859-1: `[byte, Unicode code point]`.
 * Source: ISO/IEC 8859-15:1999, table 1 (compare the Unicode mapping file 8859-15.TXT).
 */
export const ISO_8859_15_DIFFERENCES: readonly (readonly [number, number])[] = [
  [0xa4, 0x20ac], // € (latin1: ¤)
  [0xa6, 0x0160], // Š (latin1: ¦)
  [0xa8, 0x0161], // š (latin1: ¨)
  [0xb4, 0x017d], // Ž (latin1: ´)
  [0xb8, 0x017e], // ž (latin1: ¸)
  [0xbc, 0x0152], // Œ (latin1: ¼)
  [0xbd, 0x0153], // œ (latin1: ½)
  [0xbe, 0x0178], // Ÿ (latin1: ¾)
];

function buildDecodeTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let b = 0; b < 256; b++) table[b] = b;
  for (const [byte, codePoint] of ISO_8859_15_DIFFERENCES) table[byte] = codePoint;
  return table;
}

/** Byte → Unicode code point, all 256 entries (C0/C1 control bytes map to the control code points). */
export const ISO_8859_15_TABLE: Readonly<Uint16Array> = buildDecodeTable();

const ENCODE_TABLE: ReadonlyMap<number, number> = new Map(
  Array.from(ISO_8859_15_TABLE, (codePoint, byte) => [codePoint, byte] as const),
);

/** Bytes whose latin1 reading is wrong for ISO-8859-15 (1 = differs); text without them decodes as latin1. */
export const DIFFERING_BYTE = new Uint8Array(256);
for (const [byte] of ISO_8859_15_DIFFERENCES) DIFFERING_BYTE[byte] = 1;

/** The ISO-8859-15 byte of a Unicode code point, or `undefined` when the character set has none. */
export function iso885915ByteOf(codePoint: number): number | undefined {
  return ENCODE_TABLE.get(codePoint);
}

/** Decodes ISO-8859-15 bytes. Every byte has a character, so decoding never fails. */
export function decodeIso885915(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let differs = false;
  for (let i = start; i < end; i++) {
    if (DIFFERING_BYTE[bytes[i] as number] === 1) {
      differs = true;
      break;
    }
  }
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!differs) return buf.toString('latin1', start, end);
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(ISO_8859_15_TABLE[bytes[i] as number] as number);
  return out;
}

/** The first character of `text` without an ISO-8859-15 byte, or `undefined` when all have one. */
export function firstUnencodable(text: string): { char: string; codePoint: number; index: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xa4) continue;
    const codePoint = text.codePointAt(i) as number;
    if (!ENCODE_TABLE.has(codePoint)) return { char: String.fromCodePoint(codePoint), codePoint, index: i };
    if (codePoint > 0xffff) i++;
  }
  return undefined;
}

/**
 * Encodes `text` into `target` at `offset` and returns the offset after it. Throws a plain `RangeError`
 * naming the character when one has no byte; callers that know the case and field turn it into a
 * `PvsKitError('ENCODING')` (see `kvdt/encode-field.ts`). `target` must have room for `text.length` bytes.
 */
export function encodeIso885915Into(text: string, target: Uint8Array, offset: number): number {
  let pos = offset;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xa4) {
      target[pos++] = unit;
      continue;
    }
    const byte = ENCODE_TABLE.get(unit);
    if (byte === undefined) {
      const codePoint = text.codePointAt(i) as number;
      throw new UnencodableCharacterError(String.fromCodePoint(codePoint), codePoint);
    }
    target[pos++] = byte;
  }
  return pos;
}

/** A character without an ISO-8859-15 byte (internal; surfaces as `PvsKitError('ENCODING')`). */
export class UnencodableCharacterError extends RangeError {
  constructor(
    readonly char: string,
    readonly codePoint: number,
  ) {
    super(`character "${char}" (${formatCodePoint(codePoint)}) has no ISO-8859-15 byte`);
  }
}

/** `U+015E` style. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
