/**
 * Streaming KVDT parser: bytes in, records (Satz → fields with line numbers and raw bytes) out.
 * It never throws: every malformed line and an unreadable source become error events.
 */
import { createReadStream } from 'node:fs';
import { decodeIso885915, DIFFERING_BYTE, encodeIso885915Into, formatCodePoint } from './iso-8859-15.js';
import type { KvdtDocument, KvdtEvent, KvdtField, KvdtParseError, KvdtParseErrorCode, KvdtRecord } from './model.js';

/** Bytes, a file path, or a byte stream (a Node `Readable` or any async iterable of byte chunks). */
export type KvdtSource = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/** A valid line has at most 999 bytes; beyond this a line is skipped instead of buffered without bound. */
const MAX_PENDING = 4096;

const LF = 0x0a;
const CR = 0x0d;

const MESSAGES: Record<KvdtParseErrorCode, { en: string; de: string }> = {
  BOM: { en: 'byte order mark at the start of the file', de: 'Byte-Order-Mark am Dateianfang' },
  LINE_END: { en: 'line does not end in CR LF', de: 'Zeile endet nicht mit CR LF' },
  TOO_SHORT: { en: 'line too short for length and field id', de: 'Zeile zu kurz für Länge und Feldkennung' },
  LENGTH_FORMAT: { en: 'length prefix is not 3 digits', de: 'Längenangabe besteht nicht aus 3 Ziffern' },
  LENGTH_MISMATCH: { en: 'length prefix does not match the line', de: 'Längenangabe passt nicht zur Zeile' },
  FIELD_ID: { en: 'field id is not 4 digits', de: 'Feldkennung besteht nicht aus 4 Ziffern' },
  CONTROL_CHARACTER: {
    en: 'control byte in content (not ISO-8859-15 text)',
    de: 'Steuerzeichen im Inhalt (kein ISO-8859-15-Text)',
  },
  ORPHAN_LINE: { en: 'field before the first record (8000)', de: 'Feld vor dem ersten Satz (8000)' },
  READ: { en: 'source could not be read', de: 'Quelle konnte nicht gelesen werden' },
};

function parseError(code: KvdtParseErrorCode, line: number, field: string | undefined, detail?: string): KvdtParseError {
  const m = MESSAGES[code];
  const suffix = detail === undefined ? '' : `: ${detail}`;
  const where = field === undefined ? `line ${line}` : `line ${line}, field ${field}`;
  const whereDe = field === undefined ? `Zeile ${line}` : `Zeile ${line}, Feld ${field}`;
  return {
    code,
    line,
    ...(field === undefined ? {} : { field }),
    message: `${where}: ${m.en}${suffix}`,
    messageDe: `${whereDe}: ${m.de}${suffix}`,
  };
}

/**
 * A parsed line. `raw` of a well-formed line is rebuilt on demand from id and value (ISO-8859-15 maps every
 * printable byte to one character and back, so it is the exact bytes read); a malformed line keeps a copy
 * of its bytes. Not copying every line keeps parsing at tens of MB/s.
 */
class ParsedField implements KvdtField {
  readonly malformed?: true;
  constructor(
    readonly id: string,
    readonly value: string,
    readonly line: number,
    private readonly rawBytes: Buffer | undefined,
  ) {
    if (rawBytes !== undefined) this.malformed = true;
  }

  get raw(): Buffer {
    if (this.rawBytes !== undefined) return this.rawBytes;
    const length = this.value.length + 9;
    const out = Buffer.allocUnsafe(length);
    out.write(`${String(length).padStart(3, '0')}${this.id}`, 0, 'latin1');
    const end = encodeIso885915Into(this.value, out, 7);
    out[end] = CR;
    out[end + 1] = LF;
    return out;
  }

  toJSON(): { id: string; value: string; line: number; malformed?: true } {
    return { id: this.id, value: this.value, line: this.line, ...(this.malformed === true ? { malformed: true as const } : {}) };
  }
}

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Incremental parser: feed byte chunks with {@link KvdtLineParser.push}, finish with
 * {@link KvdtLineParser.end}; both return the events completed so far. Never throws for any input.
 */
