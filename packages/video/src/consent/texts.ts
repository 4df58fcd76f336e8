/*
 * Consent texts shown to the patient before the call (Art. 9(2)(a), Art. 7 DSGVO; Anlage 31b BMV-Ä). Each
 * recorded consent names the version it was given to, so the wording in force at the time can be shown later.
 */

/** One version of the consent text. */
export interface ConsentText {
  version: string;
  validFrom: string;
  text: string;
}

/** All versions, oldest first. Add a version, never edit one that may have been consented to. */
export const CONSENT_TEXTS: readonly ConsentText[] = [
  {
    version: 'vs-2026-01',
    validFrom: '2026-01-01',
    text:
      'Ich willige ein, dass meine Behandlung als Videosprechstunde durchgeführt wird und dass dafür die nötigen ' +
      'Daten verarbeitet werden (Art. 9 Abs. 2 lit. a DSGVO). Die Verbindung ist Ende-zu-Ende-verschlüsselt und ' +
      'läuft direkt zwischen den Geräten. Die Videosprechstunde wird von niemandem aufgezeichnet, auch nicht von mir. ' +
      'Ich nehme an einem Ort teil, an dem ich ungestört bin. Ich kann diese Einwilligung jederzeit mit Wirkung für ' +
      'die Zukunft widerrufen (Art. 7 Abs. 3 DSGVO).',
  },
];

/** The consent text of a version, or undefined. */
export function consentTextVersion(version: string): ConsentText | undefined {
  return CONSENT_TEXTS.find((t) => t.version === version);
}

/** The newest text valid on `date` (`YYYY-MM-DD`). */
export function currentConsentText(date: string): ConsentText {
  const valid = CONSENT_TEXTS.filter((t) => t.validFrom <= date);
  return valid[valid.length - 1] ?? (CONSENT_TEXTS[0] as ConsentText);
}
