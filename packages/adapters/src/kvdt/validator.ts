/**
 * KVDT validator: structure, mandatory fields of 0104, field formats and lengths, identifiers (LANR, BSNR,
 * KVNR, IK, ICD, GOP via `@pvskit/core`), service and diagnosis rules. Streams like the reader; findings
 * carry `line` and `field`. It covers what docs/kvdt.md condenses, not KBV's full check module (XPM) with
 * its KV master data.
 *
 * The rules work line by line ({@link LineValidator}): fed straight from the byte scanner when checking a
 * source (no field objects, values cut out only where a rule reads them), or from records read earlier.
 */
import type { Finding } from '@pvskit/core';
import { KVDT_FIELDS } from './field-table.js';
import { fieldChecks, type FieldCheck } from './field-checks.js';
import { KvdtLine, KvdtLineScanner, parseError, type KvdtLineSink } from './line-scanner.js';
import type { KvdtEvent, KvdtParseError, KvdtParseErrorCode, KvdtRecord } from './model.js';
import { chunksOf, type KvdtSource } from './reader.js';
import { ADT_CASE_RECORDS, KVDT_MANDATORY_FIELDS, KVDT_PACKAGES, KVDT_RULES, SUG_0104, type KvdtRule } from './rules.js';
import { VideoMarks } from './video-marks.js';

/** Per Satzart and field number: 1 + the field's position in the mandatory list (0 = not mandatory). */
const MANDATORY_INDEX: ReadonlyMap<string, Uint8Array> = new Map(
  Object.entries(KVDT_MANDATORY_FIELDS).map(([satzart, ids]) => {
    const index = new Uint8Array(10_000);
    ids.forEach((id, i) => (index[fieldNumber(id)] = i + 1));
    return [satzart, index];
  }),
);

/** Fields whose values the record rules read (quarter, SUG, service days, GOPs, diagnoses, billing quarter). */
const RECORD_RULE_FIELDS = new Uint8Array(10_000);
for (const id of [4101, 4239, 5000, 5001, 6001, 9204]) RECORD_RULE_FIELDS[id] = 1;

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

// A UTF-8 lead byte C2/C3 followed by a continuation byte A0–BF, as ISO-8859-15 decodes them. The scanner
// tests the same on bytes; this form serves values given as text.
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

type Package = (typeof KVDT_PACKAGES)[number];

/** Packages by the Satzart of their header, trailer and records (the first package naming it). */
function packagesBy(satzarten: (p: Package) => readonly string[]): ReadonlyMap<string, Package> {
  const map = new Map<string, Package>();
  for (const p of KVDT_PACKAGES) for (const s of satzarten(p)) if (!map.has(s)) map.set(s, p);
  return map;
}
const PACKAGE_OF_HEADER = packagesBy((p) => [p.header]);
const PACKAGE_OF_TRAILER = packagesBy((p) => [p.trailer]);
const PACKAGE_OF_RECORD = packagesBy((p) => p.records);

/** What the rules need to know of a Satzart, looked up once per record. */
interface RecordKind {
  readonly required: readonly string[] | undefined;
  /** Per field number: 1 + its position in `required` (0 = not mandatory). */
  readonly mandatoryIndex: Uint8Array | undefined;
  /** A treatment case of the ADT package (0101–0104): its 4101 must match 9204. */
  readonly adtCase: boolean;
  /** Services, diagnoses and quarter are checked (ADT cases and 0109). */
  readonly caseRules: boolean;
  readonly is0104: boolean;
}

const RECORD_KINDS = new Map<string, RecordKind>();

function recordKind(satzart: string): RecordKind {
  let kind = RECORD_KINDS.get(satzart);
  if (kind === undefined) {
    const adtCase = ADT_CASE_RECORDS.includes(satzart);
    kind = {
      // Own keys only: a Satzart read from a file may be `constructor`.
      required: Object.hasOwn(KVDT_MANDATORY_FIELDS, satzart) ? KVDT_MANDATORY_FIELDS[satzart] : undefined,
      mandatoryIndex: MANDATORY_INDEX.get(satzart),
      adtCase,
      caseRules: adtCase || satzart === '0109',
      is0104: satzart === '0104',
    };
    // Satzarten come from the file: bounded, whatever it holds.
    if (RECORD_KINDS.size >= 256) RECORD_KINDS.clear();
    RECORD_KINDS.set(satzart, kind);
  }
  return kind;
}

