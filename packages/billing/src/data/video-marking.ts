import type { Validity } from './types.js';

/**
 * How a video contact reaches the KV in KVDT (field 5001).
 *
 * Sources found (2026-11-29):
 * - KBV EBM online, GOP 01210 (Stand 2024/3): "Bei Durchführung der Leistung im Rahmen einer Videosprechstunde
 *   ist dies durch Angabe einer bundeseinheitlich kodierten Zusatzkennzeichnung zu dokumentieren"; 01212 reads
 *   the same. https://www.kbv.de/tools/ebm/html/01210_2902913022083955875136.html
 * - KV Bremen, "Videosprechstunde" (www.kvhb.de/videosprechstunde): GOPs performed by video are billable only
 *   with their suffix (table "GOP | Suffix"); 88220 (no suffix) marks a case whose contacts in the quarter were
 *   all by video.
 * - EBM Allgemeine Bestimmungen 4.3.1: in a case with video contacts only, the KV takes 10 % off 01210/01212.
 *
 * Not found: a KBV primary table naming the suffix letter for 01210/01212. `V` is the letter of the KV tables
 * for video-performed GOPs; check it against the KV's current table before relying on it.
 */
export interface VideoMarking extends Validity {
  /** GOPs whose video performance carries the `suffix` in 5001. */
  readonly suffixGops: readonly string[];
  /** The Zusatzkennzeichnung appended to the GOP (`01210V`). */
  readonly suffix: string;
  /** Pseudo GOP for a case with video contacts only. */
  readonly videoOnlyCaseGop: string;
  readonly source: string;
}

export const VIDEO_MARKINGS: readonly VideoMarking[] = [
  {
    // 01210/01212 are billable by video since 2022-07-01 (80th session of the ergänzter Bewertungsausschuss).
    validFrom: '2022-07-01',
    validTo: null,
    suffixGops: ['01210', '01212'],
    suffix: 'V',
    videoOnlyCaseGop: '88220',
    source:
      'KBV EBM 01210/01212 Anmerkung (bundeseinheitlich kodierte Zusatzkennzeichnung); KV Bremen Übersicht ' +
      'Videosprechstunde (GOP-Suffix, 88220); Suffix-Buchstabe V für 01210/01212 nicht in einer KBV-Primärquelle bestätigt',
  },
];

/** The marking valid on `date`, or undefined. */
export function videoMarkingOn(date: string): VideoMarking | undefined {
  return VIDEO_MARKINGS.find((m) => (m.validFrom === null || date >= m.validFrom) && (m.validTo === null || date <= m.validTo));
}
