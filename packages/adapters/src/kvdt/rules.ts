/**
 * Rule ids of the KVDT validator. Structure rules are `KVDT-…`; identifier rules reuse the core ids
 * (`ID-LANR`, `ID-BSNR`, `ID-KVNR`, `ID-IK`, `ID-ICD`, `ID-GOP`). Every finding carries `line` and, when the
 * problem is in one field, `field`.
 */
import type { Severity } from '@pvskit/core';

/** One structure rule. */
export interface KvdtRule {
  readonly id: string;
  readonly severity: Severity;
  /** English description, for the rule table in the docs. */
  readonly description: string;
}

const rule = (id: string, severity: Severity, description: string): KvdtRule => ({ id, severity, description });

/** The structure rules, as documented in the package README/report. */
export const KVDT_RULES = {
  LINE_LENGTH: rule('KVDT-LINE-LENGTH', 'error', 'Length prefix is not 3 digits, too short, or differs from the bytes of the line (CR LF included).'),
  LINE_END: rule('KVDT-LINE-END', 'error', 'Line does not end in CR LF (the last line included).'),
  FIELD_ID: rule('KVDT-FIELD-ID', 'error', 'Field id is not 4 digits.'),
  ENCODING: rule('KVDT-ENCODING', 'error', 'Byte order mark, or a control byte in content: not ISO-8859-15 text.'),
  UTF8_SUSPECT: rule('KVDT-ENCODING-UTF8', 'warning', 'Content looks like UTF-8 read as ISO-8859-15 (e.g. "Ã¼" for "ü").'),
  READ: rule('KVDT-READ', 'error', 'The file could not be read.'),
  RECORD_START: rule('KVDT-RECORD-START', 'error', 'Field before the first record (a record starts with field 8000).'),
  RECORD_UNKNOWN: rule('KVDT-RECORD-UNKNOWN', 'warning', 'Satzart pvskit does not know; its order is not checked.'),
  ORDER: rule('KVDT-ORDER', 'error', 'Record out of order: con0 → besa → rvsa → packages (adt0 … adt9, kad0 … kad9) → con9.'),
  MISSING_RECORD: rule('KVDT-MISSING-RECORD', 'error', 'A required record (con0, besa, rvsa, adt0, adt9, con9) is missing.'),
  MANDATORY: rule('KVDT-MANDATORY', 'error', 'A mandatory field of the record is missing (con0, besa, rvsa, adt0, 0104).'),
  NOT_ALLOWED: rule('KVDT-FIELD-NOT-ALLOWED', 'error', 'Field not allowed in this record (4102 in 0104; 8100 anywhere: that is GDT/BDT).'),
  FIELD_EMPTY: rule('KVDT-FIELD-EMPTY', 'error', 'Empty field or a field of blanks only.'),
  FIELD_BLANKS: rule('KVDT-FIELD-BLANKS', 'error', 'Leading or trailing blanks in the content.'),
  FIELD_FORMAT: rule('KVDT-FIELD-FORMAT', 'error', 'Content does not match the field format (date JJJJMMTT, quarter QJJJJ, time HHMM, code lists, digits).'),
  FIELD_LENGTH: rule('KVDT-FIELD-LENGTH', 'error', 'Content longer than the field allows (bytes in ISO-8859-15).'),
  SERVICE_DATE: rule('KVDT-SERVICE-DATE', 'error', 'Service (5001) without a preceding service day (5000).'),
  DATE_ORDER: rule('KVDT-DATE-ORDER', 'error', 'Service days (5000) of a case are not ascending.'),
  SERVICE_BSNR: rule('KVDT-SERVICE-BSNR', 'error', '0104: service without its own BSNR (5098).'),
  SERVICE_LANR: rule('KVDT-SERVICE-LANR', 'error', '0104: service without its own LANR (5099).'),
  DIAGNOSIS_CERTAINTY: rule('KVDT-DIAGNOSIS-CERTAINTY', 'error', 'Diagnosis (6001) not followed by its certainty (6003).'),
  DIAGNOSIS_POSITION: rule('KVDT-DIAGNOSIS-POSITION', 'error', '0104: diagnoses (6001) must follow all services.'),
  QUARTER: rule('KVDT-QUARTER', 'error', 'Case quarter (4101) differs from the billing quarter (9204), or a 0104 service day lies outside it.'),
  SUG: rule('KVDT-SUG', 'error', '0104: Scheinuntergruppe (4239) is not 41–46.'),
  VIDEO_MARKER: rule(
    'KVDT-VIDEO-MARKER',
    'error',
    '0104: the video-only marker (88220) beside an unmarked Notfallpauschale, or a video-marked 01210/01212 as the only contact without 88220.',
  ),
} as const satisfies Record<string, KvdtRule>;

/** Records of a KVDT package between its header and trailer. Source: docs/kvdt.md and KBV's test file. */
export const KVDT_PACKAGES: readonly { header: string; trailer: string; records: readonly string[] }[] = [
  { header: 'adt0', trailer: 'adt9', records: ['0101', '0102', '0103', '0104'] },
  { header: 'kad0', trailer: 'kad9', records: ['0109'] },
];

/** Mandatory fields per Satzart (besides 8000). Source: docs/kvdt.md (0104: the M fields). */
export const KVDT_MANDATORY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  con0: ['9103', '9106', '9132'],
  besa: ['0201', '0203'],
  rvsa: ['0201'],
  adt0: ['0105', '9102', '9212', '0102', '0103', '9115', '9204'],
  '0104': ['3101', '3102', '3103', '3108', '3110', '4101', '4104', '4106', '4111', '4131', '4132', '4121', '4122', '4239', '4243'],
};

/** Fields a Satzart must not carry. */
export const KVDT_FORBIDDEN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '0104': ['4102'],
};

/** Satzarten of treatment cases (ADT), whose 4101 must match 9204. */
export const ADT_CASE_RECORDS: readonly string[] = ['0101', '0102', '0103', '0104'];

/** Scheinuntergruppen allowed in 0104. */
export const SUG_0104: readonly string[] = ['41', '42', '43', '44', '45', '46'];
