/** Turns prepared field content into KVDT lines (`LLL` + `FFFF` + content + CR LF) in large byte chunks. */
import { PvsKitError } from '@pvskit/core';
import { encodeIso885915Into } from './iso-8859-15.js';

/** Bytes of a line besides the content: 3 length digits, 4 field id digits, CR LF. */
export const LINE_OVERHEAD = 9;
/** The length prefix has three digits. */
export const MAX_LINE_BYTES = 999;
/** Longest content a single line can carry. */
export const MAX_CONTENT_BYTES = MAX_LINE_BYTES - LINE_OVERHEAD;

const DEFAULT_CHUNK = 64 * 1024;

function isFieldId(id: string): boolean {
  if (id.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Collects lines into chunks of about 64 KiB so the file is written in few large writes. `content` must be
 * the output of `prepareText` (one byte per character).
 */
export class LineSink {
  private buf: Buffer;
  private pos = 0;
  private readonly ready: Buffer[] = [];
  private total = 0;
  private lineCount = 0;

  constructor(private readonly chunkSize = DEFAULT_CHUNK) {
    this.buf = Buffer.allocUnsafe(chunkSize);
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
    if (this.pos + length > this.buf.length) this.rotate(length);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x30 + Math.floor(length / 100);
    b[p++] = 0x30 + (Math.floor(length / 10) % 10);
    b[p++] = 0x30 + (length % 10);
    for (let i = 0; i < 4; i++) b[p++] = fieldId.charCodeAt(i);
    p = encodeIso885915Into(content, b, p);
    b[p++] = 0x0d;
    b[p++] = 0x0a;
    this.pos = p;
    this.total += length;
    this.lineCount++;
  }

  private rotate(needed: number): void {
    if (this.pos > 0) this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, needed));
    this.pos = 0;
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