export class KvdtLineParser {
  private pending: Buffer | undefined;
  private skipping = false;
  private lineNo = 0;
  private current: { satzart: string; line: number; fields: KvdtField[] } | undefined;
  private byteCount = 0;

  /** Lines seen so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Feeds the next chunk; returns the records and errors completed by it. */
  push(chunk: Uint8Array): KvdtEvent[] {
    const out: KvdtEvent[] = [];
    this.byteCount += chunk.length;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.pending !== undefined) data = Buffer.concat([this.pending, data]);
    this.pending = undefined;
    // One latin1 string per chunk: its char codes are the bytes, and values become cheap slices of it.
    const text = data.toString('latin1');
    let start = 0;
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (lf === -1) break;
      if (this.skipping) this.skipping = false;
      else this.parseLine(data, text, start, lf, true, out);
      start = lf + 1;
    }
    if (start < data.length && !this.skipping) {
      if (data.length - start > MAX_PENDING) {
        this.lineNo++;
        out.push({
          type: 'error',
          error: parseError('LENGTH_MISMATCH', this.lineNo, fieldIdOf(text, start, data.length), `line longer than ${MAX_PENDING} bytes`),
        });
        this.skipping = true;
      } else {
        // Copy so a retained partial line does not pin the whole chunk.
        this.pending = Buffer.from(data.subarray(start));
      }
    }
    return out;
  }

  /** Ends the input: parses an unterminated last line and returns the last record. */
  end(): KvdtEvent[] {
    const out: KvdtEvent[] = [];
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined && pending.length > 0) this.parseLine(pending, pending.toString('latin1'), 0, pending.length, false, out);
    this.flushRecord(out);
    return out;
  }

  private flushRecord(out: KvdtEvent[]): void {
    if (this.current !== undefined) out.push({ type: 'record', record: this.current });
    this.current = undefined;
  }

  private parseLine(data: Buffer, text: string, start: number, lf: number, hasLf: boolean, out: KvdtEvent[]): void {
    const lineNo = ++this.lineNo;
    let errors: KvdtParseError[] | undefined;
    let s = start;
    if (lineNo === 1 && text.startsWith('\u00ef\u00bb\u00bf', s)) {
      (errors ??= []).push(parseError('BOM', lineNo, undefined));
      s += 3;
    }
    const crlf = hasLf && lf > s && text.charCodeAt(lf - 1) === CR;
    const end = crlf ? lf - 1 : lf;
    const body = end - s;
    const fieldId = fieldIdOf(text, s, end);
    if (!crlf) (errors ??= []).push(parseError('LINE_END', lineNo, fieldId));
    let differs = false;
    if (body < 7) {
      (errors ??= []).push(parseError('TOO_SHORT', lineNo, fieldId, `${body + 2} bytes`));
    } else {
      const l0 = text.charCodeAt(s);
      const l1 = text.charCodeAt(s + 1);
      const l2 = text.charCodeAt(s + 2);
      if (!isDigitCode(l0) || !isDigitCode(l1) || !isDigitCode(l2)) {
        (errors ??= []).push(parseError('LENGTH_FORMAT', lineNo, fieldId));
      } else {
        const declared = (l0 - 0x30) * 100 + (l1 - 0x30) * 10 + (l2 - 0x30);
        if (declared !== body + 2) (errors ??= []).push(parseError('LENGTH_MISMATCH', lineNo, fieldId, `declared ${declared}, actual ${body + 2}`));
      }
      if (!isDigitCode(text.charCodeAt(s + 3)) || !isDigitCode(text.charCodeAt(s + 4)) || !isDigitCode(text.charCodeAt(s + 5)) || !isDigitCode(text.charCodeAt(s + 6))) {
        (errors ??= []).push(parseError('FIELD_ID', lineNo, fieldId));
      }
      for (let i = s + 7; i < end; i++) {
        const b = text.charCodeAt(i);
        if (b < 0x20 || (b >= 0x7f && b < 0xa0)) {
          (errors ??= []).push(parseError('CONTROL_CHARACTER', lineNo, fieldId, `byte 0x${b.toString(16).padStart(2, '0')} (${formatCodePoint(b)}) at column ${i - s + 1}`));
          break;
        }
        if (b >= 0xa4 && b <= 0xbe && DIFFERING_BYTE[b] === 1) differs = true;
      }
    }
    const id = fieldId ?? '';
    let value = body > 7 ? text.slice(s + 7, end) : '';
    if (differs) value = decodeIso885915(data, s + 7, end);
    const rawEnd = hasLf ? lf + 1 : lf;
    const field = new ParsedField(id, value, lineNo, errors === undefined ? undefined : Buffer.from(data.subarray(start, rawEnd)));
    if (errors !== undefined) for (const error of errors) out.push({ type: 'error', error });
    if (id === '8000' && body >= 7) {
      this.flushRecord(out);
      this.current = { satzart: value, line: lineNo, fields: [field] };
      return;
    }
    if (this.current === undefined) {
      out.push({ type: 'error', error: parseError('ORPHAN_LINE', lineNo, fieldId) });
      this.current = { satzart: '', line: lineNo, fields: [] };
    }
    this.current.fields.push(field);
  }
}

