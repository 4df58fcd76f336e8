/** From parsed cases to KVDT field lists: refusing incomplete cases, building 0104. */
import {
  quarterOf as coreQuarterOf,
  type Case,
  type CaseOrBundle,
  type Practice,
  type Service,
  type Software,
  PvsKitError,
} from '@pvskit/core';
import { isVideoOnlyCase, kvdtGopCode, videoOnlyCaseGop } from '@pvskit/billing';
import { CASE_REQUIREMENTS, hasCaseRequirements, needsTime, NOT_BILLED_INSURANCE_TYPES, SOFTWARE_REQUIREMENTS, valueAt } from './export-rules.js';
import { formatProblem, KVDT_FIELDS, type KvdtFieldDefinition } from './field-table.js';
import { SUG_0104 } from './rules.js';
import { prepareText, splitText as splitTextPieces } from './text.js';
import type { TransliterationTable } from './transliteration.js';

/** What the writer accepts: a parsed case or duty bundle (see `parseCaseOrBundle`). */
export type KvdtExportItem = CaseOrBundle;

/** A case ready for export checks, with the id used in messages. */
export interface ExportCase {
  readonly case: Case;
  /** The case's own id, or `#<n>` (1-based position in the export) when it has none. */
  readonly caseId: string;
}

/** One reason a case cannot be written. */
export interface ExportProblem {
  /** `EXPORT_REFUSED` for missing or malformed values, `ENCODING` for characters outside ISO-8859-15. */
  readonly code: 'EXPORT_REFUSED' | 'ENCODING';
  readonly caseId: string;
  /** JSON path in the case, e.g. `patient.insurance.vknr`. */
  readonly path: string;
  /** KVDT field id, e.g. `4104`. */
  readonly field: string;
  readonly message: string;
  readonly messageDe: string;
}

/** A field to write: KVDT id, value (before encoding) and where it came from. */
export interface FieldSpec {
  readonly id: string;
  readonly value: string;
  readonly path: string;
  /** Free text split into repeated fields of at most this many bytes (5009). */
  readonly splitAt?: number;
  /**
   * ASCII made by the writer from schema-checked values (constants, enums, dates, times, the quarter):
   * written without the text and format checks.
   */
  readonly safe?: true;
}

/** Everything the file header (con0, besa, rvsa, adt0) needs. */
export interface KvdtHeader {
  readonly bsnr: string;
  readonly practice: Practice;
  readonly physicians: readonly { readonly lanr: string; readonly name: string }[];
  readonly software: Software;
  readonly quarter: string;
  /** Case id whose data fills the header, for messages. */
  readonly sourceCaseId: string;
}

// Dates repeat across thousands of cases; the core function validates each call, so remember its answers.
const quarterCache = new Map<string, string>();
// The services of a case mostly share one or two days, asked for several times each.
let lastDate = '';
let lastQuarter = '';
function quarterOf(date: string): string {
  if (date === lastDate) return lastQuarter;
  let q = quarterCache.get(date);
  if (q === undefined) {
    q = coreQuarterOf(date);
    if (quarterCache.size > 10_000) quarterCache.clear();
    quarterCache.set(date, q);
  }
  lastDate = date;
  lastQuarter = q;
  return q;
}

/** True for cases the KV file carries (not PKV/BG). */
export function isBilledThroughKv(c: Case): boolean {
  const type = c.patient.insurance.type;
  for (const t of NOT_BILLED_INSURANCE_TYPES) if (t === type) return false;
  return true;
}

/** True when the case has a service in `quarter`. */
export function hasServiceIn(c: Case, quarter: string): boolean {
  return c.services.some((s) => quarterOf(s.date) === quarter);
}

function problem(
  code: ExportProblem['code'],
  caseId: string,
  path: string,
  field: string,
  en: string,
  de: string,
): ExportProblem {
  return {
    code,
    caseId,
    path,
    field,
    message: `case "${caseId}", ${path} (KVDT ${field}): ${en}`,
    messageDe: `Fall „${caseId}“, ${path} (KVDT-Feld ${field}): ${de}`,
  };
}

