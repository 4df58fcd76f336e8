/**
 * KVDT field definitions used by the writer (refusing bad values) and the validator (findings): format and
 * maximum length per field id. Field ids mean the same in every Satzart of the ADT package.
 *
 * Source: KBV "Datensatzbeschreibung KVDT" (condensed in docs/kvdt.md); maximum lengths of text
 * fields as given there for the 2026 version. Only fields pvskit writes or checks are listed — an unknown
 * field id is not an error.
 */

/** How a field's content is checked. */
export type KvdtFieldFormat =
  | { kind: 'date' }
  | { kind: 'birthDate' }
  | { kind: 'quarter' }
  | { kind: 'time' }
  | { kind: 'pattern'; pattern: RegExp; description: string }
  | { kind: 'text' };

/** One field definition. */
export interface KvdtFieldDefinition {
  readonly id: string;
  /** German label, used in messages. */
  readonly label: string;
  readonly format: KvdtFieldFormat;
  /** Maximum content length in bytes (ISO-8859-15). */
  readonly maxBytes?: number;
}

const digits = (n: number, description = `${n} Ziffern`): KvdtFieldFormat => ({
  kind: 'pattern',
  pattern: new RegExp(`^\\d{${n}}$`),
  description,
});
const oneOf = (values: string, description: string): KvdtFieldFormat => ({
  kind: 'pattern',
  pattern: new RegExp(`^[${values}]$`),
  description,
});
const text: KvdtFieldFormat = { kind: 'text' };

