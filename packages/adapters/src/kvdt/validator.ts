/**
 * KVDT validator: structure, mandatory fields of 0104, field formats and lengths, identifiers (LANR, BSNR,
 * KVNR, IK, ICD, GOP via `@pvskit/core`), service and diagnosis rules. Streams like the reader; findings
 * carry `line` and `field`. It covers what docs/kvdt.md condenses, not KBV's full check module (XPM) with
 * its KV master data.
 */
import {
  checkBsnr,
  checkGop,
  checkIcdCode,
  checkIk,
  checkKvnr,
  checkLanr,
  type Finding,
  type IdentifierCheck,
} from '@pvskit/core';
import { readKvdtGopCode, videoOnlyCaseGop } from '@pvskit/billing';
import { needsTime } from './export-rules.js';
import { formatProblem, KVDT_FIELDS, type KvdtFieldDefinition } from './field-table.js';
import type { KvdtEvent, KvdtField, KvdtParseError, KvdtParseErrorCode, KvdtRecord } from './model.js';
import { parseKvdt, type KvdtSource } from './reader.js';
import {
  ADT_CASE_RECORDS,
  KVDT_FORBIDDEN_FIELDS,
  KVDT_MANDATORY_FIELDS,
  KVDT_PACKAGES,
  KVDT_RULES,
  SUG_0104,
  type KvdtRule,
} from './rules.js';

/** Identifier checks by field id. */
const IDENTIFIER_FIELDS: ReadonlyMap<string, (v: string) => IdentifierCheck> = new Map([
  ['0212', checkLanr],
  ['5099', checkLanr],
  ['4242', checkLanr],
  ['0201', checkBsnr],
  ['5098', checkBsnr],
  ['4218', checkBsnr],
  ['3119', checkKvnr],
  ['4111', checkIk],
  ['6001', checkIcdCode],
  ['5001', checkGop],
]);

/** Everything checked for one field id, found with one lookup per line. */
interface FieldCheck {
  readonly def: KvdtFieldDefinition | undefined;
  readonly identifier: ((v: string) => IdentifierCheck) | undefined;
  /** Satzarten that must not carry the field. */
  readonly forbiddenIn: readonly string[];
  // The same values repeat on every case (the practice's BSNR and LANR, service days, dates): verdicts are
  // remembered per value (bounded), so a file of 100,000 cases runs each check about once per value.
  readonly verdicts: Map<string, { identifier: IdentifierCheck | undefined; problem: string | undefined }>;
}

const MAX_REMEMBERED_VERDICTS = 4096;

/** Checks indexed by the field id as a number (0–9999): an array index is cheaper than a map lookup per line. */
function fieldChecks(): (FieldCheck | undefined)[] {
  const ids = new Set([...IDENTIFIER_FIELDS.keys(), ...KVDT_FIELDS.keys(), ...Object.values(KVDT_FORBIDDEN_FIELDS).flat()]);
  const checks = new Array<FieldCheck | undefined>(10_000).fill(undefined);
  for (const id of ids) {
    checks[fieldNumber(id)] = {
      def: KVDT_FIELDS.get(id),
      identifier: IDENTIFIER_FIELDS.get(id),
      forbiddenIn: Object.entries(KVDT_FORBIDDEN_FIELDS).flatMap(([satzart, fields]) => (fields.includes(id) ? [satzart] : [])),
      verdicts: new Map(),
    };
  }
  return checks;
}

/** Per Satzart and field number: 1 + the field's position in the mandatory list (0 = not mandatory). */
const MANDATORY_INDEX: ReadonlyMap<string, Uint8Array> = new Map(
  Object.entries(KVDT_MANDATORY_FIELDS).map(([satzart, ids]) => {
    const index = new Uint8Array(10_000);
    ids.forEach((id, i) => (index[fieldNumber(id)] = i + 1));
    return [satzart, index];
  }),
);