function missing(caseId: string, path: string, field: string, label: string): ExportProblem {
  return problem('EXPORT_REFUSED', caseId, path, field, 'missing, required for the KVDT export', `${label} fehlt; für die KVDT-Abrechnung erforderlich.`);
}

/** Header from the export options and the given cases (all of them for arrays, the first for streams). */
export function deriveHeader(
  cases: readonly ExportCase[],
  options: {
    quarter?: string;
    software?: Software;
    header?: { practice?: Practice; physicians?: readonly { lanr: string; name: string }[] };
  },
): { header?: KvdtHeader; problems: ExportProblem[] } {
  const first = cases[0];
  if (first === undefined) {
    throw new PvsKitError('EXPORT_REFUSED', 'no case billed through the KV to export', {
      userMessage: 'Keine über die KV abzurechnenden Fälle (GKV) für die KVDT-Datei vorhanden.',
    });
  }
  const problems: ExportProblem[] = [];
  const practice = options.header?.practice ?? first.case.practice ?? {};
  const software = options.software ?? cases.find((c) => c.case.software !== undefined)?.case.software;
  for (const req of SOFTWARE_REQUIREMENTS) {
    if (valueAt(software === undefined ? {} : { software }, req.path) === undefined) {
      problems.push(missing(first.caseId, req.path, req.field, req.label));
    }
  }
  const physicians: { lanr: string; name: string }[] = [];
  const seen = new Set<string>();
  const add = (lanr: string | undefined, name: string | undefined) => {
    if (lanr === undefined || name === undefined || seen.has(lanr)) return;
    seen.add(lanr);
    physicians.push({ lanr, name });
  };
  if (options.header?.physicians !== undefined) for (const p of options.header.physicians) add(p.lanr, p.name);
  else for (const c of cases) add(c.case.physician?.lanr, c.case.physician?.name);

  let quarter = options.quarter;
  if (quarter === undefined) {
    const quarters = new Set<string>();
    for (const c of cases) for (const s of c.case.services) quarters.add(quarterOf(s.date));
    if (quarters.size > 1) {
      problems.push(
        problem(
          'EXPORT_REFUSED',
          first.caseId,
          'services',
          '4101',
          `services span several quarters (${[...quarters].sort().join(', ')}); choose one with the quarter option`,
          `Leistungen aus mehreren Quartalen (${[...quarters].sort().join(', ')}); bitte ein Abrechnungsquartal wählen.`,
        ),
      );
    }
    quarter = [...quarters][0];
  }
  if (practice.bsnr === undefined || software === undefined || quarter === undefined || problems.length > 0) {
    return { problems };
  }
  return {
    header: { bsnr: practice.bsnr, practice, physicians, software, quarter, sourceCaseId: first.caseId },
    problems,
  };
}

function isBesaPhysician(header: KvdtHeader, lanr: string): boolean {
  for (const p of header.physicians) if (p.lanr === lanr) return true;
  return false;
}

