import { SOURCES } from './sources.js';
import type { Validity } from './types.js';

/*
 * The small tables the Notfalldienst rules read: which Scheinuntergruppen a Notfalldienst case may carry,
 * which EBM chapters are shut out, and the age limits of Nr. 9. Dated and sourced like the catalogue, so a
 * change of the EBM is a new row, not a code change.
 */

/** A list of values in force for a period, with its source. */
export interface DatedList<T> extends Validity {
  readonly values: readonly T[];
  readonly source: string;
}

/** Scheinuntergruppen of the organised emergency service (41 Notfalldienst … 46). */
export const NOTFALL_SCHEINUNTERGRUPPEN: readonly DatedList<string>[] = [
  { validFrom: null, validTo: null, values: ['41', '42', '43', '44', '45', '46'], source: SOURCES.spec },
];

/** EBM chapters (first two digits of the GOP) not billable in a Notfalldienst case of a KV that says so (KVBW). */
export const CHAPTERS_SHUT_OUT_BY_KV: readonly DatedList<string>[] = [
  { validFrom: null, validTo: null, values: ['03', '04'], source: SOURCES.kvbwGuide },
];

/**
 * Single GOPs a KV shuts out of a chapter it otherwise lets the Notfalldienst bill. KVBW guide, billable chapters
 * of the organised emergency service: "Kap. 40 Kosten (außer Porto nach GOP 40110)" — chapter 40 costs are
 * billable there, postage is not.
 */
export const GOPS_SHUT_OUT_BY_KV: readonly DatedList<string>[] = [
  { validFrom: null, validTo: null, values: ['40110'], source: `${SOURCES.kvbwGuide} (Kap. 40 Kosten außer Porto nach GOP 40110)` },
];

/** EBM chapters beside which the Abklärungspauschalen 01205/01207 are not billable. */
export const CHAPTERS_BESIDE_ABKLAERUNG: readonly DatedList<string>[] = [
  { validFrom: '2017-04-01', validTo: null, values: ['33', '34', '35'], source: SOURCES.spec },
];

/** Age limits of Nr. 9 (01226): before the 3rd birthday, and from the 70th birthday with frailty. */
export interface AgeLimits extends Validity {
  readonly childBefore: number;
  readonly seniorFrom: number;
  readonly source: string;
}

export const NR9_AGE_LIMITS: readonly AgeLimits[] = [{ validFrom: '2017-04-01', validTo: null, childBefore: 3, seniorFrom: 70, source: SOURCES.spec }];

/** The row in force on `date` (rows are few: a scan is fine), or undefined. */
export function inForce<T extends Validity>(rows: readonly T[], date: string): T | undefined {
  return rows.find((r) => (r.validFrom === null || date >= r.validFrom) && (r.validTo === null || date <= r.validTo));
}

/** The GOP is one of the values in force on `date`. */
export function inList(rows: readonly DatedList<string>[], gop: string, date: string): boolean {
  return inForce(rows, date)?.values.includes(gop) ?? false;
}

/** The GOP belongs to one of the chapters in force on `date`. */
export function inChapters(rows: readonly DatedList<string>[], gop: string, date: string): boolean {
  return inForce(rows, date)?.values.includes(gop.slice(0, 2)) ?? false;
}
