/**
 * Where the built-in data comes from. Every table entry names one of these so a reviewer can trace a number
 * back to its source document.
 */
export const SOURCES = {
  /** KVBW "Leitfaden zur Abrechnung im organisierten Notfalldienst". */
  kvbwGuide: 'KVBW Leitfaden Abrechnung organisierter Notfalldienst',
  /** The EBM for 2025: section 1.2 (Notfalldienst) and its preamble; the rules built on it are listed in docs/rules.md. */
  spec: 'EBM 2025, Abschnitt 1.2 und Präambel',
  /** The EBM on video consultations (01444 authentication, 01450 Technikzuschlag, 01451 start-up funding). */
  videoSpec: 'EBM, Videosprechstunde (GOP 01444, 01450, 01451)',
  /**
   * KBV EBM online (www.kbv.de/tools/ebm): 01210 Stand 2024/3, 120 Punkte, with its Abrechnungsausschlüsse;
   * 01444 Stand 2022/2, 10 Punkte. The points of 01205–01226 and 01450 for 2024 match an EBM listing priced
   * with the 2024 Orientierungswert (01210 120 P = 14,32 €, i.e. 11,9339 ct), the same as the spec's 2025 values.
   */
  kbvEbm: 'KBV EBM online (Stand 2024/3) und EBM-Liste 2024 (Punktzahlen 2024 = 2025)',
  /**
   * EBM Stand 2026/2 (Q2 2026) as listed in github.com/paulgCleansheet/voice-to-fhir, src/extraction/ebm_lookup.py
   * (commit 48e39a5, "Source: KBV EBM Q2 2026, parsed from PDF"), read 2026-11-29: 01413 106, 01418 778, 01440 352,
   * 02100 67, 02300 68, 02301 133, 02302 230, 02320 48, 02323 68 Punkte. A secondary listing, checked: its euro
   * column is points × 12,7404 ct (Orientierungswert 2026) for each of these, and its 01205–01218 and 01450 equal
   * the KBV values above. It is the only version of that file (one commit), and it has no 02350.
   *
   * No source for these points in 2024 or 2025 was found (searched 2026-11-29: KBV EBM online pages, EBM listings
   * priced with the 2024/2025 Orientierungswert, KV fee tables, SDEBM extracts in public repositories). What was
   * found is older and shows the points do move: 01418 "778 | 79,91" (Punkte | Euro) in 2015 (IWW AAA,
   * https://iww.de/aaa/kassenabrechnung/ebm-2015-abrechnungsbeispiele-zu-den-aenderungen-im-organisierten-not-falldienst-f82715),
   * 02100 "6,17 Euro" and 02350 "11,47 Euro" in MMW 2019 (https://link.springer.com/article/10.1007/s15006-019-0256-7), i.e. 57 and 106 Punkte
   * at the 2019 Orientierungswert (10,8226 ct), so 02100 rose from 57 to 67 between 2019 and 2026. Hence no value is
   * carried back from 2026/2.
   */
  ebmListing2026: 'EBM Stand 2026/2 (Liste KBV EBM Q2 2026 in github.com/paulgCleansheet/voice-to-fhir, ebm_lookup.py @48e39a5)',
  /** EBM Präambel 1.2 Nr. 8, wording of the fracture group (the spec's condensed list omits the shoulder girdle). */
  ebmNr8: 'EBM Präambel 1.2 Nr. 8 (Frakturen im Bereich der Extremitäten proximal des Metacarpus bzw. Metatarsus)',
  /** KBV check-digit and format rules of the identifiers (LANR, BSNR, KVNR, IK), ICD-10-GM and GOP shape. */
  kbvIdentifiers: 'KBV Prüfziffer- und Formatvorgaben (LANR, BSNR, eGK-KVNR, IK), ICD-10-GM, EBM-GOP',
  /** A hint of pvskit, not a billing rule of its own: the sources leave room (see the package README). */
  pvskit: 'pvskit (Hinweis der Software; die Quellen lassen Raum)',
  /** 01444's end date: the Bewertungsausschuss extended it from 2025-12-31 to 2026-12-31. */
  kvBerlin01444: 'KV Berlin Praxis-News 05.09.2025 (www.kvberlin.de/fuer-praxen/aktuelles/praxis-news/detailansicht/pn250905-3): 01444 bis 31.12.2026 verlängert',
  /**
   * Abschnitt 1.2 as restructured on 2017-04-01 by the erweiterter ergänzter Bewertungsausschuss (07.12.2016).
   * KV Niedersachsen, "Neue Regelungen für Notfall- und Bereitschaftsdienst im EBM" (www.kvn.de, read 2026-11-29):
   * "Für den Notfall- und Bereitschaftsdienst gibt es ab 1. April 2017 neue Regelungen im Einheitlichen
   * Bewertungsmaßstab (EBM). Drei neue Gebührenordnungspositionen (GOP) wurden in den EBM aufgenommen." and "so
   * dass die Notfallpauschale nach GOP 01210 zur Kompensation der neuen Leistungen von 127 Punkten auf 120 Punkte
   * abgesenkt werden musste". IWW AAA, "EBM 2017 – Notfalldienst: Abrechnungsänderungen ab 1. April"
   * (https://www.iww.de/aaa/kassenabrechnung/ebm-2017-notfalldienst-abrechnungsaenderungen-ab-1april-f100494):
   * 01223 128, 01224 195, 01226 90 Punkte, 01210 120 Punkte.
   */
  notfallReform2017: 'EBM-Reform Notfalldienst zum 01.04.2017 (Beschluss eeBA 07.12.2016; KV Niedersachsen, IWW AAA)',
  /**
   * KV Rheinland-Pfalz, "EBM-Änderungen: Videosprechstunde im organisierten Not(-fall)dienst", 28.06.2022,
   * "Wirksam: 1. Juli 2022 | 80. Sitzung des ergänzten erweiterten Bewertungsausschusses",
   * https://www.kv-rlp.de/nachrichten/nachrichtentext/ebm-aenderungen-videosprechstunde-im-organisierten-not-falldienst/
   * (read 2026-11-29): "In der Videosprechstunde ist die entsprechende Notfallpauschale bundeseinheitlich mit „V“ zu
   * kennzeichnen (z. B. 01210V)." — "Bei ausschließlichem Arzt-Patienten-Kontakt per Videosprechstunde im
   * Behandlungsfall erfolgt ein Abschlag von 10 % auf die Notfallpauschalen nach GOP 01210 und 01212. Diese Fälle sind
   * mit der Pseudo-Nummer 88220 zu kennzeichnen." — "Bei den Schweregradzuschlägen nach den GOP 01223, 01224 bzw.
   * 01226 wird jeweils eine zusätzliche Anmerkung aufgenommen, dass diese nur im persönlichen Arzt-Patienten-Kontakt
   * berechnungsfähig sind." — "Die GOP 01444 (Authentifizierung unbekannter Patienten) und 01450 (Technikzuschlag)
   * sind im Zusammenhang mit GOP 01210 und 01212 berechnungsfähig."
   */
  kvRlpVideoNotdienst: 'KV RLP 28.06.2022, EBM-Änderungen Videosprechstunde im organisierten Not(-fall)dienst ab 01.07.2022 (01210V/01212V, 88220)',
  /**
   * 01444 since 2019-10-01. Ärzte Zeitung, "Vorlesen statt einlesen – E-Card im Videokontakt" (2019,
   * https://aerztezeitung.de/Wirtschaft/Vorlesen-statt-einlesen-E-Card-im-Videokontakt-402357.html, read 2026-11-29):
   * "wurde auch eine neue Gebührenordnungsposition zur Authentifizierung bisher unbekannter Patienten eingeführt. Die
   * GOP 01444 soll den Aufwand honorieren" and "einer neuen Anlage 4b zum Bundesmantelvertrag-Ärzte …, die
   * rückwirkend zum 1. Oktober in Kraft tritt"; MMW 2019 (https://link.springer.com/article/10.1007/s15006-019-0993-7):
   * "KBV und Kassen haben die Vergütung am 9. Oktober noch einmal neu geregelt — rückwirkend ab 1. Oktober 2019".
   */
  videoAuth01444Start: 'Ärzte Zeitung und MMW 2019: 01444 neu ab 01.10.2019',
  /** EBM Allgemeine Bestimmungen 4.3.1: 10 % off 01210/01212 in a case with video contacts only. */
  ebmVideoReduction: 'EBM Allgemeine Bestimmungen 4.3.1 Nr. 1 (Abschlag 10 % auf 01210/01212 bei ausschließlichem Videokontakt)',
} as const;
