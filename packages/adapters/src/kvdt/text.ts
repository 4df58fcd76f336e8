/** Preparing field content for KVDT: ISO-8859-15 check, opt-in transliteration, errors naming case and field. */
import { PvsKitError } from '@pvskit/core';
import { firstUnencodable, formatCodePoint, iso885915ByteOf } from './iso-8859-15.js';
import { DEFAULT_TRANSLITERATION, type TransliterationTable } from './transliteration.js';

/** Where a value comes from, for error messages. */
export interface FieldOrigin {
  /** The PVS's case id (or `#<n>` for the n-th case without an id). */
  caseId?: string;
  /** KVDT field id, e.g. `3101`. */
  field: string;
  /** JSON path in the case, e.g. `patient.lastName`. */
  path?: string;
}

/**
 * Transliteration option: `false`/absent = refuse characters outside ISO-8859-15 (default), `true` = use
 * {@link DEFAULT_TRANSLITERATION}, or a table of your own (merged over the default).
 */
export type TransliterateOption = boolean | TransliterationTable;

/** Resolves the option to a table, or `undefined` when transliteration is off. */
export function transliterationTableOf(option: TransliterateOption | undefined): TransliterationTable | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_TRANSLITERATION;
  return { ...DEFAULT_TRANSLITERATION, ...option };
}

function isControl(unit: number): boolean {
  return unit < 0x20 || (unit >= 0x7f && unit < 0xa0);
}

function describe(origin: FieldOrigin): { en: string; de: string } {
  const where = origin.path === undefined ? `field ${origin.field}` : `field ${origin.field} (${origin.path})`;
  const whereDe = origin.path === undefined ? `Feld ${origin.field}` : `Feld ${origin.field} (${origin.path})`;
  return origin.caseId === undefined
    ? { en: where, de: whereDe }
    : { en: `case "${origin.caseId}", ${where}`, de: `Fall „${origin.caseId}“, ${whereDe}` };
}

/** The `PvsKitError('ENCODING')` for a character without ISO-8859-15 byte. */
export function unencodableError(origin: FieldOrigin, char: string, codePoint: number): PvsKitError {
  const cp = formatCodePoint(codePoint);
  const { en, de } = describe(origin);
  return new PvsKitError('ENCODING', `${en}: character "${char}" (${cp}) has no ISO-8859-15 byte`, {
    userMessage:
      `${de}: Das Zeichen „${char}“ (${cp}) ist im KVDT-Zeichensatz ISO-8859-15 nicht darstellbar. ` +
      'Bitte die Schreibweise korrigieren oder die Transliteration ausdrücklich einschalten.',
    details: { ...origin, char, codePoint: cp },
  });
}

function controlError(origin: FieldOrigin, codePoint: number): PvsKitError {
  const cp = formatCodePoint(codePoint);
  const { en, de } = describe(origin);
  return new PvsKitError('ENCODING', `${en}: control character ${cp} is not allowed in KVDT content`, {
    userMessage: `${de}: Steuerzeichen ${cp} ist in einer KVDT-Datei nicht erlaubt.`,
    details: { ...origin, codePoint: cp },
  });
}

/**
 * Returns `text` ready for the byte sink: every character has an ISO-8859-15 byte (after transliteration
 * when a table is given) and none is a control character. Throws `PvsKitError('ENCODING')` otherwise.
 */
export function prepareText(text: string, origin: FieldOrigin, table?: TransliterationTable): string {
  let out: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isControl(unit)) throw controlError(origin, unit);
    if (unit < 0xa4) {
      if (out !== undefined) out += text[i];
      continue;
    }
    const codePoint = text.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const char = String.fromCodePoint(codePoint);
    if (iso885915ByteOf(codePoint) !== undefined) {
      if (out !== undefined) out += char;
    } else {
      const replacement = table?.[char];
      if (replacement === undefined || firstUnencodable(replacement) !== undefined) {
        throw unencodableError(origin, char, codePoint);
      }
      out ??= text.slice(0, i);
      out += replacement;
    }
    i += width - 1;
  }
  return out ?? text;
}

/**
 * Splits free text into pieces of at most `max` bytes for a repeatable field (5009): line breaks and runs of
 * blanks become one blank, pieces break between words and carry no leading or trailing blank; a word longer
 * than `max` is cut. Reading the pieces back and joining them with a blank gives the normalised text unless
 * a word had to be cut.
 */
export function splitText(text: string, max: number): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const pieces: string[] = [];
  let current = '';
  for (let word of words) {
    while (word.length > max) {
      if (current !== '') {
        pieces.push(current);
        current = '';
      }
      pieces.push(word.slice(0, max));
      word = word.slice(max);
    }
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= max) current += ` ${word}`;
    else {
      pieces.push(current);
      current = word;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