const PARSE_RULES: Record<KvdtParseErrorCode, KvdtRule> = {
  BOM: KVDT_RULES.ENCODING,
  CONTROL_CHARACTER: KVDT_RULES.ENCODING,
  LINE_END: KVDT_RULES.LINE_END,
  TOO_SHORT: KVDT_RULES.LINE_LENGTH,
  LENGTH_FORMAT: KVDT_RULES.LINE_LENGTH,
  LENGTH_MISMATCH: KVDT_RULES.LINE_LENGTH,
  FIELD_ID: KVDT_RULES.FIELD_ID,
  ORPHAN_LINE: KVDT_RULES.RECORD_START,
  READ: KVDT_RULES.READ,
};

const REQUIRED_RECORDS = ['con0', 'besa', 'rvsa', 'adt0', 'adt9', 'con9'];

// A UTF-8 lead byte C2/C3 followed by a continuation byte A0–BF, as ISO-8859-15 decodes them.
const UTF8_SUSPECT = /[ÂÃ][\u00a0-\u00a3\u20ac\u00a5\u0160\u00a7\u0161\u00a9-\u00b3\u017d\u00b5-\u00b7\u017e\u00b9-\u00bb\u0152\u0153\u0178\u00bf]/;

function finding(rule: KvdtRule, line: number, field: string | undefined, message: string): Finding {
  return {
    rule: rule.id,
    severity: rule.severity,
    message,
    ...(line > 0 ? { line } : {}),
    ...(field === undefined || field === '' ? {} : { field }),
  };
}

type Phase = 'start' | 'con0' | 'besa' | 'rvsa' | 'package' | 'afterPackage' | 'end';

/** Incremental validator: feed reader events, then call {@link KvdtValidator.finish}. */
export class KvdtValidator {
  private readonly findings: Finding[] = [];
  private phase: Phase = 'start';
  private currentPackage: (typeof KVDT_PACKAGES)[number] | undefined;
  private readonly seen = new Set<string>();
  private billingQuarter: string | undefined;
  private readonly checks = fieldChecks();
  /** Field numbers of the current record (see fieldNumber), for checkCase. */
  private numbers = new Int32Array(256);
  private readonly mandatorySeen = new Uint8Array(Math.max(...Object.values(KVDT_MANDATORY_FIELDS).map((ids) => ids.length)));

  /** Takes one event of the reader. */
  onEvent(event: KvdtEvent): void {
    if (event.type === 'error') this.onParseError(event.error);
    else this.onRecord(event.record);
  }

  /** All findings, in file order of their lines (file-level findings last). */
  finish(): Finding[] {
    const lastLine = this.lastLine;
    for (const satzart of REQUIRED_RECORDS) {
      if (!this.seen.has(satzart)) {
        this.add(KVDT_RULES.MISSING_RECORD, lastLine, '8000', `Satzart ${satzart} fehlt in der Datei.`);
      }
    }
    return this.findings.slice().sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
  }

  private lastLine = 0;

  private add(rule: KvdtRule, line: number, field: string | undefined, message: string): void {
    this.findings.push(finding(rule, line, field, message));
  }

  private onParseError(error: KvdtParseError): void {
    this.add(PARSE_RULES[error.code], error.line, error.field, error.messageDe);
  }