type Phase = 'start' | 'con0' | 'besa' | 'rvsa' | 'package' | 'afterPackage' | 'end';

/**
 * The rules, fed line by line in file order ({@link KvdtLineSink}); `finish` gives the findings. Record
 * rules run when the record ends, on the field numbers, lines and the few values they need.
 */
class LineValidator implements KvdtLineSink {
  private readonly findings: Finding[] = [];
  /** Records per Satzart. */
  readonly counts: Record<string, number> = {};
  private phase: Phase = 'start';
  private currentPackage: Package | undefined;
  private readonly seen = new Set<string>();
  private billingQuarter: string | undefined;
  private readonly checks = fieldChecks();
  private lastLine = 0;

  // The current record.
  private satzart = '';
  private recordLine = 0;
  private size = 0;
  private numbers = new Int32Array(256);
  private lines = new Int32Array(256);
  /** Values of RECORD_RULE_FIELDS only (other slots are stale). */
  private values: (string | undefined)[] = new Array<string | undefined>(256);
  private first4101 = -1;
  private first4239 = -1;
  private first9204 = -1;
  private kind: RecordKind = recordKind('');
  private readonly mandatorySeen = new Uint8Array(Math.max(...Object.values(KVDT_MANDATORY_FIELDS).map((ids) => ids.length)));
  private readonly video = new VideoMarks();

  error(error: KvdtParseError): void {
    this.add(PARSE_RULES[error.code], error.line, error.field, error.messageDe);
  }

  recordStart(satzart: string, line: number): void {
    this.satzart = satzart;
    this.kind = recordKind(satzart);
    this.recordLine = line;
    this.size = 0;
    this.first4101 = -1;
    this.first4239 = -1;
    this.first9204 = -1;
    this.counts[satzart] = (this.counts[satzart] ?? 0) + 1;
    if (satzart !== '') this.checkOrder(satzart, line);
    if (this.kind.required !== undefined) this.mandatorySeen.fill(0);
  }

  field(line: KvdtLine): void {
    const i = this.size++;
    if (i === this.numbers.length) this.grow();
    const n = line.fieldNumber;
    this.numbers[i] = n;
    this.lines[i] = line.number;
    this.lastLine = line.number;
    if (n < 0) return;
    const index = this.kind.mandatoryIndex;
    if (index !== undefined) {
      const position = index[n] as number;
      if (position > 0) this.mandatorySeen[position - 1] = 1;
    }
    if (!line.malformed) this.checkField(line, n, this.checks[n]);
    if (RECORD_RULE_FIELDS[n] === 1) {
      this.values[i] = line.value();
      if (n === 4101 && this.first4101 < 0) this.first4101 = i;
      else if (n === 4239 && this.first4239 < 0) this.first4239 = i;
      else if (n === 9204 && this.first9204 < 0) this.first9204 = i;
    }
  }