/** Problems of one case before any field is built: missing values, header mismatches, services. */
export function caseProblems(ec: ExportCase, header: KvdtHeader | undefined, quarter: string | undefined): ExportProblem[] {
  const { case: c, caseId } = ec;
  const problems: ExportProblem[] = [];
  if (!hasCaseRequirements(c)) {
    for (const req of CASE_REQUIREMENTS) if (valueAt(c, req.path) === undefined) problems.push(missing(caseId, req.path, req.field, req.label));
  }
  const bsnr = c.practice?.bsnr;
  if (header !== undefined && bsnr !== undefined && bsnr !== header.bsnr) {
    problems.push(
      problem('EXPORT_REFUSED', caseId, 'practice.bsnr', '5098', `BSNR ${bsnr} differs from the file's BSNR ${header.bsnr}`, `BSNR ${bsnr} weicht von der BSNR der Datei (${header.bsnr}) ab; je BSNR eine Datei.`),
    );
  }
  const lanr = c.physician?.lanr;
  if (header !== undefined && lanr !== undefined && !isBesaPhysician(header, lanr)) {
    problems.push(
      problem('EXPORT_REFUSED', caseId, 'physician.lanr', '0212', `LANR ${lanr} is not among the physicians of the besa header (pass header.physicians when streaming)`, `LANR ${lanr} fehlt in den Arztangaben der Betriebsstätte (besa).`),
    );
  }
  if (!SUG_0104.includes(c.scheinuntergruppe)) {
    problems.push(
      problem('EXPORT_REFUSED', caseId, 'scheinuntergruppe', '4239', `Scheinuntergruppe ${c.scheinuntergruppe} is not allowed in Satzart 0104 (41–46)`, `Scheinuntergruppe ${c.scheinuntergruppe} ist im Notfallschein (0104) nicht zulässig (41–46).`),
    );
  }
  let billed = false;
  for (let index = 0; index < c.services.length; index++) {
    const service = c.services[index] as Service;
    if (quarter !== undefined && quarterOf(service.date) !== quarter) continue;
    billed = true;
    if (needsTime(service.gop) && service.time === undefined) {
      problems.push(
        problem('EXPORT_REFUSED', caseId, `services[${index}].time`, '5006', `GOP ${service.gop} needs its time (5006)`, `Bei GOP ${service.gop} ist die Uhrzeit anzugeben.`),
      );
    }
    if (header !== undefined && quarterOf(service.date) !== header.quarter) {
      problems.push(
        problem('EXPORT_REFUSED', caseId, `services[${index}].date`, '5000', `service date ${service.date} is not in the file's quarter ${header.quarter}`, `Leistungsdatum ${service.date} liegt nicht im Abrechnungsquartal ${header.quarter}.`),
      );
    }
  }
  if (!billed) {
    problems.push(problem('EXPORT_REFUSED', caseId, 'services', '5001', 'no service to bill', 'Keine abzurechnende Leistung.'));
  }
  return problems;
}

/** A case date `YYYY-MM-DD` as KVDT writes it, `JJJJMMTT`. */
export const kvdtDate = (date: string): string => date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10);
/** A case time `HH:MM` as KVDT writes it, `HHMM`. */
export const kvdtTime = (time: string): string => time.replace(':', '');

/**
 * Where the fields of a record go. The layout of 0104 ({@link layoutCase0104}) is written once against this
 * interface; the writer encodes straight into its output, a test may collect the fields.
 */
export interface FieldOut {
  /** A value from the case: characters, format and length are checked; absent or empty is left out. */
  text(id: string, value: string | undefined, path: string): void;
  /**
   * ASCII made by the writer from schema-checked values (constants, enums, dates, times, the quarter):
   * written without the text and format checks; absent or empty is left out.
   */
  safe(id: string, value: string | undefined, path: string): void;
  /** Free text split into repeated fields of at most `max` bytes (5009); nothing when it has no word. */
  split(id: string, value: string, path: string, max: number): void;
  /** A schema-checked date, written as {@link kvdtDate} makes it (like {@link FieldOut.safe}). */
  date(id: string, value: string, path: string): void;
  /** A schema-checked time, written as {@link kvdtTime} makes it (like {@link FieldOut.safe}). */
  time(id: string, value: string, path: string): void;
}

interface ServicePaths {
  readonly date: string;
  readonly gop: string;
  readonly count: string;
  readonly time: string;
  readonly justification: string;
}
interface DiagnosisPaths {
  readonly icd: string;
  readonly certainty: string;
  readonly side: string;
}
// JSON paths by position, made once: they are only read when a value is refused.
const servicePathCache: ServicePaths[] = [];
const diagnosisPathCache: DiagnosisPaths[] = [];
function servicePaths(i: number): ServicePaths {
  return (servicePathCache[i] ??= {
    date: `services[${i}].date`,
    gop: `services[${i}].gop`,
    count: `services[${i}].count`,
    time: `services[${i}].time`,
    justification: `services[${i}].justification`,
  });
}
function diagnosisPaths(i: number): DiagnosisPaths {
  return (diagnosisPathCache[i] ??= { icd: `diagnoses[${i}].icd`, certainty: `diagnoses[${i}].certainty`, side: `diagnoses[${i}].side` });
}

