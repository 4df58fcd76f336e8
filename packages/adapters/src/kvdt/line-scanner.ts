/**
 * The byte level of KVDT reading, shared by the parser (records for callers) and the validator (findings
 * only): chunks → lines → line rules (length prefix, field id, CR LF, control bytes) → record boundaries
 * (8000). It hands each line to a sink as a reused {@link KvdtLine} view over the chunk, so a sink that only
 * checks never allocates a field object or a value string it does not need.
 */
import { decodeIso885915, DIFFERING_BYTE, formatCodePoint } from './iso-8859-15.js';
import type { KvdtParseError, KvdtParseErrorCode } from './model.js';

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

/** A parse error with its English and German message. */
export function parseError(code: KvdtParseErrorCode, line: number, field: string | undefined, detail?: string): KvdtParseError {
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

// What one content byte can be, as bits: the line loop looks up one table entry per byte and does more
// only for the few bytes that are not plain text.
const CONTROL = 1;
const DIFFERS = 2;
/** UTF-8 lead byte of Latin-1 letters (C2/C3, read as `Â`/`Ã`). */
const UTF8_LEAD = 4;
/** UTF-8 continuation byte A0–BF (in ISO-8859-15 `NBSP` … `¿`, `€`, `Š`, …). */
const UTF8_CONTINUATION = 8;

const BYTE_CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b < 0x20 || (b >= 0x7f && b < 0xa0)) BYTE_CLASS[b] = CONTROL;
  if (DIFFERING_BYTE[b] === 1) BYTE_CLASS[b] = (BYTE_CLASS[b] as number) | DIFFERS;
  if (b === 0xc2 || b === 0xc3) BYTE_CLASS[b] = (BYTE_CLASS[b] as number) | UTF8_LEAD;
  if (b >= 0xa0 && b <= 0xbf) BYTE_CLASS[b] = (BYTE_CLASS[b] as number) | UTF8_CONTINUATION;
}

const EMPTY = Buffer.alloc(0);

/**
 * The current line, valid only during the sink call that receives it (the scanner reuses it). Positions
 * index `bytes` and, when the scanner made it, `text`: the chunk read as latin1, one character per byte.
 */
export class KvdtLine {
  /** 1-based line number. */
  number = 0;
  /** The field id as text ('' when the line has none). */
  id = '';
  /** The field id as an integer 0–9999, or -1 when it is not 4 digits. */
  fieldNumber = -1;
  /** The line broke a line rule (its errors went to the sink before it). */
  malformed = false;
  bytes: Buffer = EMPTY;
  text: string | undefined = undefined;
  /** The line's bytes including its line end, for a malformed line's `raw`. */
  rawStart = 0;
  rawEnd = 0;
  valueStart = 0;
  valueEnd = 0;
  /** The content has a byte where ISO-8859-15 and latin1 differ (`€`, `Š`, …): its bytes are not its characters. */
  differs = false;
  /** The content has a UTF-8 lead byte followed by a continuation byte, as UTF-8 text read as ISO-8859-15. */
  utf8Suspect = false;
  /** The content starts or ends with a blank (space or no-break space: the same byte in latin1 and ISO-8859-15). */
  blankEdge = false;
  private decoded: string | undefined;

  /** Content length in bytes (= characters of the value). */
  get length(): number {
    return this.valueEnd - this.valueStart;
  }

  /** The decoded content, made on first use. */
  value(): string {
    if (this.decoded === undefined) {
      const { bytes, text, valueStart, valueEnd } = this;
      if (this.differs) this.decoded = decodeIso885915(bytes, valueStart, valueEnd);
      else this.decoded = text === undefined ? bytes.toString('latin1', valueStart, valueEnd) : text.slice(valueStart, valueEnd);
    }
    return this.decoded;
  }

  /**
   * Whether the content reads `candidate`, compared in place. Content with a byte latin1 reads otherwise
   * never matches: its bytes are not its characters (and skipping it keeps the compare a plain byte loop).
   */
  contentIs(candidate: string): boolean {
    const { text, valueStart } = this;
    const length = this.valueEnd - valueStart;
    if (candidate.length !== length || this.differs) return false;
    if (text !== undefined) return text.startsWith(candidate, valueStart);
    const bytes = this.bytes;
    for (let k = 0; k < length; k++) if (bytes[valueStart + k] !== candidate.charCodeAt(k)) return false;
    return true;
  }

