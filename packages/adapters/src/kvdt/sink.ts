/** Turns prepared field content into KVDT lines (`LLL` + `FFFF` + content + CR LF) in large byte chunks. */
import { PvsKitError } from '@pvskit/core';
import { DIFFERING_BYTE, encodeIso885915Into } from './iso-8859-15.js';

/** Bytes of a line besides the content: 3 length digits, 4 field id digits, CR LF. */
export const LINE_OVERHEAD = 9;
/** The length prefix has three digits. */
export const MAX_LINE_BYTES = 999;
/** Longest content a single line can carry. */
export const MAX_CONTENT_BYTES = MAX_LINE_BYTES - LINE_OVERHEAD;

const DEFAULT_CHUNK = 1024 * 1024;
/**
 * The first chunk is small, so the first chunk change happens within the first hundred cases, while the
 * code still runs unoptimised: V8 compiles a path it has never seen run into a bail-out, so a first change
 * after the hot functions were optimised threw their optimised code away (then every chunk's first change
 * in another function did it again).
 */
const FIRST_CHUNK = 64 * 1024;
/**
 * Room a case finds in the chunk when it begins ({@link LineSink.begin}): chunks change between cases, in
 * one place, and the line writers' own change is left for a case larger than this.
 */
const CASE_ROOM = 16 * 1024;

/**
 * 1 for the characters below U+0100 that ISO-8859-15 encodes as their own code (printable ASCII and
 * U+00A0–U+00FF but the eight bytes where it differs from latin1): text made of them needs neither
 * transliteration nor a table lookup.
 */
const OWN_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) OWN_BYTE[c] = 1;
for (let c = 0xa0; c < 0x100; c++) OWN_BYTE[c] = DIFFERING_BYTE[c] === 1 ? 0 : 1;