/** Indexes of the services to write in the order of writing: by day, entry order within a day. */
function serviceOrder(c: Case, quarter: string): number[] {
  const order: number[] = [];
  let sorted = true;
  let last = '';
  for (let i = 0; i < c.services.length; i++) {
    const date = (c.services[i] as Service).date;
    if (quarterOf(date) !== quarter) continue;
    if (date < last) sorted = false;
    last = date;
    order.push(i);
  }
  if (!sorted) {
    const date = (i: number) => (c.services[i] as Service).date;
    order.sort((a, b) => (date(a) < date(b) ? -1 : date(a) > date(b) ? 1 : 0));
  }
  return order;
}

const countCodes: (string | undefined)[] = Array.from({ length: 1000 }, () => undefined);
/** The multiplier as 5005 carries it, `002`–`999` (made once per count). */
function countCode(count: number): string {
  if (!Number.isInteger(count) || count < 0 || count > 999) return String(count).padStart(3, '0');
  return (countCodes[count] ??= String(count).padStart(3, '0'));
}

/** True when a contact or service was by video: only then can the case be video-only (no array made). */
function hasVideo(c: Case): boolean {
  for (const k of c.contacts) if (k.mode === 'video') return true;
  for (const s of c.services) if (s.mode === 'video') return true;
  return false;
}

/** Writes the fields of Satzart 0104 for a case that passed {@link caseProblems}, in spec order. */
export function layoutCase0104(c: Case, quarter: string, out: FieldOut): void {
  const p = c.patient;
  const ins = p.insurance;
  out.safe('8000', '0104', 'case');
  out.text('3000', p.id, 'patient.id');
  out.text('3101', p.lastName, 'patient.lastName');
  out.text('3102', p.firstName, 'patient.firstName');
  out.date('3103', p.birthDate, 'patient.birthDate');
  out.text('3119', ins.kvnr, 'patient.insurance.kvnr');
  const street = p.street === undefined ? undefined : p.houseNumber === undefined ? p.street : `${p.street} ${p.houseNumber}`;
  out.text('3107', street, 'patient.street');
  out.text('3112', p.zip, 'patient.zip');
  out.text('3114', p.country ?? 'D', 'patient.country');
  out.text('3113', p.city, 'patient.city');
  out.text('3108', ins.memberType, 'patient.insurance.memberType');
  out.safe('3110', p.sex, 'patient.sex');
  out.safe('4101', quarter, 'quarter');
  out.text('4104', ins.vknr, 'patient.insurance.vknr');
  out.safe('4106', '00', 'case');
  if (ins.validFrom !== undefined) out.date('4133', ins.validFrom, 'patient.insurance.validFrom');
  out.text('4111', ins.ik, 'patient.insurance.ik');
  out.text('4134', ins.name, 'patient.insurance.name');
  out.safe('4131', '00', 'case');
  out.safe('4132', '00', 'case');
  out.safe('4121', '1', 'case');
  out.safe('4122', '00', 'case');
  out.text('4239', c.scheinuntergruppe, 'scheinuntergruppe');
  out.text('4243', c.continuingPhysician, 'continuingPhysician');
  const order = serviceOrder(c, quarter);
  const bsnr = c.practice?.bsnr;
  const lanr = c.physician?.lanr;
  let day: string | undefined;
  // A case with video contacts only carries 88220 on its first day: the KV's video reduction hangs on it.
  const first = order.length > 0 ? (c.services[order[0] as number] as Service).date : undefined;
  let videoOnlyMark = first !== undefined && hasVideo(c) && isVideoOnlyCase(c, needsTime) ? videoOnlyCaseGop(first) : undefined;
  for (const index of order) {
    const s = c.services[index] as Service;
    const at = servicePaths(index);
    if (s.date !== day) {
      day = s.date;
      out.date('5000', s.date, at.date);
    }
    if (videoOnlyMark !== undefined) {
      out.safe('5001', videoOnlyMark, 'contacts');
      out.text('5098', bsnr, 'practice.bsnr');
      out.text('5099', lanr, 'physician.lanr');
      videoOnlyMark = undefined;
    }
    out.text('5001', kvdtGopCode(s.gop, s.mode, s.date), at.gop);
    if (s.count > 1) out.safe('5005', countCode(s.count), at.count);
    if (s.time !== undefined && needsTime(s.gop)) out.time('5006', s.time, at.time);
    if (s.justification !== undefined) out.split('5009', s.justification, at.justification, 60);
    out.text('5098', bsnr, 'practice.bsnr');
    out.text('5099', lanr, 'physician.lanr');
  }
  for (let i = 0; i < c.diagnoses.length; i++) {
    const d = c.diagnoses[i] as Case['diagnoses'][number];
    const at = diagnosisPaths(i);
    out.text('6001', d.icd, at.icd);
    out.safe('6003', d.certainty, at.certainty);
    out.safe('6004', d.side, at.side);
  }
}

