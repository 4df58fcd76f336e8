/**
 * The case written last, field by field: for each field of its record, in the order the layout wrote them,
 * the field id, how it was written, its value and where its lines are in a copy of the case's bytes.
 *
 * A field's lines depend on its id, its kind and its value alone (the case id and the path only go into
 * messages), and a kept case had no problem. So a field at the same place with the same id, kind and value
 * as in the case before has the same lines without a problem, and a run of such fields is copied from the
 * case before at once instead of being checked and encoded line by line. Consecutive cases of an export share
 * most fields: practice, physician, Kasse, GOPs and the constant fields of 0104.
 */
import type { LineSink } from './sink.js';

/** How a field is written (see `FieldOut`); a split field's kind includes its piece length. */
export const FieldKind = { text: 0, safe: 1, date: 2, time: 3, split: 4 } as const;

/** Fields of the case written last, and the fields of the case being written that differ from them. */
export class PreviousCase {
  // The case written last: per field, and where its lines start (one entry more: where they end).
  private count = 0;
  private readonly ids: string[] = [];
  private readonly kinds: number[] = [];
  private readonly values: (string | undefined)[] = [];
  private readonly byteCounts: number[] = [];
  private readonly lineCounts: number[] = [];
  private readonly starts: number[] = [0];
  private readonly lineStarts: number[] = [0];
  private bytes = Buffer.allocUnsafe(4096);

  // The case being written: the next field's place, where the run of repeated fields began (-1: none),
  // and the fields that did not repeat.
  private at = 0;
  private runFrom = -1;
  private changes = 0;
  private readonly changedAt: number[] = [];
  private readonly changedIds: string[] = [];
  private readonly changedKinds: number[] = [];
  private readonly changedValues: (string | undefined)[] = [];
  private readonly changedBytes: number[] = [];
  private readonly changedLines: number[] = [];

  /** A case begins (after `sink.begin()`). */
  begin(): void {
    this.at = 0;
    this.runFrom = -1;
    this.changes = 0;
  }

  /**
   * True when the next field repeats the one at its place in the case before: its lines come with its run.
   * False: the caller writes the field and then calls {@link PreviousCase.written}.
   */
  repeats(sink: LineSink, id: string, kind: number, value: string | undefined): boolean {
    const k = this.at++;
    if (k < this.count && this.values[k] === value && this.ids[k] === id && this.kinds[k] === kind) {
      if (this.runFrom < 0) this.runFrom = k;
      return true;
    }
    if (this.runFrom >= 0) this.copyRun(sink, k);
    const c = this.changes++;
    this.changedAt[c] = k;
    this.changedIds[c] = id;
    this.changedKinds[c] = kind;
    this.changedValues[c] = value;
    // Until written: where the field's lines begin.
    this.changedBytes[c] = sink.pendingBytes;
    this.changedLines[c] = sink.pendingLines;
    return false;
  }

  /** The field that did not repeat was written (its lines, if any, are the last pending ones). */
  written(sink: LineSink): void {
    const c = this.changes - 1;
    this.changedBytes[c] = sink.pendingBytes - (this.changedBytes[c] as number);
    this.changedLines[c] = sink.pendingLines - (this.changedLines[c] as number);
  }

  /** The layout is done: the run still open is copied. */
  finish(sink: LineSink): void {
    if (this.runFrom >= 0) this.copyRun(sink, this.at);
  }

  /** The case is kept (before `sink.commit()`): it becomes the case before the next one. */
  commit(sink: LineSink): void {
    // Where lines start changes only from the first field whose size changed (often none: an id or a date
    // of the same length), or from the end of the shorter case.
    let moved = Math.min(this.count, this.at);
    for (let c = 0; c < this.changes; c++) {
      const k = this.changedAt[c] as number;
      const bytes = this.changedBytes[c] as number;
      const lines = this.changedLines[c] as number;
      if (k < moved && (bytes !== this.byteCounts[k] || lines !== this.lineCounts[k])) moved = k;
      this.ids[k] = this.changedIds[c] as string;
      this.kinds[k] = this.changedKinds[c] as number;
      this.values[k] = this.changedValues[c];
      this.byteCounts[k] = bytes;
      this.lineCounts[k] = lines;
    }
    this.count = this.at;
    let start = this.starts[moved] as number;
    let lineStart = this.lineStarts[moved] as number;
    for (let k = moved; k < this.count; k++) {
      start += this.byteCounts[k] as number;
      lineStart += this.lineCounts[k] as number;
      this.starts[k + 1] = start;
      this.lineStarts[k + 1] = lineStart;
    }
    const pending = sink.pending();
    if (pending.length > this.bytes.length) this.bytes = Buffer.allocUnsafe(Math.max(pending.length, this.bytes.length * 2));
    this.bytes.set(pending);
  }

  /** Copies the lines of the run of repeated fields before field `to`. */
  private copyRun(sink: LineSink, to: number): void {
    const from = this.runFrom;
    this.runFrom = -1;
    sink.copyBytes(this.bytes, this.starts[from] as number, this.starts[to] as number, (this.lineStarts[to] as number) - (this.lineStarts[from] as number));
  }
}