const DEFINITIONS: readonly KvdtFieldDefinition[] = [
  { id: '8000', label: 'Satzart', format: { kind: 'pattern', pattern: /^[0-9a-z]{4}$/, description: '4 Zeichen' } },
  { id: '9103', label: 'Erstellungsdatum', format: { kind: 'date' } },
  { id: '9106', label: 'Zeichensatz', format: oneOf('4', '4 (ISO-8859-15)') },
  { id: '9132', label: 'Inhalt des Datenpakets', format: digits(1, '1 Ziffer') },
  { id: '0201', label: 'BSNR', format: digits(9) },
  { id: '0203', label: 'BSNR-Bezeichnung', format: text, maxBytes: 60 },
  { id: '0205', label: 'Straße der Betriebsstätte', format: text, maxBytes: 60 },
  { id: '0208', label: 'Telefonnummer', format: text, maxBytes: 60 },
  { id: '0211', label: 'Arztname', format: text, maxBytes: 60 },
  { id: '0212', label: 'LANR', format: digits(9) },
  { id: '0215', label: 'PLZ der Betriebsstätte', format: text, maxBytes: 7 },
  { id: '0216', label: 'Ort der Betriebsstätte', format: text, maxBytes: 60 },
  { id: '0225', label: 'TI-Anwendung', format: { kind: 'pattern', pattern: /^([1-9]|1[0-3])$/, description: '1–13' } },
  { id: '0226', label: 'TI-Anwendung unterstützt', format: oneOf('01', '0 oder 1') },
  { id: '0300', label: 'Fachkundenachweise Labor', format: digits(1, '1 Ziffer') },
  { id: '9102', label: 'Empfänger (KV)', format: digits(2) },
  { id: '9115', label: 'Erstellungsdatum ADT-Datenpaket', format: { kind: 'date' } },
  { id: '9204', label: 'Abrechnungsquartal', format: { kind: 'quarter' } },
  { id: '0102', label: 'Softwareverantwortlicher', format: text, maxBytes: 60 },
  { id: '0103', label: 'Software', format: text, maxBytes: 60 },
  { id: '0105', label: 'KBV-Prüfnummer', format: text, maxBytes: 17 },
  { id: '0121', label: 'Straße des Softwareverantwortlichen', format: text, maxBytes: 60 },
  { id: '0122', label: 'PLZ des Softwareverantwortlichen', format: text, maxBytes: 7 },
  { id: '0123', label: 'Ort des Softwareverantwortlichen', format: text, maxBytes: 60 },
  { id: '0124', label: 'Telefonnummer des Softwareverantwortlichen', format: text, maxBytes: 60 },
  { id: '0126', label: 'Systembetreuer', format: text, maxBytes: 60 },
  { id: '0127', label: 'Straße des Systembetreuers', format: text, maxBytes: 60 },
  { id: '0128', label: 'PLZ des Systembetreuers', format: text, maxBytes: 7 },
  { id: '0129', label: 'Ort des Systembetreuers', format: text, maxBytes: 60 },
  { id: '0130', label: 'Telefonnummer des Systembetreuers', format: text, maxBytes: 60 },
  { id: '0132', label: 'Release-Stand der Software', format: text, maxBytes: 60 },
  { id: '3000', label: 'Patientennummer', format: text, maxBytes: 20 },
  { id: '3101', label: 'Name des Versicherten', format: text, maxBytes: 45 },
  { id: '3102', label: 'Vorname des Versicherten', format: text, maxBytes: 45 },
  { id: '3103', label: 'Geburtsdatum', format: { kind: 'birthDate' } },
  {
    id: '3119',
    label: 'Versichertennummer (eGK)',
    format: { kind: 'pattern', pattern: /^[A-Z]\d{9}$/, description: 'Buchstabe und 9 Ziffern' },
  },
  { id: '3107', label: 'Straße des Versicherten', format: text, maxBytes: 46 },
  { id: '3112', label: 'PLZ des Versicherten', format: text, maxBytes: 10 },
  { id: '3113', label: 'Wohnort des Versicherten', format: text, maxBytes: 40 },
  { id: '3114', label: 'Wohnsitzländercode', format: text, maxBytes: 3 },
  { id: '3108', label: 'Versichertenart', format: oneOf('135', '1, 3 oder 5') },
  { id: '3110', label: 'Geschlecht', format: oneOf('MWDXU', 'M, W, D, X oder U') },
  { id: '4101', label: 'Quartal', format: { kind: 'quarter' } },
  { id: '4104', label: 'Abrechnungs-VKNR', format: digits(5) },
  { id: '4106', label: 'Kostenträger-Abrechnungsbereich', format: digits(2) },
  { id: '4109', label: 'Letzter Einlesetag der eGK', format: { kind: 'date' } },
  { id: '4110', label: 'Versicherungsschutz-Ende', format: { kind: 'date' } },
  { id: '4111', label: 'Kostenträgerkennung (IK)', format: digits(9) },
  { id: '4121', label: 'Gebührenordnung', format: oneOf('123', '1, 2 oder 3') },
  { id: '4122', label: 'Abrechnungsgebiet', format: digits(2) },
  { id: '4131', label: 'Besondere Personengruppe', format: digits(2) },
  { id: '4132', label: 'DMP-Kennzeichnung', format: digits(2) },
  { id: '4133', label: 'Versicherungsschutz-Beginn', format: { kind: 'date' } },
  { id: '4134', label: 'Kostenträgername', format: text, maxBytes: 45 },
  { id: '4239', label: 'Scheinuntergruppe', format: digits(2) },
  { id: '4243', label: 'Weiterbehandelnder Arzt', format: text, maxBytes: 60 },
  { id: '5000', label: 'Leistungstag', format: { kind: 'date' } },
  {
    id: '5001',
    label: 'Gebührennummer (GOP)',
    format: { kind: 'pattern', pattern: /^\d{5}[A-Z]?$/, description: '5 Ziffern, ggf. Suffix' },
  },
  {
    id: '5005',
    label: 'Multiplikator',
    format: { kind: 'pattern', pattern: /^(00[2-9]|0[1-9]\d|[1-9]\d\d)$/, description: '002–999' },
  },
  { id: '5006', label: 'Uhrzeit', format: { kind: 'time' } },
  { id: '5009', label: 'Freier Begründungstext', format: text, maxBytes: 60 },
  { id: '5098', label: 'BSNR der Leistung', format: digits(9) },
  { id: '5099', label: 'LANR der Leistung', format: digits(9) },
  {
    id: '6001',
    label: 'ICD-Code',
    format: { kind: 'pattern', pattern: /^[A-Z]\d{2}(\.\d{1,2})?$/, description: 'ann, ann.n oder ann.nn' },
  },
  { id: '6003', label: 'Diagnosensicherheit', format: oneOf('GVZA', 'G, V, Z oder A') },
  { id: '6004', label: 'Seitenlokalisation', format: oneOf('RLB', 'R, L oder B') },
];

/** Field definitions by id. */
export const KVDT_FIELDS: ReadonlyMap<string, KvdtFieldDefinition> = new Map(DEFINITIONS.map((d) => [d.id, d]));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** Why `value` does not fit `definition` (German), or `undefined` when it does. Length is checked separately. */
export function formatProblem(definition: KvdtFieldDefinition, value: string): string | undefined {
  const f = definition.format;
  switch (f.kind) {
    case 'date': {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
      return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3])) ? undefined : 'kein Datum JJJJMMTT';
    }
    case 'birthDate': {
      // KVDT allows 00 for an unknown day, or unknown day and month.
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
      if (m === null) return 'kein Geburtsdatum JJJJMMTT';
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (month === 0) return day === 0 ? undefined : 'kein Geburtsdatum JJJJMMTT (Tag ohne Monat)';
      if (day === 0) return month <= 12 ? undefined : 'kein Geburtsdatum JJJJMMTT';
      return isRealDate(year, month, day) ? undefined : 'kein Geburtsdatum JJJJMMTT';
    }
    case 'quarter':
      return /^[1-4]\d{4}$/.test(value) ? undefined : 'kein Quartal QJJJJ';
    case 'time':
      return /^([01]\d|2[0-3])[0-5]\d$/.test(value) ? undefined : 'keine Uhrzeit HHMM';
    case 'pattern':
      return f.pattern.test(value) ? undefined : `erwartet ${f.description}`;
    case 'text':
      return undefined;
  }
}
