import type { Validity } from './types.js';

/**
 * How a video contact reaches the KV in KVDT (field 5001).
 *
 * Sources read 2026-11-29 (quoted verbatim):
 * - KBV EBM online, GOP 01210 (Stand 2024/3), https://www.kbv.de/tools/ebm/html/01210_2902913022083955875136.html:
 *   "Bei Durchführung der Leistung im Rahmen einer Videosprechstunde ist dies durch Angabe einer bundeseinheitlich
 *   kodierten Zusatzkennzeichnung zu dokumentieren"; 01212 reads the same. The page does not name the code.
 * - EBM Allgemeine Bestimmungen 4.3.1 Nr. 1 (as reprinted on https://www.xn--ebm-go-gua.de/der-kommentar/addendum/):
 *   "10 % für die Notfallpauschalen nach den Gebührenordnungspositionen 01 210 und 01 212. Die Abschläge werden
 *   durch die zuständige Kassenärztliche Vereinigung vorgenommen." So the KV must see which cases were video only.
 * - KV Bremen, "Videosprechstunde", https://www.kvhb.de/videosprechstunde (news up to 19.01.2021): "Bestimmte
 *   Leistungen, die im Rahmen der Videosprechstunde durchgeführt werden können, sind ab dem 3. Quartal 2020 nur
 *   berechnungsfähig wenn sie mit einem entsprechenden Suffix gekennzeichnet werden." Its table "GOP | Suffix |
 *   Kurzbeschreibung/Anmerkung" begins "88220 | Ø | Kennzeichnung der Fälle bei ausschließlichem Kontakt im Rahmen
 *   der Videosprechstunde im Quartal." The page predates video 01210/01212 (2022-07-01), so it has no row for them.
 * - Der Hausarzt, https://hausarzt.digital/?p=66255 (2020, marked partly outdated on 22.1.21): "Sollte im Quartal
 *   ausschließlich ein (oder mehrere) Video-Kontakt(e) stattfinden, ist der Fall mit der Ziffer 88220 zu
 *   kennzeichnen."
 * - IWW AAA, "EBM 2022 – Nur für Vertragsärzte: Videosprechstunde auch im Notdienst",
 *   https://iww.de/aaa/kassenabrechnung/ebm-2022-nur-fuer-vertragsaerzte-videosprechstunde-auch-im-notdienst-f147856:
 *   "108 Punkten für Nr. 01210 … 176 Punkten für Nr. 01212 … Diese Abschläge werden von den KVen automatisch
 *   vorgenommen."
 * - meetone.io, "Videosprechstunde Abrechnung EBM" (2026, a video provider's guide, secondary),
 *   https://www.meetone.io/ratgeber/videosprechstunde-abrechnung-ebm: "Die Abrechnung erfolgt über die reguläre GOP
 *   mit dem Suffix V für Video", table row "Problemorientiertes Gespräch (Hausarzt) | 03230 | V".
 *
 * Result: 88220 (no suffix) for a case with video contacts only is confirmed by a KV table. The letter `V` is the
 * video suffix of secondary sources for video-performed GOPs in general; no primary table (KBV or KV) naming the
 * suffix of 01210/01212 was found. Check it against the KV's current table before relying on it.
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
      'KBV EBM 01210/01212 Anmerkung (bundeseinheitlich kodierte Zusatzkennzeichnung); EBM AB 4.3.1 Nr. 1 (Abschlag ' +
      'durch die KV); KV Bremen www.kvhb.de/videosprechstunde (88220 ohne Suffix); Suffix V für Videoleistungen nach ' +
      'Sekundärquellen (meetone.io 2026), für 01210/01212 in keiner KBV- oder KV-Tabelle bestätigt (geprüft 2026-11-29)',
  },
];

/** The marking valid on `date`, or undefined. */
export function videoMarkingOn(date: string): VideoMarking | undefined {
  return VIDEO_MARKINGS.find((m) => (m.validFrom === null || date >= m.validFrom) && (m.validTo === null || date <= m.validTo));
}