  /** A hash of the content's bytes (FNV-1a), for tables of values seen before. */
  contentHash(): number {
    const { text, bytes, valueStart, valueEnd } = this;
    let h = 0x811c9dc5;
    if (text === undefined) for (let i = valueStart; i < valueEnd; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
    else for (let i = valueStart; i < valueEnd; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /** Tells the view its decoded content, a string equal to it that exists already. */
  knownValue(value: string): void {
    this.decoded = value;
  }

  /** Points the view at a line given as id and decoded value (a field of a record read earlier). */
  setField(id: string, fieldNumber: number, value: string, line: number, malformed: boolean, utf8Suspect: boolean): void {
    this.set(line, id, fieldNumber, malformed, EMPTY, value, 0, 0, 0, value.length, false, utf8Suspect);
    this.decoded = value;
  }

  /** Points the view at a line. */
  set(
    number: number,
    id: string,
    fieldNumber: number,
    malformed: boolean,
    bytes: Buffer,
    text: string | undefined,
    rawStart: number,
    rawEnd: number,
    valueStart: number,
    valueEnd: number,
    differs: boolean,
    utf8Suspect: boolean,
  ): void {
    this.number = number;
    this.id = id;
    this.fieldNumber = fieldNumber;
    this.malformed = malformed;
    this.bytes = bytes;
    this.text = text;
    this.rawStart = rawStart;
    this.rawEnd = rawEnd;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.differs = differs;
    this.utf8Suspect = utf8Suspect;
    this.blankEdge = valueEnd > valueStart && (isBlankCode(this.codeAt(valueStart)) || isBlankCode(this.codeAt(valueEnd - 1)));
    this.decoded = undefined;
  }

  /** The byte at `i` as a character code (latin1 text and bytes agree). */
  private codeAt(i: number): number {
    const text = this.text;
    return text === undefined ? (this.bytes[i] as number) : text.charCodeAt(i);
  }
}

/** Receives what the scanner reads, in file order. */
export interface KvdtLineSink {
  error(error: KvdtParseError): void;
  /** A record starts at `line` (its 8000, or '' for lines before the first 8000). */
  recordStart(satzart: string, line: number): void;
  /** A line of the current record (the 8000 line included). */
  field(line: KvdtLine): void;
  /** The current record is complete. */
  recordEnd(): void;
}

/**
 * Incremental scanner: feed byte chunks with {@link KvdtLineScanner.push}, finish with
 * {@link KvdtLineScanner.end}. Never throws for any input.
 */
export class KvdtLineScanner {
  private pending: Buffer | undefined;
  private skipping = false;
  private lineNo = 0;
  private inRecord = false;
  private byteCount = 0;
  private readonly line = new KvdtLine();
  private readonly satzarten = new Map<number, string>();
  private data: Buffer = EMPTY;
  private text: string | undefined;
  private contentDiffers = false;
  private contentUtf8Suspect = false;

  /**
   * `textPerChunk`: read each chunk as one latin1 string, so that every value is a cheap slice of it (for a
   * sink that takes every value); else values are cut from the bytes one by one, when a sink asks.
   */
  constructor(
    private readonly sink: KvdtLineSink,
    private readonly textPerChunk = true,
  ) {}

  /** Lines seen so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.byteCount;
  }

  push(chunk: Uint8Array): void {
    this.byteCount += chunk.length;
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      // The partial line left by the previous chunk is completed on its own: the rest of the chunk is read
      // where it lies, not copied behind it.
      const lf = data.indexOf(LF);
      if (lf === -1 || lf === data.length - 1) {
        data = Buffer.concat([pending, data]);
      } else {
        this.scanChunk(Buffer.concat([pending, data.subarray(0, lf + 1)]));
        data = data.subarray(lf + 1);
      }
    }
    this.scanChunk(data);
  }

  /** The lines of `data` (which starts at a line start); keeps a partial last line for the next chunk. */
  private scanChunk(data: Buffer): void {
    this.data = data;
    this.text = this.textPerChunk ? data.toString('latin1') : undefined;
    let start = 0;
    for (;;) {
      // Nearly every line is well-formed: its length prefix says where it ends, so the line is checked in one
      // pass over its bytes and not searched for its end first. Line 1 may start with a BOM.
      if (!this.skipping && this.lineNo > 0) {
        const next = this.wellFormedLine(data, start);
        if (next > 0) {
          start = next;
          continue;
        }
      }
      const lf = data.indexOf(LF, start);
      if (lf === -1) break;
      if (this.skipping) this.skipping = false;
      else this.scanLine(data, start, lf, true);
      start = lf + 1;
    }
    if (start < data.length && !this.skipping) {
      if (data.length - start > MAX_PENDING) {
        this.lineNo++;
        this.sink.error(parseError('LENGTH_MISMATCH', this.lineNo, fieldIdOf(data, start, data.length), `line longer than ${MAX_PENDING} bytes`));
        this.skipping = true;
      } else {
        // Copy so a retained partial line does not pin the whole chunk.
        this.pending = Buffer.from(data.subarray(start));
      }
    }
    this.data = EMPTY;
    this.text = undefined;
  }


  /** Ends the input: scans an unterminated last line and ends the last record. */
  end(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined && pending.length > 0) {
      this.data = pending;
      this.text = this.textPerChunk ? pending.toString('latin1') : undefined;
      this.scanLine(pending, 0, pending.length, false);
      this.data = EMPTY;
      this.text = undefined;
    }
    if (this.inRecord) this.sink.recordEnd();
    this.inRecord = false;
  }

  /** The line `[start, lf)` by every line rule (the exact path, for lines with errors and line 1). */
  private scanLine(data: Buffer, start: number, lf: number, hasLf: boolean): void {
    const sink = this.sink;
    const lineNo = ++this.lineNo;
    let errors: KvdtParseError[] | undefined;
    let s = start;
    if (lineNo === 1 && data[s] === 0xef && data[s + 1] === 0xbb && data[s + 2] === 0xbf && s + 3 <= lf) {
      (errors ??= []).push(parseError('BOM', lineNo, undefined));
      s += 3;
    }
    const crlf = hasLf && lf > s && data[lf - 1] === CR;
    const end = crlf ? lf - 1 : lf;
    const body = end - s;
    const fieldId = fieldIdOf(data, s, end);
    if (!crlf) (errors ??= []).push(parseError('LINE_END', lineNo, fieldId));
    let differs = false;
    let utf8Suspect = false;
    if (body < 7) {
      (errors ??= []).push(parseError('TOO_SHORT', lineNo, fieldId, `${body + 2} bytes`));
    } else {
      const l0 = data[s] as number;
      const l1 = data[s + 1] as number;
      const l2 = data[s + 2] as number;
      if (!isDigitCode(l0) || !isDigitCode(l1) || !isDigitCode(l2)) {
        (errors ??= []).push(parseError('LENGTH_FORMAT', lineNo, fieldId));
      } else {
        const declared = (l0 - 0x30) * 100 + (l1 - 0x30) * 10 + (l2 - 0x30);
        if (declared !== body + 2) (errors ??= []).push(parseError('LENGTH_MISMATCH', lineNo, fieldId, `declared ${declared}, actual ${body + 2}`));
      }
      if (fieldNumberAt(data, s + 3) < 0) (errors ??= []).push(parseError('FIELD_ID', lineNo, fieldId));
      const control = this.scanContent(data, s + 7, end);
      if (control >= 0) {
        const b = data[control] as number;
        (errors ??= []).push(parseError('CONTROL_CHARACTER', lineNo, fieldId, `byte 0x${b.toString(16).padStart(2, '0')} (${formatCodePoint(b)}) at column ${control - s + 1}`));
      }
      differs = this.contentDiffers;
      utf8Suspect = this.contentUtf8Suspect;
    }
    if (errors !== undefined) for (const error of errors) sink.error(error);
    const fieldNumber = body >= 7 ? fieldNumberAt(data, s + 3) : -1;
    this.line.set(lineNo, fieldId ?? '', fieldNumber, errors !== undefined, data, this.text, start, hasLf ? lf + 1 : lf, body > 7 ? s + 7 : end, end, differs, utf8Suspect);
    this.deliver();
  }

  /**
   * The line at `start` when it is well-formed (3-digit length matching CR LF, 4-digit field id, no control
   * byte): hands it to the sink and returns where the next line starts; else returns -1 and hands over nothing.
   */
  private wellFormedLine(data: Buffer, start: number): number {
    if (start + 9 > data.length) return -1;
    const l0 = (data[start] as number) - 0x30;
    const l1 = (data[start + 1] as number) - 0x30;
    const l2 = (data[start + 2] as number) - 0x30;
    if (l0 < 0 || l0 > 9 || l1 < 0 || l1 > 9 || l2 < 0 || l2 > 9) return -1;
    const lf = start + l0 * 100 + l1 * 10 + l2 - 1;
    if (lf < start + 8 || lf >= data.length || data[lf] !== LF || data[lf - 1] !== CR) return -1;
    const fieldNumber = fieldNumberAt(data, start + 3);
    if (fieldNumber < 0) return -1;
    const end = lf - 1;
    // A control byte (an early LF among them) is an error: the exact path reports it.
    if (this.scanContent(data, start + 7, end) >= 0) return -1;
    this.line.set(++this.lineNo, fieldIdString(fieldNumber), fieldNumber, false, data, this.text, start, lf + 1, start + 7, end, this.contentDiffers, this.contentUtf8Suspect);
    this.deliver();
    return lf + 1;
  }

  /**
   * One pass over content bytes `[from, end)`: returns the position of the first control byte or -1, and
   * notes in `contentDiffers` / `contentUtf8Suspect` what the bytes before it showed.
   */
  private scanContent(data: Buffer, from: number, end: number): number {
    let differs = false;
    let utf8Suspect = false;
    let control = -1;
    for (let i = from; i < end; i++) {
      const kind = BYTE_CLASS[data[i] as number] as number;
      if (kind === 0) continue;
      if ((kind & CONTROL) !== 0) {
        control = i;
        break;
      }
      if ((kind & DIFFERS) !== 0) differs = true;
      if ((kind & UTF8_CONTINUATION) !== 0 && i > from && ((BYTE_CLASS[data[i - 1] as number] as number) & UTF8_LEAD) !== 0) utf8Suspect = true;
    }
    this.contentDiffers = differs;
    this.contentUtf8Suspect = utf8Suspect;
    return control;
  }

  /**
   * The Satzart of an 8000 line, one string per Satzart: records of a file share a handful, and a string
   * seen before has its hash computed, so the sink's lookups by Satzart stay cheap.
   */
  private satzartOf(line: KvdtLine): string {
    const { bytes, valueStart } = line;
    if (line.length !== 4 || line.differs) return line.value();
    const key = ((bytes[valueStart] as number) << 24) | ((bytes[valueStart + 1] as number) << 16) | ((bytes[valueStart + 2] as number) << 8) | (bytes[valueStart + 3] as number);
    let satzart = this.satzarten.get(key);
    if (satzart === undefined) {
      if (this.satzarten.size >= 256) this.satzarten.clear();
      satzart = line.value();
      this.satzarten.set(key, satzart);
    } else line.knownValue(satzart);
    return satzart;
  }

  /** Hands the line just set to the sink, starting a record at an 8000 (or at a line before the first). */
  private deliver(): void {
    const sink = this.sink;
    const line = this.line;
    const { fieldNumber, number: lineNo, id } = line;
    if (fieldNumber === 8000) {
      if (this.inRecord) sink.recordEnd();
      this.inRecord = true;
      sink.recordStart(this.satzartOf(line), lineNo);
    } else if (!this.inRecord) {
      sink.error(parseError('ORPHAN_LINE', lineNo, id === '' ? undefined : id));
      this.inRecord = true;
      sink.recordStart('', lineNo);
    }
    sink.field(line);
  }
}

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isBlankCode = (c: number): boolean => c === 0x20 || c === 0xa0;

/** The 4 bytes at `at` as a field number 0–9999, or -1 when they are not all digits. */
function fieldNumberAt(data: Buffer, at: number): number {
  let num = 0;
  for (let i = at; i < at + 4; i++) {
    const c = data[i] as number;
    if (!isDigitCode(c)) return -1;
    num = num * 10 + (c - 0x30);
  }
  return num;
}

// One string object per id: its hash is computed once, so map lookups by id stay cheap.
const FIELD_ID_STRINGS: (string | undefined)[] = new Array<string | undefined>(10_000);

function fieldIdString(num: number): string {
  return (FIELD_ID_STRINGS[num] ??= String(num).padStart(4, '0'));
}

/** The 4 bytes after the length prefix as text, when the line has them. */
function fieldIdOf(data: Buffer, s: number, end: number): string | undefined {
  if (end - s < 7) return undefined;
  const num = fieldNumberAt(data, s + 3);
  // Field ids are digits; anything else is shown as ISO-8859-15 text.
  return num < 0 ? decodeIso885915(data, s + 3, s + 7) : fieldIdString(num);
}
