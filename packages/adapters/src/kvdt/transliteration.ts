/**
 * Opt-in transliteration of characters that ISO-8859-15 cannot represent (KVDT's only character set).
 *
 * Only used when the caller passes `transliterate: true` (or its own table): a name on a billing file must
 * match the insurance card, so silently changing "Şahin" to "Sahin" is the practice's decision, not ours.
 * Characters that ISO-8859-15 has (ä, ö, ü, ß, é, Š, Ž, Œ, €, …) are never transliterated.
 */

/** Where the default table comes from, and from when it applies. */
export const TRANSLITERATION_SOURCE = {
  basis:
    'Base letter of the Unicode canonical decomposition (NFD) for Latin Extended-A/B letters; ' +
    'Hungarian ő/ű to ö/ü (the letters DIN 91379 treats as their nearest German form); ' +
    'letters without decomposition (Ł, Đ, Ħ, ı, Ŀ, ŉ, ĸ, Ŋ, Ŧ, Ə) by their conventional Latin form; ' +
    'typographic punctuation as produced by word processors to its ASCII form.',
  validFrom: '2026-01-01',
} as const;

/** A transliteration table: one source character (one code point) → its ISO-8859-15 replacement text. */
export type TransliterationTable = Readonly<Record<string, string>>;

// Pairs as data: "source replacement" separated by blanks, so the table is reviewable at a glance.
const PAIRS = `
Ā A ā a Ă A ă a Ą A ą a Ć C ć c Ĉ C ĉ c Ċ C ċ c Č C č c Ď D ď d Đ D đ d
Ē E ē e Ĕ E ĕ e Ė E ė e Ę E ę e Ě E ě e Ĝ G ĝ g Ğ G ğ g Ġ G ġ g Ģ G ģ g
Ĥ H ĥ h Ħ H ħ h Ĩ I ĩ i Ī I ī i Ĭ I ĭ i Į I į i İ I ı i Ĳ IJ ĳ ij Ĵ J ĵ j Ķ K ķ k ĸ k
Ĺ L ĺ l Ļ L ļ l Ľ L ľ l Ŀ L ŀ l Ł L ł l Ń N ń n Ņ N ņ n Ň N ň n ŉ n Ŋ N ŋ n
Ō O ō o Ŏ O ŏ o Ő Ö ő ö Ŕ R ŕ r Ŗ R ŗ r Ř R ř r Ś S ś s Ŝ S ŝ s Ş S ş s
Ţ T ţ t Ť T ť t Ŧ T ŧ t Ũ U ũ u Ū U ū u Ŭ U ŭ u Ů U ů u Ű Ü ű ü Ų U ų u
Ŵ W ŵ w Ŷ Y ŷ y Ź Z ź z Ż Z ż z ſ s
Ơ O ơ o Ư U ư u Ǎ A ǎ a Ǐ I ǐ i Ǒ O ǒ o Ǔ U ǔ u Ǧ G ǧ g Ǩ K ǩ k Ǫ O ǫ o
Ș S ș s Ț T ț t Ə E ə e
‘ ' ’ ' ‚ ' ‛ ' “ " ” " „ " ‟ " ‹ < › > ‐ - ‑ - ‒ - – - — - − - … ...
`;

function parsePairs(text: string): TransliterationTable {
  const tokens = text.split(/\s+/).filter((t) => t.length > 0);
  const table: Record<string, string> = {};
  for (let i = 0; i + 1 < tokens.length; i += 2) table[tokens[i] as string] = tokens[i + 1] as string;
  // Blanks cannot be written as tokens above.
  table['\u2007'] = ' '; // figure space
  table['\u2009'] = ' '; // thin space
  table['\u202f'] = ' '; // narrow no-break space
  return Object.freeze(table);
}

/** The default table used by `transliterate: true`. */
export const DEFAULT_TRANSLITERATION: TransliterationTable = parsePairs(PAIRS);
