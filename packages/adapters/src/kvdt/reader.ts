/**
 * Streaming KVDT parser: bytes in, records (Satz → fields with line numbers and raw bytes) out.
 * It never throws: every malformed line and an unreadable source become error events.
 */
import { createReadStream } from 'node:fs';
import { encodeIso885915Into } from './iso-8859-15.js';
import { KvdtLineScanner, parseError, type KvdtLine, type KvdtLineSink } from './line-scanner.js';
import type { KvdtDocument, KvdtEvent, KvdtField, KvdtParseError, KvdtRecord } from './model.js';

/** Bytes, a file path, or a byte stream (a Node `Readable` or any async iterable of byte chunks). */
export type KvdtSource = Uint8Array | string | AsyncIterable<Uint8Array | string>;

const LF = 0x0a;
const CR = 0x0d;

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

/** Builds record and error events from the scanner's lines. */
class EventSink implements KvdtLineSink {
  private out: KvdtEvent[] = [];
  private current: { satzart: string; line: number; fields: KvdtField[] } | undefined;

  error(error: KvdtParseError): void {
    this.out.push({ type: 'error', error });
  }

  recordStart(satzart: string, line: number): void {
    this.current = { satzart, line, fields: [] };
  }

  field(line: KvdtLine): void {
    const raw = line.malformed ? Buffer.from(line.bytes.subarray(line.rawStart, line.rawEnd)) : undefined;
    this.current?.fields.push(new ParsedField(line.id, line.value(), line.number, raw));
  }

  recordEnd(): void {
    if (this.current !== undefined) this.out.push({ type: 'record', record: this.current });
    this.current = undefined;
  }

  take(): KvdtEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/**
 * Incremental parser: feed byte chunks with {@link KvdtLineParser.push}, finish with
 * {@link KvdtLineParser.end}; both return the events completed so far. Never throws for any input.
 */
export class KvdtLineParser {
  private readonly sink = new EventSink();
  private readonly scanner = new KvdtLineScanner(this.sink);

  /** Lines seen so far. */
  get lines(): number {
    return this.scanner.lines;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.scanner.bytes;
  }

  /** Feeds the next chunk; returns the records and errors completed by it. */
  push(chunk: Uint8Array): KvdtEvent[] {
    this.scanner.push(chunk);
    return this.sink.take();
  }

  /** Ends the input: parses an unterminated last line and returns the last record. */
  end(): KvdtEvent[] {
    this.scanner.end();
    return this.sink.take();
  }
}

/** The source as byte chunks (a file path is streamed in 256 KiB chunks). */
export async function* chunksOf(source: KvdtSource): AsyncGenerator<Uint8Array> {
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
