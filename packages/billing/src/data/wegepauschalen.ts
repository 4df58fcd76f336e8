import type { Region } from '@pvskit/core';
import { SOURCES } from './sources.js';
import type { Validity } from './types.js';

/** One radius zone of a region's Wegepauschalen table. */
export interface WegepauschaleZone {
  /** Zone applies when the radius distance is > previous zone's `maxKm` and ≤ this `maxKm` (null = open). */
  readonly maxKm: number | null;
  readonly day: { readonly gop: string; readonly euro: number };
  readonly night: { readonly gop: string; readonly euro: number };
  /**
   * For the open zone: how often the GOP is billed, as thresholds: count = 1 + number of thresholds the
   * distance exceeds (strictly).
   */
  readonly repeatAboveKm?: readonly number[];
}

/** A region's Wegepauschalen table with its validity and source. */
export interface WegepauschaleTable extends Validity {
  readonly region: Region;
  readonly zones: readonly WegepauschaleZone[];
  readonly source: string;
}

/**
 * Wegepauschalen of KV Baden-Württemberg (guide table "Übersicht über die Wegegebühren in Baden-Württemberg").
 * The guide gives the amounts without a date of validity, so the table is not bounded (`null`) rather than
 * dated by a guess; a dated KVBW table replaces it by adding a row with its `validFrom`. None was found
 * (searched 2026-11-29 for the GOPs 40190/40192/40220–40230 with these amounts and for KVBW fee tables and
 * Notfalldienst brochures): the amounts stay undated and marked as a KVBW rule, not EBM.
 */
export const WEGEPAUSCHALE_TABLES: readonly WegepauschaleTable[] = [
  {
    region: 'BW',
    validFrom: null,
    validTo: null,
    source: `${SOURCES.kvbwGuide}, Übersicht über die Wegegebühren in Baden-Württemberg (KVBW-Regelung, nicht EBM; ohne Gültigkeitsdatum im Leitfaden)`,
    zones: [
      { maxKm: 2, day: { gop: '40220', euro: 4.44 }, night: { gop: '40226', euro: 8.91 } },
      { maxKm: 5, day: { gop: '40222', euro: 8.91 }, night: { gop: '40228', euro: 13.99 } },
      { maxKm: 10, day: { gop: '40224', euro: 12.72 }, night: { gop: '40230', euro: 19.09 } },
      {
        maxKm: null,
        day: { gop: '40190', euro: 15.28 },
        night: { gop: '40192', euro: 20.99 },
        repeatAboveKm: [20, 30],
      },
    ],
  },
];
