/** Typed view of a KVDT file: records (Sätze) made of fields (lines). */

/** One line of a KVDT file. */
export interface KvdtField {
  /** 4-digit field id (Feldkennung), e.g. `3101`; for a malformed line whatever stood there. */
  readonly id: string;
  /** Decoded content (ISO-8859-15). */
  readonly value: string;
  /** 1-based line number. */
  readonly line: number;
  /** The line exactly as read, including its length prefix and line end. */
  readonly raw: Buffer;
  /** True when the line broke a line rule (see the parse errors); writing back then uses `raw`. */
  readonly malformed?: true;
}

/** One record (Satz): it starts at a field 8000 whose content is the Satzart. */
export interface KvdtRecord {
  /** Satzart, e.g. `con0`, `0104`; empty for lines before the first 8000. */
  readonly satzart: string;
  /** Line number of its 8000 field. */
  readonly line: number;
  readonly fields: KvdtField[];
}

/** Why a line is malformed. */
export type KvdtParseErrorCode =
  | 'BOM'
  | 'LINE_END'
  | 'TOO_SHORT'
  | 'LENGTH_FORMAT'
  | 'LENGTH_MISMATCH'
  | 'FIELD_ID'
  | 'CONTROL_CHARACTER'
  | 'ORPHAN_LINE'
  | 'READ';

/** A malformed line (or an unreadable source). */
export interface KvdtParseError {
  readonly code: KvdtParseErrorCode;
  /** 1-based line number (0 for errors not tied to a line, e.g. an unreadable file). */
  readonly line: number;
  /** The line's field id when it could be read. */
  readonly field?: string;
  /** English, for developers. */
  readonly message: string;
  /** German, for practice users. */
  readonly messageDe: string;
}

/** What the streaming parser yields, in file order. */
export type KvdtEvent =
  | { readonly type: 'record'; readonly record: KvdtRecord }
  | { readonly type: 'error'; readonly error: KvdtParseError };

/** A whole file read into memory. */
export interface KvdtDocument {
  readonly records: KvdtRecord[];
  readonly errors: KvdtParseError[];
  /** Records per Satzart, e.g. `{ con0: 1, '0104': 3 }`. */
  readonly counts: Record<string, number>;
  readonly lines: number;
  readonly bytes: number;
}