  recordEnd(): void {
    const kind = this.kind;
    if (kind.required !== undefined) this.reportMissing(kind.required);
    if (this.satzart === 'adt0') this.billingQuarter = this.first9204 < 0 ? undefined : this.values[this.first9204];
    if (kind.caseRules) this.checkCase(kind);
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

  private grow(): void {
    const size = this.numbers.length * 2;
    const numbers = new Int32Array(size);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const lines = new Int32Array(size);
    lines.set(this.lines);
    this.lines = lines;
    this.values.length = size;
  }

  private add(rule: KvdtRule, line: number, field: string | undefined, message: string): void {
    this.findings.push(finding(rule, line, field, message));
  }

  private checkOrder(s: string, line: number): void {
    this.seen.add(s);
    const expected = this.misplaced(s, line);
    if (expected !== undefined) this.add(KVDT_RULES.ORDER, line, '8000', `Satzart ${s} steht an falscher Stelle (erwartet: ${expected}).`);
  }

  /** Moves the record order on by Satzart `s`; returns what was expected instead when `s` is out of place. */
  private misplaced(s: string, line: number): string | undefined {
    if (this.phase === 'end') return 'nichts nach con9';
    if (s === 'con0') {
      if (this.phase !== 'start') return 'con0 nur als erster Satz';
      this.phase = 'con0';
    } else if (s === 'besa') {
      if (this.phase !== 'con0' && this.phase !== 'besa') return 'besa direkt nach con0';
      this.phase = 'besa';
    } else if (s === 'rvsa') {
      if (this.phase !== 'besa' && this.phase !== 'rvsa') return 'rvsa nach besa';
      this.phase = 'rvsa';
    } else if (PACKAGE_OF_HEADER.has(s)) {
      if (this.phase !== 'rvsa' && this.phase !== 'afterPackage') return `${s} nach rvsa oder nach dem Ende eines Pakets`;
      this.phase = 'package';
      this.currentPackage = PACKAGE_OF_HEADER.get(s);
    } else if (PACKAGE_OF_TRAILER.has(s)) {
      const pkg = PACKAGE_OF_TRAILER.get(s) as Package;
      if (this.phase !== 'package' || this.currentPackage !== pkg) return `${s} nur am Ende des Pakets ${pkg.header}`;
      this.phase = 'afterPackage';
      this.currentPackage = undefined;
    } else if (PACKAGE_OF_RECORD.has(s)) {
      const pkg = PACKAGE_OF_RECORD.get(s) as Package;
      if (this.phase !== 'package' || this.currentPackage !== pkg) return `${s} innerhalb des Pakets ${pkg.header} … ${pkg.trailer}`;
    } else if (s === 'con9') {
      if (this.phase !== 'afterPackage') return 'con9 nach dem letzten Paket';
      this.phase = 'end';
    } else {
      this.add(KVDT_RULES.RECORD_UNKNOWN, line, '8000', `Unbekannte Satzart „${s}“.`);
    }
    return undefined;
  }

  /** One well-formed line whose field id is 4 digits. */
  private checkField(line: KvdtLine, n: number, check: FieldCheck | undefined): void {
    const { id, number: ln } = line;
    if (n === 8100) {
      this.add(KVDT_RULES.NOT_ALLOWED, ln, id, `Zeile ${ln}: Feld 8100 gibt es in KVDT nicht (nur GDT/BDT).`);
    }
    if (check !== undefined && check.forbiddenIn.length > 0 && check.forbiddenIn.includes(this.satzart)) {
      this.add(KVDT_RULES.NOT_ALLOWED, ln, id, `Zeile ${ln}: Feld ${id} ist in Satzart ${this.satzart} nicht erlaubt.`);
    }
    // Content holds no control characters (the scanner flags those), so a blank is the only edge to look for.
    const length = line.length;
    if (length === 0 || (line.blankEdge && line.value().charCodeAt(0) === 0x20 && line.value().trim() === '')) {
      this.add(KVDT_RULES.FIELD_EMPTY, ln, id, `Zeile ${ln}: Feld ${id} ist leer.`);
      return;
    }
    if (line.blankEdge) {
      this.add(KVDT_RULES.FIELD_BLANKS, ln, id, `Zeile ${ln}: Feld ${id} beginnt oder endet mit Leerzeichen.`);
    }
    if (line.utf8Suspect) {
      this.add(KVDT_RULES.UTF8_SUSPECT, ln, id, `Zeile ${ln}: Feld ${id} („${line.value()}“) sieht nach UTF-8 aus; KVDT verlangt ISO-8859-15.`);
    }
    if (check === undefined) return;
    const def = check.def;
    if (check.judged) {
      const verdict = check.verdictFor(line);
      const result = verdict.identifier;
      if (result !== undefined) {
        if (!result.ok) this.findings.push({ rule: result.rule, severity: 'error', message: `Zeile ${ln}, Feld ${id}: ${result.reasonDe}`, line: ln, field: id });
      } else if (def !== undefined && verdict.problem !== undefined) {
        this.add(KVDT_RULES.FIELD_FORMAT, ln, id, `Zeile ${ln}: ${def.label} (${id}) „${line.value()}“: ${verdict.problem}.`);
      }
    }
    if (length > check.maxBytes && def !== undefined) {
      this.add(KVDT_RULES.FIELD_LENGTH, ln, id, `Zeile ${ln}: ${def.label} (${id}) hat ${length} Zeichen, erlaubt sind ${check.maxBytes}.`);
    }
  }

  private reportMissing(required: readonly string[]): void {
    for (let i = 0; i < required.length; i++) {
      if (this.mandatorySeen[i] === 1) continue;
      const id = required[i] as string;
      const label = KVDT_FIELDS.get(id)?.label ?? id;
      this.add(KVDT_RULES.MANDATORY, this.recordLine, id, `Satz ${this.satzart} ab Zeile ${this.recordLine}: Pflichtfeld ${id} (${label}) fehlt.`);
    }
  }

  /** Services, diagnoses and quarter of one treatment case. */
  private checkCase(kind: RecordKind): void {
    const is0104 = kind.is0104;
    const where = this.where;
    const { numbers, lines, values, size } = this;
    const quarter = this.first4101 < 0 ? undefined : values[this.first4101];
    if (kind.adtCase && quarter !== undefined && this.billingQuarter !== undefined && quarter !== this.billingQuarter) {
      this.add(KVDT_RULES.QUARTER, lines[this.first4101] as number, '4101', `${where()}: Quartal ${quarter} weicht vom Abrechnungsquartal ${this.billingQuarter} (9204) ab.`);
    }
    if (is0104 && this.first4239 >= 0) {
      const sug = values[this.first4239] as string;
      if (!SUG_0104.includes(sug)) {
        this.add(KVDT_RULES.SUG, lines[this.first4239] as number, '4239', `${where()}: Scheinuntergruppe ${sug} ist in Satzart 0104 nicht zulässig (41–46).`);
      }
    }
    let day: string | undefined;
    /** The service day as an ISO date, when it is 8 digits. */
    let date: string | undefined;
    const video = this.video;
    video.reset();
    // The open service: its line (0 = none), GOP and whether it carried its own BSNR and LANR.
    let serviceLine = 0;
    let serviceGop = '';
    let serviceBsnr = false;
    let serviceLanr = false;
    let diagnosisSeen: number | undefined;
    for (let i = 0; i <= size; i++) {
      const n = i < size ? (numbers[i] as number) : -1;
      if (serviceLine > 0 && (n === 5000 || n === 5001 || n === 6001 || i === size)) {
        if (is0104) {
          if (!serviceBsnr) this.add(KVDT_RULES.SERVICE_BSNR, serviceLine, '5098', `Zeile ${serviceLine}: Leistung ${serviceGop} ohne eigene BSNR (5098).`);
          if (!serviceLanr) this.add(KVDT_RULES.SERVICE_LANR, serviceLine, '5099', `Zeile ${serviceLine}: Leistung ${serviceGop} ohne eigene LANR (5099).`);
        }
        serviceLine = 0;
      }
      switch (n) {
        case 5000: {
          const value = values[i] as string;
          const line = lines[i] as number;
          if (day !== undefined && value < day) {
            this.add(KVDT_RULES.DATE_ORDER, line, '5000', `Zeile ${line}: Leistungstag ${value} liegt vor dem vorigen (${day}).`);
          }
          day = value;
          const facts = serviceDay(value);
          date = facts.date;
          if (is0104 && quarter !== undefined && date !== undefined && facts.quarter !== quarter) {
            this.add(KVDT_RULES.QUARTER, line, '5000', `Zeile ${line}: Leistungstag ${value} liegt nicht im Quartal ${quarter}.`);
          }
          if (is0104 && diagnosisSeen !== undefined) {
            this.add(KVDT_RULES.DIAGNOSIS_POSITION, diagnosisSeen, '6001', `Zeile ${diagnosisSeen}: Diagnosen stehen in Satzart 0104 nach allen Leistungen.`);
            diagnosisSeen = undefined;
          }
          break;
        }
        case 5001: {
          const value = values[i] as string;
          const line = lines[i] as number;
          if (day === undefined) this.add(KVDT_RULES.SERVICE_DATE, line, '5001', `Zeile ${line}: Leistung ${value} ohne Leistungstag (5000).`);
          serviceLine = line;
          serviceGop = value;
          serviceBsnr = false;
          serviceLanr = false;
          if (is0104 && date !== undefined) video.see(value, line, date);
          break;
        }
        case 5098:
          if (serviceLine > 0) serviceBsnr = true;
          break;
        case 5099:
          if (serviceLine > 0) serviceLanr = true;
          break;
        case 6001: {
          const line = lines[i] as number;
          diagnosisSeen ??= line;
          if (i + 1 >= size || numbers[i + 1] !== 6003) {
            this.add(KVDT_RULES.DIAGNOSIS_CERTAINTY, line, '6001', `Zeile ${line}: Diagnose ${values[i] as string} ohne Diagnosensicherheit (6003) direkt dahinter.`);
          }
          break;
        }
        default:
          break;
      }
    }
    for (const [line, message] of video.problems()) this.add(KVDT_RULES.VIDEO_MARKER, line, '5001', `${where()}: ${message}`);
  }

  /** Where the current record starts, for messages. */
  private readonly where = (): string => `Satz ${this.satzart} ab Zeile ${this.recordLine}`;

  /** Feeds a record read earlier, field by field. */
  replay(record: KvdtRecord, view: KvdtLine): void {
    this.recordStart(record.satzart, record.line);
    for (const f of record.fields) {
      view.setField(f.id, fieldNumber(f.id), f.value, f.line, f.malformed === true, UTF8_SUSPECT.test(f.value));
      this.field(view);
    }
    this.recordEnd();
  }
}

const EIGHT_DIGITS = /^\d{8}$/;

/** A service day (5000) as an ISO date (`undefined` unless 8 digits) and the quarter it falls in. */
interface ServiceDay {
  readonly date: string | undefined;
  readonly quarter: string;
}

// A quarter's service days recur from case to case: each is read once (bounded).
const SERVICE_DAYS = new Map<string, ServiceDay>();

function serviceDay(ymd: string): ServiceDay {
  let day = SERVICE_DAYS.get(ymd);
  if (day === undefined) {
    day = {
      date: EIGHT_DIGITS.test(ymd) ? `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}` : undefined,
      quarter: `${Math.ceil(Number(ymd.slice(4, 6)) / 3)}${ymd.slice(0, 4)}`,
    };
    if (SERVICE_DAYS.size >= 1024) SERVICE_DAYS.clear();
    SERVICE_DAYS.set(ymd, day);
  }
  return day;
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

/** Incremental validator: feed reader events, then call {@link KvdtValidator.finish}. */
export class KvdtValidator {
  private readonly rules = new LineValidator();
  private readonly view = new KvdtLine();

  /** Takes one event of the reader. */
  onEvent(event: KvdtEvent): void {
    if (event.type === 'error') this.rules.error(event.error);
    else this.rules.replay(event.record, this.view);
  }

  /** All findings, in file order of their lines (file-level findings last). */
  finish(): Finding[] {
    return this.rules.finish();
  }
}

/** Validates events already read (e.g. a `KvdtDocument`'s records and errors, in file order). */
export function validateKvdtEvents(events: Iterable<KvdtEvent>): Finding[] {
  const v = new KvdtValidator();
  for (const e of events) v.onEvent(e);
  return v.finish();
}

/**
 * Checks a KVDT source in one pass over its bytes: findings (as {@link validateKvdt}) and records per
 * Satzart. Never throws: an unreadable source is a `KVDT-READ` finding.
 */
export async function checkKvdtSource(source: KvdtSource): Promise<{ findings: Finding[]; counts: Record<string, number> }> {
  const rules = new LineValidator();
  // Values are cut out one by one, only where a rule reads them.
  const scanner = new KvdtLineScanner(rules, false);
  try {
    for await (const chunk of chunksOf(source)) scanner.push(chunk);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    rules.error(parseError('READ', 0, undefined, reason));
  }
  scanner.end();
  return { findings: rules.finish(), counts: rules.counts };
}

/** Validates a KVDT source (bytes, file path or stream) while streaming through it. Never throws. */
export async function validateKvdt(source: KvdtSource): Promise<Finding[]> {
  return (await checkKvdtSource(source)).findings;
}