  private onRecord(record: KvdtRecord): void {
    const last = record.fields[record.fields.length - 1];
    if (last !== undefined) this.lastLine = last.line;
    if (record.satzart !== '') this.checkOrder(record);
    const required = KVDT_MANDATORY_FIELDS[record.satzart];
    const index = MANDATORY_INDEX.get(record.satzart);
    const seen = this.mandatorySeen;
    seen.fill(0);
    const fields = record.fields;
    if (this.numbers.length < fields.length) this.numbers = new Int32Array(fields.length * 2);
    const numbers = this.numbers;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as KvdtField;
      const n = fieldNumber(field.id);
      numbers[i] = n;
      if (n < 0) continue;
      if (index !== undefined) {
        const position = index[n] as number;
        if (position > 0) seen[position - 1] = 1;
      }
      if (field.malformed !== true) this.checkField(record, field, this.checks[n]);
    }
    if (required !== undefined) this.reportMissing(record, required);
    if (record.satzart === 'adt0') this.billingQuarter = record.fields.find((f) => f.id === '9204')?.value;
    if (ADT_CASE_RECORDS.includes(record.satzart) || record.satzart === '0109') this.checkCase(record);
  }

  private checkOrder(record: KvdtRecord): void {
    const s = record.satzart;
    this.seen.add(s);
    const bad = (expected: string) =>
      this.add(KVDT_RULES.ORDER, record.line, '8000', `Satzart ${s} steht an falscher Stelle (erwartet: ${expected}).`);
    const pkgOfHeader = KVDT_PACKAGES.find((p) => p.header === s);
    const pkgOfTrailer = KVDT_PACKAGES.find((p) => p.trailer === s);
    const pkgOfRecord = KVDT_PACKAGES.find((p) => p.records.includes(s));
    if (this.phase === 'end') return bad('nichts nach con9');
    if (s === 'con0') {
      if (this.phase !== 'start') return bad('con0 nur als erster Satz');
      this.phase = 'con0';
    } else if (s === 'besa') {
      if (this.phase !== 'con0' && this.phase !== 'besa') return bad('besa direkt nach con0');
      this.phase = 'besa';
    } else if (s === 'rvsa') {
      if (this.phase !== 'besa' && this.phase !== 'rvsa') return bad('rvsa nach besa');
      this.phase = 'rvsa';
    } else if (pkgOfHeader !== undefined) {
      if (this.phase !== 'rvsa' && this.phase !== 'afterPackage') return bad(`${s} nach rvsa oder nach dem Ende eines Pakets`);
      this.phase = 'package';
      this.currentPackage = pkgOfHeader;
    } else if (pkgOfTrailer !== undefined) {
      if (this.phase !== 'package' || this.currentPackage !== pkgOfTrailer) return bad(`${s} nur am Ende des Pakets ${pkgOfTrailer.header}`);
      this.phase = 'afterPackage';
      this.currentPackage = undefined;
    } else if (pkgOfRecord !== undefined) {
      if (this.phase !== 'package' || this.currentPackage !== pkgOfRecord) return bad(`${s} innerhalb des Pakets ${pkgOfRecord.header} … ${pkgOfRecord.trailer}`);
    } else if (s === 'con9') {
      if (this.phase !== 'afterPackage') return bad('con9 nach dem letzten Paket');
      this.phase = 'end';
    } else {
      this.add(KVDT_RULES.RECORD_UNKNOWN, record.line, '8000', `Unbekannte Satzart „${s}“.`);
    }
  }

  /** One well-formed field whose id is 4 digits. */
  private checkField(record: KvdtRecord, field: KvdtField, check: FieldCheck | undefined): void {
    const { id, value, line } = field;
    if (id === '8100') {
      this.add(KVDT_RULES.NOT_ALLOWED, line, id, `Zeile ${line}: Feld 8100 gibt es in KVDT nicht (nur GDT/BDT).`);
    }
    if (check !== undefined && check.forbiddenIn.length > 0 && check.forbiddenIn.includes(record.satzart)) {
      this.add(KVDT_RULES.NOT_ALLOWED, line, id, `Zeile ${line}: Feld ${id} ist in Satzart ${record.satzart} nicht erlaubt.`);
    }
    // Content holds no control characters (the parser flags those), so a blank is the only edge to look for.
    if (value.length === 0 || (value.charCodeAt(0) === 0x20 && value.trim() === '')) {
      this.add(KVDT_RULES.FIELD_EMPTY, line, id, `Zeile ${line}: Feld ${id} ist leer.`);
      return;
    }
    if (isBlank(value.charCodeAt(0)) || isBlank(value.charCodeAt(value.length - 1))) {
      this.add(KVDT_RULES.FIELD_BLANKS, line, id, `Zeile ${line}: Feld ${id} beginnt oder endet mit Leerzeichen.`);
    }
    if (UTF8_SUSPECT.test(value)) {
      this.add(KVDT_RULES.UTF8_SUSPECT, line, id, `Zeile ${line}: Feld ${id} („${value}“) sieht nach UTF-8 aus; KVDT verlangt ISO-8859-15.`);
    }
    if (check === undefined) return;
    const def = check.def;
    let verdict = check.verdicts.get(value);
    if (verdict === undefined) {
      verdict = {
        identifier: check.identifier?.(value),
        problem: check.identifier === undefined && def !== undefined ? formatProblem(def, value) : undefined,
      };
      if (check.verdicts.size >= MAX_REMEMBERED_VERDICTS) check.verdicts.clear();
      check.verdicts.set(value, verdict);
    }
    const result = verdict.identifier;
    if (result !== undefined) {
      if (!result.ok) this.findings.push({ rule: result.rule, severity: 'error', message: `Zeile ${line}, Feld ${id}: ${result.reasonDe}`, line, field: id });
    } else if (def !== undefined) {
      const problem = verdict.problem;
      if (problem !== undefined) {
        this.add(KVDT_RULES.FIELD_FORMAT, line, id, `Zeile ${line}: ${def.label} (${id}) „${value}“: ${problem}.`);
      }
    }
    if (def?.maxBytes !== undefined && value.length > def.maxBytes) {
      this.add(KVDT_RULES.FIELD_LENGTH, line, id, `Zeile ${line}: ${def.label} (${id}) hat ${value.length} Zeichen, erlaubt sind ${def.maxBytes}.`);
    }
  }

  private reportMissing(record: KvdtRecord, required: readonly string[]): void {
    for (let i = 0; i < required.length; i++) {
      if (this.mandatorySeen[i] === 1) continue;
      const id = required[i] as string;
      const label = KVDT_FIELDS.get(id)?.label ?? id;
      this.add(KVDT_RULES.MANDATORY, record.line, id, `Satz ${record.satzart} ab Zeile ${record.line}: Pflichtfeld ${id} (${label}) fehlt.`);
    }
  }

  /** Services, diagnoses and quarter of one treatment case. */
  private checkCase(record: KvdtRecord): void {
    const is0104 = record.satzart === '0104';
    const where = () => `Satz ${record.satzart} ab Zeile ${record.line}`;
    const quarter = record.fields.find((f) => f.id === '4101')?.value;
    if (ADT_CASE_RECORDS.includes(record.satzart) && quarter !== undefined && this.billingQuarter !== undefined && quarter !== this.billingQuarter) {
      const line = record.fields.find((f) => f.id === '4101')?.line ?? record.line;
      this.add(KVDT_RULES.QUARTER, line, '4101', `${where()}: Quartal ${quarter} weicht vom Abrechnungsquartal ${this.billingQuarter} (9204) ab.`);
    }
    if (is0104) {
      const sug = record.fields.find((f) => f.id === '4239');
      if (sug !== undefined && !SUG_0104.includes(sug.value)) {
        this.add(KVDT_RULES.SUG, sug.line, '4239', `${where()}: Scheinuntergruppe ${sug.value} ist in Satzart 0104 nicht zulässig (41–46).`);
      }
    }
    let day: string | undefined;
    const video = new VideoMarks();
    let service: { line: number; gop: string; bsnr: boolean; lanr: boolean } | undefined;
    let diagnosisSeen: number | undefined;
    const closeService = () => {
      if (service !== undefined && is0104) {
        if (!service.bsnr) this.add(KVDT_RULES.SERVICE_BSNR, service.line, '5098', `Zeile ${service.line}: Leistung ${service.gop} ohne eigene BSNR (5098).`);
        if (!service.lanr) this.add(KVDT_RULES.SERVICE_LANR, service.line, '5099', `Zeile ${service.line}: Leistung ${service.gop} ohne eigene LANR (5099).`);
      }
      service = undefined;
    };
    const fields = record.fields;
    const numbers = this.numbers;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as KvdtField;
      switch (numbers[i]) {
        case 5000:
          closeService();
          if (day !== undefined && f.value < day) {
            this.add(KVDT_RULES.DATE_ORDER, f.line, '5000', `Zeile ${f.line}: Leistungstag ${f.value} liegt vor dem vorigen (${day}).`);
          }
          day = f.value;
          if (is0104 && quarter !== undefined && /^\d{8}$/.test(f.value) && quarterOfYmd(f.value) !== quarter) {
            this.add(KVDT_RULES.QUARTER, f.line, '5000', `Zeile ${f.line}: Leistungstag ${f.value} liegt nicht im Quartal ${quarter}.`);
          }
          if (is0104 && diagnosisSeen !== undefined) {
            this.add(KVDT_RULES.DIAGNOSIS_POSITION, diagnosisSeen, '6001', `Zeile ${diagnosisSeen}: Diagnosen stehen in Satzart 0104 nach allen Leistungen.`);
            diagnosisSeen = undefined;
          }
          break;
        case 5001:
          closeService();
          if (day === undefined) this.add(KVDT_RULES.SERVICE_DATE, f.line, '5001', `Zeile ${f.line}: Leistung ${f.value} ohne Leistungstag (5000).`);
          service = { line: f.line, gop: f.value, bsnr: false, lanr: false };
          if (is0104) video.see(f, day);
          break;
        case 5098:
          if (service !== undefined) service.bsnr = true;
          break;
        case 5099:
          if (service !== undefined) service.lanr = true;
          break;
        case 6001: {
          closeService();
          diagnosisSeen ??= f.line;
          if (i + 1 >= fields.length || numbers[i + 1] !== 6003) {
            this.add(KVDT_RULES.DIAGNOSIS_CERTAINTY, f.line, '6001', `Zeile ${f.line}: Diagnose ${f.value} ohne Diagnosensicherheit (6003) direkt dahinter.`);
          }
          break;
        }
        default:
          break;
      }
    }
    closeService();
    for (const [line, message] of video.problems()) this.add(KVDT_RULES.VIDEO_MARKER, line, '5001', `${where}: ${message}`);
  }
}

