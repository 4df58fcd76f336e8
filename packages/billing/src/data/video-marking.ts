import { SOURCES } from './sources.js';
import type { Validity } from './types.js';

/**
 * How a video contact reaches the KV in KVDT (field 5001).
 *
 * Sources read 2026-11-29 (quoted verbatim):
 * - KBV EBM online, GOP 01210 (Stand 2024/3), https://www.kbv.de/tools/ebm/html/01210_2902913022083955875136.html:
 *   "Bei Durchführung der Leistung im Rahmen einer Videosprechstunde ist dies durch Angabe einer bundeseinheitlich
 *   kodierten Zusatzkennzeichnung zu dokumentieren"; 01212 reads the same. The page does not name the code.
 * - KV Rheinland-Pfalz, "EBM-Änderungen: Videosprechstunde im organisierten Not(-fall)dienst", 28.06.2022,
 *   "Wirksam: 1. Juli 2022 | 80. Sitzung des ergänzten erweiterten Bewertungsausschusses",
 *   https://www.kv-rlp.de/nachrichten/nachrichtentext/ebm-aenderungen-videosprechstunde-im-organisierten-not-falldienst/:
 *   "In der Videosprechstunde ist die entsprechende Notfallpauschale bundeseinheitlich mit „V“ zu kennzeichnen (z. B.
 *   01210V)." and "Bei ausschließlichem Arzt-Patienten-Kontakt per Videosprechstunde im Behandlungsfall erfolgt ein
 *   Abschlag von 10 % auf die Notfallpauschalen nach GOP 01210 und 01212. Diese Fälle sind mit der Pseudo-Nummer
 *   88220 zu kennzeichnen." This is the code the EBM text leaves open (SOURCES.kvRlpVideoNotdienst).
 * - CGM (a PVS vendor), "Bereitschaftsdienst: Notfallpauschalen auch per Videosprechstunde" (2022),
 *   https://cgm.com/deu_de/magazin/artikel/clickdoc/2022/bereitschaftsdienst-notfallpauschalen-auch-per-videosprechstunde.html:
 *   "Notfallpauschalen GOP 01210 | GOP 01212 – Erweiterung um die Kontaktoption „Videosprechstunde“ – Dokumentation
 *   durch Angabe einer bundeseinheitlich kodierten Zusatzkennzeichnung".
 * - EBM Allgemeine Bestimmungen 4.3.1 Nr. 1 (as reprinted on https://www.xn--ebm-go-gua.de/der-kommentar/addendum/):
 *   "10 % für die Notfallpauschalen nach den Gebührenordnungspositionen 01 210 und 01 212. Die Abschläge werden
 *   durch die zuständige Kassenärztliche Vereinigung vorgenommen." So the KV must see which cases were video only.
 * - KV Bremen, "Videosprechstunde", https://www.kvhb.de/videosprechstunde (news up to 19.01.2021): its table "GOP |
 *   Suffix | Kurzbeschreibung/Anmerkung" begins "88220 | Ø | Kennzeichnung der Fälle bei ausschließlichem Kontakt im
 *   Rahmen der Videosprechstunde im Quartal." 88220 carries no suffix itself.
 *
 * Result: `V` on 01210/01212 and 88220 for a case with video contacts only, both from 2022-07-01, are stated by a
 * KV's announcement of the EBM change; the KBV's own list of the bundeseinheitlich kodierte Zusatzkennzeichnungen
 * was not among the stored sources.
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
    // 01210/01212 are billable by video since 2022-07-01 (80th session of the ergänzter erweiterter Bewertungsausschuss).
    validFrom: '2022-07-01',
    validTo: null,
    suffixGops: ['01210', '01212'],
    suffix: 'V',
    videoOnlyCaseGop: '88220',
    source: `KBV EBM 01210/01212 Anmerkung (bundeseinheitlich kodierte Zusatzkennzeichnung); ${SOURCES.kvRlpVideoNotdienst}; ${SOURCES.ebmVideoReduction}`,
  },
];

/** The marking valid on `date`, or undefined. */
export function videoMarkingOn(date: string): VideoMarking | undefined {
  return VIDEO_MARKINGS.find((m) => (m.validFrom === null || date >= m.validFrom) && (m.validTo === null || date <= m.validTo));
}
