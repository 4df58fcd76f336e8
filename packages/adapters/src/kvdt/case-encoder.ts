/**
 * One case to Satzart 0104 bytes in one pass: each field is checked and written straight into the output
 * chunk, and the case's bytes are taken back when it is refused. Values whose characters are their own
 * ISO-8859-15 bytes, free of edge blanks and accepted by the compiled field rule (nearly all of them) are
 * copied byte for byte; every other value takes the general way (`prepareField`: transliteration,
 * ISO-8859-15, trimming, 5009 splitting and the messages), so both ways give the same bytes and problems.
 */
import {
  caseProblems,
  kvdtDate,
  kvdtTime,
  layoutCase0104,
  prepareField,
  type ExportCase,
  type ExportProblem,
  type FieldOut,
  type FieldSpec,
  type KvdtHeader,
  type PreparedLines,
} from './export-case.js';
import { fieldRule } from './field-rules.js';
import { FieldKind, PreviousCase } from './previous-case.js';
import type { LineSink } from './sink.js';
import type { TransliterationTable } from './transliteration.js';

const DASH = 0x2d;
const COLON = 0x3a;

/** Blank or no-break space: the characters `trim()` removes that {@link LineSink.directLine} would write. */
const isBlank = (code: number): boolean => code === 0x20 || code === 0xa0;
const hasEdgeBlank = (value: string): boolean => isBlank(value.charCodeAt(0)) || isBlank(value.charCodeAt(value.length - 1));

/** Encodes cases into a {@link LineSink}. */
export class CaseEncoder implements FieldOut {
  private caseId = '';
  private problems: ExportProblem[] = [];
  private readonly scratch: PreparedLines = [];
  private readonly previous = new PreviousCase();
  /**
   * The error the line writer threw for a value the schema would not have let through (e.g. a `safe` value
   * with a character outside ISO-8859-15). Raised only when the case has no problem, as it was when the
   * lines were written after the check.
   */
  error: unknown;

  constructor(
    private readonly sink: LineSink,
    private readonly table: TransliterationTable | undefined,
  ) {}

  /**
   * Checks and encodes one case. Without problems and without {@link CaseEncoder.error} its lines stay in the
   * sink when `keep` is true; otherwise nothing of it stays. Returns the problems (empty: none).
   */
  encode(ec: ExportCase, header: KvdtHeader, quarter: string | undefined, keep: boolean): ExportProblem[] {
    return this.encodeFields(ec.caseId, caseProblems(ec, header, quarter), (out) => layoutCase0104(ec.case, header.quarter, out), keep);
  }

  /** {@link CaseEncoder.encode} for any fields: `problems` found before, `layout` writes the fields. */
  encodeFields(caseId: string, problems: ExportProblem[], layout: (out: FieldOut) => void, keep: boolean): ExportProblem[] {
    this.caseId = caseId;
    this.problems = problems;
    this.error = undefined;
    this.sink.begin();
    this.previous.begin();
    layout(this);
    this.previous.finish(this.sink);
    if (keep && this.problems.length === 0 && this.error === undefined) {
      this.previous.commit(this.sink);
      this.sink.commit();
    } else this.sink.rollback();
    return this.problems;
  }

  // Each field is first compared with the one at its place in the case before: a repeated field's lines are
  // copied with its run (see PreviousCase).

  text(id: string, value: string | undefined, path: string): void {
    if (this.previous.repeats(this.sink, id, FieldKind.text, value)) return;
    this.writeText(id, value, path);
    this.previous.written(this.sink);
  }

  safe(id: string, value: string | undefined, path: string): void {
    if (this.previous.repeats(this.sink, id, FieldKind.safe, value)) return;
    this.writeSafe(id, value, path);
    this.previous.written(this.sink);
  }

  split(id: string, value: string, path: string, max: number): void {
    if (this.previous.repeats(this.sink, id, FieldKind.split + max, value)) return;
    this.writeSplit(id, value, path, max);
    this.previous.written(this.sink);
  }

  date(id: string, value: string, path: string): void {
    if (this.previous.repeats(this.sink, id, FieldKind.date, value)) return;
    this.writeDate(id, value, path);
    this.previous.written(this.sink);
  }

  time(id: string, value: string, path: string): void {
    if (this.previous.repeats(this.sink, id, FieldKind.time, value)) return;
    this.writeTime(id, value, path);
    this.previous.written(this.sink);
  }

  private writeText(id: string, value: string | undefined, path: string): void {
    if (value === undefined || value === '') return;
    const rule = fieldRule(id);
    if (value === rule.lastAccepted) {
      // A value that repeats (BSNR, LANR, GOP, Kasse, …): its line is kept from its second time on.
      if (rule.lastLine !== undefined) {
        this.sink.copyLine(rule.lastLine);
        return;
      }
      if (this.sink.directLine(id, value)) {
        rule.lastLine = this.sink.copyOfLastLine();
        return;
      }
    } else if (!hasEdgeBlank(value) && rule.accepts(value) && this.sink.directLine(id, value)) {
      rule.lastAccepted = value;
      rule.lastLine = undefined;
      return;
    }
    this.general({ id, value, path });
  }

  // A safe value is never refused, so its path is never named.
  private writeSafe(id: string, value: string | undefined, _path: string): void {
    if (value === undefined || value === '') return;
    if (!this.sink.directLine(id, value)) this.line(id, value);
  }

  private writeSplit(id: string, value: string, path: string, max: number): void {
    // Short text of words separated by single blanks is its own only piece (a no-break space splits words too).
    const single =
      value.length > 0 && value.length <= max && !hasEdgeBlank(value) && !value.includes('  ') && !value.includes('\u00a0') && fieldRule(id).accepts(value);
    if (single && this.sink.directLine(id, value)) return;
    this.general({ id, value, path, splitAt: max });
  }

  private writeDate(id: string, value: string, path: string): void {
    const direct = value.length === 10 && value.charCodeAt(4) === DASH && value.charCodeAt(7) === DASH && this.sink.digitsLine(id, value, 4, 7);
    if (!direct) this.writeSafe(id, kvdtDate(value), path);
  }

  private writeTime(id: string, value: string, path: string): void {
    const direct = value.length === 5 && value.charCodeAt(2) === COLON && this.sink.digitsLine(id, value, 2, -1);
    if (!direct) this.writeSafe(id, kvdtTime(value), path);
  }

  /** The general way: `prepareField` gives the line(s) or the problems. */
  private general(spec: FieldSpec): void {
    const lines = this.scratch;
    lines.length = 0;
    prepareField(spec, this.caseId, this.table, lines, this.problems);
    for (let i = 0; i < lines.length; i += 2) this.line(lines[i] as string, lines[i + 1] as string);
  }

  private line(id: string, content: string): void {
    try {
      this.sink.line(id, content);
    } catch (e) {
      this.error ??= e;
    }
  }
}
