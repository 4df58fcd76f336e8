/**
 * Where the built-in data comes from. Every table entry names one of these so a reviewer can trace a number
 * back to its source document.
 */
export const SOURCES = {
  /** KVBW "Leitfaden zur Abrechnung im organisierten Notfalldienst" (shared/seeds/004). */
  kvbwGuide: 'KVBW Leitfaden Abrechnung organisierter Notfalldienst',
  /** pvskit spec/notfalldienst.md, which condenses the EBM (section 1.2 and its preamble) for 2025. */
  spec: 'pvskit spec/notfalldienst.md (EBM 2025, Abschnitt 1.2)',
  /** pvskit spec/video.md, billing section. */
  videoSpec: 'pvskit spec/video.md (EBM, Videosprechstunde)',
} as const;