function isFieldId(id: string): boolean {
  if (id.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Collects lines into chunks of about 1 MiB so the file is written in few large writes. `content` must be
 * the output of `prepareText` (one byte per character).
 *
 * Lines written after {@link LineSink.begin} are pending until {@link LineSink.commit}; {@link LineSink.rollback}
 * takes them back (a refused case leaves no byte). Pending bytes always stay in the current chunk, moving to
 * the next one with it, so a chunk handed out never holds part of an uncommitted case.
 */
export class LineSink {
  private buf: Buffer;
  private pos = 0;
  private readonly ready: Buffer[] = [];
  private total = 0;
  private lineCount = 0;
  /** Start of the pending lines in `buf` (-1: none pend), and the counters there. */
  private mark = -1;
  private markTotal = 0;
  private markLines = 0;
  /** Where the line appended last starts in `buf`. */
  private lastLineStart = 0;
  /** Memory of chunks given back after writing (see {@link LineSink.recycle}), for the next chunks. */
  private readonly spare: ArrayBuffer[] = [];

  /** Free bytes {@link LineSink.begin} makes sure of. */
  private readonly caseRoom: number;

  constructor(private readonly chunkSize = DEFAULT_CHUNK) {
    this.buf = Buffer.allocUnsafe(Math.min(chunkSize, FIRST_CHUNK));
    this.caseRoom = Math.min(CASE_ROOM, chunkSize >>> 2);
  }

  /** Appends one line. Throws `PvsKitError('INTERNAL')` for a bad field id or content over 990 bytes. */
  line(fieldId: string, content: string): void {
    if (!isFieldId(fieldId)) {
      throw new PvsKitError('INTERNAL', `KVDT field id must be 4 digits: ${JSON.stringify(fieldId)}`);
    }
    if (content.length === 0 || content.length > MAX_CONTENT_BYTES) {
      throw new PvsKitError('INTERNAL', `KVDT field ${fieldId}: content must be 1–${MAX_CONTENT_BYTES} bytes`);
    }
    const length = content.length + LINE_OVERHEAD;
    const p = this.head(fieldId, length);
    this.tail(encodeIso885915Into(content, this.buf, p), length);
  }

  /**
   * Appends one line if `content` is 1–990 characters that are each their own ISO-8859-15 byte and no
   * control character (printable ASCII, U+00A0–U+00FF but `¤¦¨´¸¼½¾`); else appends nothing and returns false (the caller takes
   * the general way). `fieldId` must be a field id of the field table (not checked here).
   */
  directLine(fieldId: string, content: string): boolean {
    const n = content.length;
    if (n === 0 || n > MAX_CONTENT_BYTES) return false;
    const length = n + LINE_OVERHEAD;
    const start = this.head(fieldId, length);
    const b = this.buf;
    for (let i = 0; i < n; i++) {
      const c = content.charCodeAt(i);
      // Printable ASCII in one unsigned comparison; the table only for the rest.
      if ((c - 0x20) >>> 0 > 0x5e && (c > 0xff || OWN_BYTE[c] === 0)) return false;
      b[start + i] = c;
    }
    this.tail(start + n, length);
    return true;
  }

  /**
   * Appends one line of the ASCII digits of `text` without the characters at `skipA` and `skipB` (−1: none),
   * e.g. `2026-01-09` → `20260109`, if all other characters are digits; else appends nothing and returns false.
   */
  digitsLine(fieldId: string, text: string, skipA: number, skipB: number): boolean {
    const n = text.length - (skipA >= 0 ? 1 : 0) - (skipB >= 0 ? 1 : 0);
    if (n <= 0) return false;
    const length = n + LINE_OVERHEAD;
    let p = this.head(fieldId, length);
    const b = this.buf;
    for (let i = 0; i < text.length; i++) {
      if (i === skipA || i === skipB) continue;
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
      b[p++] = c;
    }
    this.tail(p, length);
    return true;
  }

  /** Appends a whole line as {@link LineSink.copyOfLastLine} gave it. */
  copyLine(line: Uint8Array): void {
    const length = line.length;
    if (this.pos + length > this.buf.length) this.rotate(length);
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < length; i++) b[p + i] = line[i] as number;
    this.pos = p + length;
    this.total += length;
    this.lineCount++;
  }

  /**
   * Appends `src[from…to)`, whole lines (`lines` of them) as {@link LineSink.pending} gave them. Short runs
   * are copied in a loop: a native copy costs more than it saves below some dozens of bytes.
   */
  copyBytes(src: Buffer, from: number, to: number, lines: number): void {
    const length = to - from;
    if (this.pos + length > this.buf.length) this.rotate(length);
    const b = this.buf;
    const p = this.pos;
    if (length < 48) for (let i = 0; i < length; i++) b[p + i] = src[from + i] as number;
    else src.copy(b, p, from, to);
    this.pos = p + length;
    this.total += length;
    this.lineCount += lines;
  }

  /** Bytes of the pending lines (see {@link LineSink.begin}). */
  get pendingBytes(): number {
    return this.pos - this.mark;
  }

  /** Number of pending lines. */
  get pendingLines(): number {
    return this.lineCount - this.markLines;
  }

  /** The pending lines' bytes: a view of the chunk, valid until the next line. */
  pending(): Uint8Array {
    return this.buf.subarray(this.mark, this.pos);
  }

  /** A copy of the bytes of the line appended last (for {@link LineSink.copyLine}). */
  copyOfLastLine(): Uint8Array {
    // Buffer#slice would be a view of the chunk, which is written over later: copy.
    return Uint8Array.prototype.slice.call(this.buf, this.lastLineStart, this.pos);
  }

  /** Writes length prefix and field id; returns where the content goes. */
  private head(fieldId: string, length: number): number {
    if (this.pos + length > this.buf.length) this.rotate(length);
    this.lastLineStart = this.pos;
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x30 + ((length / 100) | 0);
    b[p++] = 0x30 + (((length / 10) | 0) % 10);
    b[p++] = 0x30 + (length % 10);
    b[p++] = fieldId.charCodeAt(0);
    b[p++] = fieldId.charCodeAt(1);
    b[p++] = fieldId.charCodeAt(2);
    b[p++] = fieldId.charCodeAt(3);
    return p;
  }

  /** Ends the line at `p` (CR LF) and counts it. */
  private tail(p: number, length: number): void {
    this.buf[p++] = 0x0d;
    this.buf[p++] = 0x0a;
    this.pos = p;
    this.total += length;
    this.lineCount++;
  }

  /**
   * Lines from here on are pending until {@link LineSink.commit} or {@link LineSink.rollback}. Starts a new
   * chunk first when this one has less than a case's room left.
   */
  begin(): void {
    if (this.pos + this.caseRoom > this.buf.length) this.rotate(0);
    this.mark = this.pos;
    this.markTotal = this.total;
    this.markLines = this.lineCount;
  }

  /** Keeps the pending lines. */
  commit(): void {
    this.mark = -1;
  }

  /** Takes the pending lines back. */
  rollback(): void {
    if (this.mark < 0) return;
    this.pos = this.mark;
    this.total = this.markTotal;
    this.lineCount = this.markLines;
    this.mark = -1;
  }

  private rotate(needed: number): void {
    const from = this.mark < 0 ? this.pos : this.mark;
    const pending = this.pos - from;
    if (from > 0) this.ready.push(this.buf.subarray(0, from));
    const size = Math.max(this.chunkSize, pending + needed);
    const reused = size === this.chunkSize ? this.spare.pop() : undefined;
    const next = reused === undefined ? Buffer.allocUnsafe(size) : Buffer.from(reused);
    if (pending > 0) this.buf.copy(next, 0, from, this.pos);
    this.buf = next;
    if (this.mark >= 0) this.mark = 0;
    this.pos = pending;
  }

  /**
   * Gives a chunk's memory back once its bytes are written and nobody holds the chunk any more: the sink
   * writes later chunks into it. Without this every chunk is new memory, which the collector frees late.
   */
  recycle(chunk: Buffer): void {
    if (chunk.byteOffset === 0 && chunk.buffer.byteLength === this.chunkSize && this.spare.length < 4) this.spare.push(chunk.buffer as ArrayBuffer);
  }

  /** True when {@link LineSink.takeReady} has chunks to give. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Full chunks written so far (removed from the sink). */
  takeReady(): Buffer[] {
    return this.ready.splice(0, this.ready.length);
  }

  /** Everything not yet taken, including the partial chunk. */
  takeAll(): Buffer[] {
    this.rotate(0);
    return this.takeReady();
  }

  /** Bytes appended in total. */
  get bytes(): number {
    return this.total;
  }

  /** Lines appended in total. */
  get lines(): number {
    return this.lineCount;
  }
}
