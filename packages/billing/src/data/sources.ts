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
} as const;