const FIELD_ID_STRINGS: (string | undefined)[] = new Array<string | undefined>(10_000);

/** The 4 bytes after the length prefix as text, when the line has them. */
function fieldIdOf(text: string, s: number, end: number): string | undefined {
  if (end - s < 7) return undefined;
  let num = 0;
  for (let i = s + 3; i < s + 7; i++) {
    const c = text.charCodeAt(i);
    // Field ids are digits; anything else is shown as ISO-8859-15 text.
    if (!isDigitCode(c)) return decodeIso885915(Buffer.from(text.slice(s + 3, s + 7), 'latin1'));
    num = num * 10 + (c - 0x30);
  }
  // One string object per id: its hash is computed once, so the validator's map lookups stay cheap.
  return (FIELD_ID_STRINGS[num] ??= text.slice(s + 3, s + 7));
}

async function* chunksOf(source: KvdtSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  const iterable = typeof source === 'string' ? createReadStream(source, { highWaterMark: 256 * 1024 }) : source;
  for await (const chunk of iterable) {
    if (typeof chunk === 'string') throw new TypeError('the stream delivers text, not bytes (do not set an encoding)');
    yield chunk;
  }
}

/**
 * Parses a KVDT source as a stream of events (records and errors) in file order, holding only one record
 * in memory at a time. Never throws: an unreadable source becomes a `READ` error event.
 */
export async function* parseKvdt(source: KvdtSource): AsyncGenerator<KvdtEvent, { lines: number; bytes: number }> {
  const parser = new KvdtLineParser();
  try {
    for await (const chunk of chunksOf(source)) yield* parser.push(chunk);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    yield { type: 'error', error: parseError('READ', 0, undefined, reason) };
  }
  yield* parser.end();
  return { lines: parser.lines, bytes: parser.bytes };
}

/** Parses bytes already in memory; never throws. */
export function parseKvdtBytes(bytes: Uint8Array): KvdtDocument {
  const parser = new KvdtLineParser();
  return collect([...parser.push(bytes), ...parser.end()], parser.lines, parser.bytes);
}

/** Reads a whole KVDT source into memory: records, errors, counts per Satzart. Never throws. */
export async function readKvdt(source: KvdtSource): Promise<KvdtDocument> {
  const events: KvdtEvent[] = [];
  const gen = parseKvdt(source);
  for (;;) {
    const next = await gen.next();
    if (next.done === true) return collect(events, next.value.lines, next.value.bytes);
    events.push(next.value);
  }
}

function collect(events: readonly KvdtEvent[], lines: number, bytes: number): KvdtDocument {
  const records: KvdtRecord[] = [];
  const errors: KvdtParseError[] = [];
  const counts: Record<string, number> = {};
  for (const event of events) {
    if (event.type === 'record') {
      records.push(event.record);
      counts[event.record.satzart] = (counts[event.record.satzart] ?? 0) + 1;
    } else errors.push(event.error);
  }
  return { records, errors, counts, lines, bytes };
}