/** The field id as a number, or -1 when it is not 4 digits. */
function fieldNumber(id: string): number {
  if (id.length !== 4) return -1;
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0xa0;
}

function quarterOfYmd(ymd: string): string {
  return `${Math.ceil(Number(ymd.slice(4, 6)) / 3)}${ymd.slice(0, 4)}`;
}

/** Validates events already read (e.g. a `KvdtDocument`'s records and errors, in file order). */
export function validateKvdtEvents(events: Iterable<KvdtEvent>): Finding[] {
  const v = new KvdtValidator();
  for (const e of events) v.onEvent(e);
  return v.finish();
}

/** Validates a KVDT source (bytes, file path or stream) while streaming through it. Never throws. */
export async function validateKvdt(source: KvdtSource): Promise<Finding[]> {
  const v = new KvdtValidator();
  for await (const event of parseKvdt(source)) v.onEvent(event);
  return v.finish();
}

const PAUSCHALEN = new Set(['01205', '01207', '01210', '01212']);

/** The video marking of one 0104 case: 88220 must agree with the (un)marked Notfallpauschalen. */
class VideoMarks {
  private marker: number | undefined;
  private readonly unmarked: { line: number; gop: string }[] = [];
  private readonly marked: { line: number; gop: string }[] = [];
  private otherContacts = 0;

  see(f: KvdtField, day: string | undefined): void {
    if (day === undefined || !/^\d{8}$/.test(day)) return;
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    if (f.value === videoOnlyCaseGop(date)) {
      this.marker ??= f.line;
      return;
    }
    const code = readKvdtGopCode(f.value, date);
    if (code.video) this.marked.push({ line: f.line, gop: f.value });
    else if (PAUSCHALEN.has(code.gop)) this.unmarked.push({ line: f.line, gop: code.gop });
    else if (needsTime(code.gop)) this.otherContacts++;
  }

  problems(): [number, string][] {
    const marker = this.marker;
    if (marker !== undefined) {
      return this.unmarked.map((u): [number, string] => [
        u.line,
        `Zeile ${u.line}: ${u.gop} ohne Video-Kennzeichnung, aber 88220 (Zeile ${marker}) kennzeichnet einen Fall nur mit Videokontakten.`,
      ]);
    }
    const first = this.marked[0];
    if (first !== undefined && this.unmarked.length === 0 && this.otherContacts === 0) {
      return [[first.line, `Zeile ${first.line}: ${first.gop} per Video ist der einzige Kontakt des Falls, die Kennzeichnung 88220 fehlt.`]];
    }
    return [];
  }
}
