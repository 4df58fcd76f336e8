import type { Severity } from '@pvskit/core';

/** The group a rule belongs to (used by cards and by the property tests). */
export type RuleFamily = 'band' | 'supplement' | 'exclusion' | 'travel' | 'video' | 'case' | 'duty' | 'catalogue' | 'identifier';

/** Metadata of one rule id of spec/notfalldienst.md. */
export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly family: RuleFamily;
  /** German short title (card summaries). */
  readonly title: string;
}

const r = (id: string, severity: Severity, family: RuleFamily, title: string): RuleInfo => ({ id, severity, family, title });

/** Every rule the engine can emit. */
export const RULES: readonly RuleInfo[] = [
  r('NFD-TIME-MISSING', 'error', 'band', 'Uhrzeit fehlt'),
  r('NFD-TIME-BAND', 'error', 'band', 'GOP passt nicht zur Uhrzeit'),
  r('NFD-TIME-BOUNDARY', 'info', 'band', 'Uhrzeit genau auf der Bandgrenze'),
  r('NFD-PAUSCHALE-ONCE', 'error', 'band', 'Notfallpauschale mehrfach im Dienstfall'),
  r('NFD-PAUSCHALE-PATIENT', 'error', 'duty', 'Notfallpauschale zweimal für denselben Patienten im Dienst'),
  r('NFD-PAUSCHALE-PHONE', 'error', 'band', 'Notfallpauschale bei telefonischem Kontakt'),
  r('NFD-ABKLAERUNG-PERSONAL', 'error', 'band', 'Abklärungspauschale nur persönlich'),
  r('NFD-VIDEO-NOT-CONTRACTED', 'error', 'video', 'Video nur für Vertragsärzte'),
  r('NFD-KONSULTATION-SAME-CONTACT', 'error', 'band', 'Konsultationspauschale beim selben Kontakt'),
  r('NFD-KONSULTATION-AFTER-ABKLAERUNG', 'warning', 'band', 'Konsultation nach Abklärung ohne Begründung'),
  r('NFD-ZUSCHLAG-BASE', 'error', 'supplement', 'Zuschlag ohne Grundleistung'),
  r('NFD-ZUSCHLAG-DIAGNOSIS', 'error', 'supplement', 'Zuschlag ohne Nr.-8-Diagnose'),
  r('NFD-ZUSCHLAG-PERSONAL', 'error', 'supplement', 'Zuschlag nur bei persönlichem Kontakt'),
  r('NFD-01226-GROUP', 'error', 'supplement', '01226 ohne Nr.-9-Patientengruppe'),
  r('NFD-01226-BAND', 'error', 'supplement', '01226 werktags 7–19 Uhr'),
  r('NFD-01224-01226', 'error', 'supplement', '01224 und 01226 nebeneinander'),
  r('NFD-ZUSCHLAG-MISSING', 'info', 'supplement', 'Zuschlag möglich'),
  r('NFD-EXCLUDED', 'error', 'exclusion', 'Leistung neben Notfallpauschale ausgeschlossen'),
  r('NFD-CHAPTER-3-4', 'error', 'exclusion', 'Kapitel 3/4 im Notfalldienst'),
  r('NFD-ABKLAERUNG-CHAPTER-33-35', 'error', 'exclusion', 'Abklärung neben Kapitel 33–35'),
  r('NFD-FREQUENCY', 'error', 'exclusion', 'Leistung öfter als erlaubt'),
  r('NFD-EBM-EXCLUSION', 'error', 'exclusion', 'EBM-Abrechnungsausschluss'),
  r('NFD-TRAVEL-WITHOUT-VISIT', 'error', 'travel', 'Wegepauschale ohne Besuch'),
  r('NFD-TRAVEL-WITH-01413', 'error', 'travel', 'Wegepauschale neben 01413'),
  r('NFD-TRAVEL-WRONG', 'error', 'travel', 'Falsche Wegepauschale'),
  r('NFD-VISIT-WITHOUT-CONTACT', 'warning', 'travel', 'Besuch ohne Besuchskontakt'),
  r('NFD-TRAVEL-NO-DISTANCE', 'warning', 'travel', 'Wegepauschale ohne Entfernung'),
  r('NFD-TRAVEL-MISSING', 'info', 'travel', 'Wegepauschale fehlt'),
  r('NFD-VIDEO-01450-MISSING', 'info', 'video', 'Technikzuschlag 01450 fehlt'),
  r('NFD-OUTSIDE-DUTY', 'error', 'case', 'Leistung außerhalb des Dienstes'),
  r('NFD-SUG', 'error', 'case', 'Scheinuntergruppe ungültig'),
  r('NFD-SUG-DUTY', 'warning', 'case', 'Dienstfall nicht auf Muster 19 (SUG 41)'),
  r('NFD-LANR-MISSING', 'error', 'case', 'LANR fehlt'),
  r('NFD-BSNR-MISSING', 'error', 'case', 'BSNR fehlt'),
  r('NFD-PSEUDO-REQUIRED', 'error', 'duty', 'Pseudo-Abrechnungsfall erforderlich'),
  r('NFD-PSEUDO-RECOMMENDED', 'info', 'duty', 'Pseudo-Abrechnungsfall empfohlen'),
  r('NFD-PSEUDO-PRIVATE', 'error', 'duty', '99909 passt nicht zur Zahl der Privat-/BG-Patienten'),
  r('NFD-PSEUDO-FORMAT', 'error', 'duty', 'Pseudo-Abrechnungsfall unvollständig'),
  r('EBM-UNKNOWN-GOP', 'warning', 'catalogue', 'GOP unbekannt'),
  r('EBM-NOT-VALID', 'error', 'catalogue', 'GOP zu diesem Datum nicht gültig'),
  r('ID-LANR', 'error', 'identifier', 'LANR fehlerhaft'),
  r('ID-BSNR', 'error', 'identifier', 'BSNR fehlerhaft'),
  r('ID-KVNR', 'error', 'identifier', 'KVNR fehlerhaft'),
  r('ID-IK', 'error', 'identifier', 'IK fehlerhaft'),
  r('ID-ICD', 'error', 'identifier', 'ICD-Kode fehlerhaft'),
  r('ID-GOP', 'error', 'identifier', 'GOP fehlerhaft'),
];

/** Rule metadata by id. */
export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((x) => [x.id, x] as const));

/** Severity of a rule id (throws for an id not in {@link RULES}: a programming error). */
export function severityOf(id: string): Severity {
  const info = RULE_BY_ID.get(id);
  if (info === undefined) throw new Error(`unknown rule id ${id}`);
  return info.severity;
}