/** Fields of con0, besa, rvsa and adt0 (one list per record). */
export function headerRecords(
  header: KvdtHeader,
  created: string,
  options: { tiApplications?: readonly number[]; recordVersion?: string },
): FieldSpec[][] {
  const { practice: pr, software: sw } = header;
  const rec = (...fields: [string, string | undefined, string][]): FieldSpec[] =>
    fields.filter(([, v]) => v !== undefined && v !== '').map(([id, value, path]) => ({ id, value: value as string, path }));
  const con0 = rec(['8000', 'con0', 'file'], ['9103', created, 'clock'], ['9106', '4', 'file'], ['9132', '1', 'file']);
  const supported = new Set(options.tiApplications ?? []);
  const ti: [string, string, string][] = [];
  for (const app of TI_APPLICATIONS) {
    ti.push(['0225', String(app), 'tiApplications'], ['0226', supported.has(app) ? '1' : '0', 'tiApplications']);
  }
  const besa = rec(
    ['8000', 'besa', 'file'],
    ['0201', header.bsnr, 'practice.bsnr'],
    ['0203', pr.name, 'practice.name'],
    ...header.physicians.flatMap((p): [string, string, string][] => [
      ['0212', p.lanr, 'physician.lanr'],
      ['0211', p.name, 'physician.name'],
    ]),
    ['0205', pr.street, 'practice.street'],
    ['0215', pr.zip, 'practice.zip'],
    ['0216', pr.city, 'practice.city'],
    ['0208', pr.phone, 'practice.phone'],
    ...ti,
  );
  const rvsa = rec(['8000', 'rvsa', 'file'], ['0201', header.bsnr, 'practice.bsnr'], ['0300', '0', 'file']);
  const v = sw.vendor;
  const adt0 = rec(
    ['8000', 'adt0', 'file'],
    ['0105', sw.kbvTestNumber, 'software.kbvTestNumber'],
    ['9102', pr.kv, 'practice.kv'],
    ['9212', options.recordVersion ?? defaultRecordVersion(header.quarter), 'recordVersion'],
    ['0102', v?.name, 'software.vendor.name'],
    ['0121', v?.street, 'software.vendor.street'],
    ['0122', v?.zip, 'software.vendor.zip'],
    ['0123', v?.city, 'software.vendor.city'],
    ['0124', v?.phone, 'software.vendor.phone'],
    ['0126', v?.name, 'software.vendor.name'],
    ['0127', v?.street, 'software.vendor.street'],
    ['0128', v?.zip, 'software.vendor.zip'],
    ['0129', v?.city, 'software.vendor.city'],
    ['0130', v?.phone, 'software.vendor.phone'],
    ['0103', sw.name, 'software.name'],
    ['0132', sw.version, 'software.version'],
    ['9115', created, 'clock'],
    ['9204', header.quarter, 'quarter'],
  );
  return [con0, besa, rvsa, adt0];
}

