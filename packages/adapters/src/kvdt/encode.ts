/** Public ISO-8859-15 encoder for whole strings. */
import { encodeIso885915Into } from './iso-8859-15.js';
import { prepareText, transliterationTableOf, type FieldOrigin, type TransliterateOption } from './text.js';

/**
 * Encodes KVDT text as ISO-8859-15 bytes. A character without a byte, or a control character, throws
 * `PvsKitError('ENCODING')` naming `origin` (case, field) and the character with its code point — never a
 * silent `?`. With `transliterate` such characters are first mapped through the table (still an error
 * when the table has no entry).
 */
export function encodeIso885915(text: string, options: { transliterate?: TransliterateOption; origin?: FieldOrigin } = {}): Buffer {
  const prepared = prepareText(text, options.origin ?? { field: 'text' }, transliterationTableOf(options.transliterate));
  const out = Buffer.allocUnsafe(prepared.length);
  return out.subarray(0, encodeIso885915Into(prepared, out, 0));
}
