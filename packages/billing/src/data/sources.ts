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
   * the KBV values above.
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
  /** EBM Allgemeine Bestimmungen 4.3.1: 10 % off 01210/01212 in a case with video contacts only. */
  ebmVideoReduction: 'EBM Allgemeine Bestimmungen 4.3.1 Nr. 1 (Abschlag 10 % auf 01210/01212 bei ausschließlichem Videokontakt)',
} as const;