/** TI applications listed in besa (0225), each with its support flag (0226). Source: docs/kvdt.md. */
export const TI_APPLICATIONS: readonly number[] = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

/**
 * Default record-description version (9212): `ADT` + first month of the quarter + two-digit year + `.01`,
 * the pattern of KBV's own test file (`ADT1023.01` for 4/2023). Pass `recordVersion` when KBV publishes
 * another revision for the quarter.
 */
export function defaultRecordVersion(quarter: string): string {
  const q = Number(quarter.slice(0, 1));
  const month = String((q - 1) * 3 + 1).padStart(2, '0');
  return `ADT${month}${quarter.slice(3, 5)}.01`;
}

/** Prepared lines, flat: field id, content, field id, content, … (no pair allocated per line). */
export type PreparedLines = string[];

/** True when every character is printable ASCII, which needs neither transliteration nor an encoding check. */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * Encodes field specs to lines (see {@link PreparedLines}): transliteration (when enabled), ISO-8859-15 check,
 * 5009 splitting, format and length checks of the field table. Problems are returned, not thrown.
 */
export function prepareFields(
  specs: readonly FieldSpec[],
  caseId: string,
  table: TransliterationTable | undefined,
): { lines: PreparedLines; problems: ExportProblem[] } {
  const lines: PreparedLines = [];
  const problems: ExportProblem[] = [];
  for (const spec of specs) prepareField(spec, caseId, table, lines, problems);
  return { lines, problems };
}

/** {@link prepareFields} for one field: its line(s) go to `lines`, its problems to `problems`. */
export function prepareField(spec: FieldSpec, caseId: string, table: TransliterationTable | undefined, lines: PreparedLines, problems: ExportProblem[]): void {
  if (spec.safe === true) {
    lines.push(spec.id, spec.value);
    return;
  }
  let content: string;
  if (isPrintableAscii(spec.value)) content = spec.value;
  else {
    try {
      content = prepareText(spec.value, { caseId, field: spec.id, path: spec.path }, table);
    } catch (e) {
      if (e instanceof PvsKitError) {
        problems.push({
          code: 'ENCODING',
          caseId,
          path: spec.path,
          field: spec.id,
          message: e.message,
          messageDe: e.userMessage,
        });
        return;
      }
      throw e;
    }
  }
  const def = KVDT_FIELDS.get(spec.id);
  if (spec.splitAt === undefined) preparePiece(content.trim(), spec, def, caseId, lines, problems);
  else for (const piece of splitTextPieces(content, spec.splitAt)) preparePiece(piece, spec, def, caseId, lines, problems);
}

function preparePiece(
  piece: string,
  spec: FieldSpec,
  def: KvdtFieldDefinition | undefined,
  caseId: string,
  lines: PreparedLines,
  problems: ExportProblem[],
): void {
  if (piece === '') {
    problems.push(problem('EXPORT_REFUSED', caseId, spec.path, spec.id, 'empty after trimming', 'ist leer.'));
    return;
  }
  const bad = def === undefined ? undefined : formatProblem(def, piece);
  if (def !== undefined && bad !== undefined) {
    problems.push(problem('EXPORT_REFUSED', caseId, spec.path, spec.id, `"${piece}" has the wrong format (${bad})`, `„${piece}“ hat das falsche Format (${bad}).`));
    return;
  }
  if (def?.maxBytes !== undefined && piece.length > def.maxBytes) {
    problems.push(
      problem('EXPORT_REFUSED', caseId, spec.path, spec.id, `${piece.length} bytes, at most ${def.maxBytes} allowed`, `${piece.length} Zeichen, höchstens ${def.maxBytes} erlaubt (${def.label}).`),
    );
    return;
  }
  lines.push(spec.id, piece);
}
