import type { Severity } from '@pvskit/core';
import { SOURCES } from '../data/sources.js';
import type { Validity } from '../data/types.js';

/** The group a rule belongs to (used by cards and by the property tests). */
export type RuleFamily = 'band' | 'zuschlag' | 'exclusion' | 'wegepauschale' | 'video' | 'case' | 'duty' | 'catalogue' | 'identifier';

/** The check that implements a rule: a case-level rule group, the duty rules, or complete's derivation notes. */
export type RuleCheck =
  | 'catalogueAndIdRules'
  | 'caseRules'
  | 'timeRules'
  | 'pauschaleRules'
  | 'zuschlagRules'
  | 'exclusionRules'
  | 'frequencyRules'
  | 'ebmExclusionRules'
  | 'wegepauschaleRules'
  | 'videoRules'
  | 'dutyRules';

/** One rule: defined once, here. `title` is the German text of cards and of docs/rules.md. */
export interface RuleInfo extends Validity {
  readonly id: string;
  readonly severity: Severity;
  readonly family: RuleFamily;
  /** German short text (card summaries, docs/rules.md). */
  readonly title: string;
  /** Where the rule comes from. */
  readonly source: string;
  /** The check that reports it. */
  readonly check: RuleCheck;
}

const ALWAYS: Validity = { validFrom: null, validTo: null };
/** Abschnitt 1.2 in its form since the 2017 reform (01205/01207, 01223/01224/01226). */
const SINCE_2017: Validity = { validFrom: '2017-04-01', validTo: null };
/** Video consultations in the organised emergency service. */
const SINCE_VIDEO: Validity = { validFrom: '2022-07-01', validTo: null };

const r = <const I extends string>(
  id: I,
  severity: Severity,
  family: RuleFamily,
  title: string,
  source: string,
  check: RuleCheck,
  validity: Validity = ALWAYS,
): RuleInfo & { readonly id: I } => ({ id, severity, family, title, source, check, ...validity });

const SPEC = SOURCES.spec;
const GUIDE = SOURCES.kvbwGuide;
const PVSKIT = SOURCES.pvskit;
/** Sources of the two dates rules start on. */
const REFORM_2017 = SOURCES.notfallReform2017;
const VIDEO_2022 = SOURCES.kvRlpVideoNotdienst;

/**
 * Every rule the engine can emit, in report order (a case's findings come group by group in this order; the
 * duty rules follow the cases).
 */
export const RULES = [
  r('EBM-UNKNOWN-GOP', 'warning', 'catalogue', 'GOP unbekannt', SPEC, 'catalogueAndIdRules'),
  r('EBM-NOT-VALID', 'error', 'catalogue', 'GOP zu diesem Datum nicht gültig', SPEC, 'catalogueAndIdRules'),
  r('ID-LANR', 'error', 'identifier', 'LANR fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('ID-BSNR', 'error', 'identifier', 'BSNR fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('ID-KVNR', 'error', 'identifier', 'KVNR fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('ID-IK', 'error', 'identifier', 'IK fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('ID-ICD', 'error', 'identifier', 'ICD-Kode fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('ID-GOP', 'error', 'identifier', 'GOP fehlerhaft', SOURCES.kbvIdentifiers, 'catalogueAndIdRules'),
  r('NFD-OUTSIDE-DUTY', 'error', 'case', 'Leistung außerhalb des Dienstes', SPEC, 'caseRules'),
  r('NFD-SUG', 'error', 'case', 'Scheinuntergruppe ungültig', SPEC, 'caseRules'),
  r('NFD-SUG-DUTY', 'warning', 'case', 'Dienstfall nicht auf Muster 19 (SUG 41)', GUIDE, 'caseRules'),
  r('NFD-LANR-MISSING', 'error', 'case', 'LANR fehlt', GUIDE, 'caseRules'),
  r('NFD-BSNR-MISSING', 'error', 'case', 'BSNR fehlt', GUIDE, 'caseRules'),
  r('NFD-PSEUDO-FORMAT', 'error', 'duty', 'Pseudo-Abrechnungsfall unvollständig', GUIDE, 'caseRules'),
  r('NFD-TIME-MISSING', 'error', 'band', 'Uhrzeit fehlt', SPEC, 'timeRules'),
  r('NFD-TIME-BAND', 'error', 'band', 'GOP passt nicht zur Uhrzeit', SPEC, 'timeRules'),
  r('NFD-TIME-BOUNDARY', 'info', 'band', 'Uhrzeit genau auf der Bandgrenze', PVSKIT, 'timeRules'),
  r('NFD-PAUSCHALE-ONCE', 'error', 'band', 'Notfallpauschale mehrfach im Dienstfall', SPEC, 'pauschaleRules'),
  r('NFD-PAUSCHALE-PHONE', 'error', 'band', 'Notfallpauschale bei telefonischem Kontakt', SPEC, 'pauschaleRules'),
  r('NFD-ABKLAERUNG-PERSONAL', 'error', 'band', 'Abklärungspauschale nur persönlich', `${SPEC}; ${REFORM_2017}`, 'pauschaleRules', SINCE_2017),
  r('NFD-VIDEO-NOT-CONTRACTED', 'error', 'video', 'Video nur für Vertragsärzte', `${SOURCES.videoSpec}; ${VIDEO_2022}`, 'pauschaleRules', SINCE_VIDEO),
  r('NFD-KONSULTATION-SAME-CONTACT', 'error', 'band', 'Konsultationspauschale beim selben Kontakt', SPEC, 'pauschaleRules'),
  r('NFD-KONSULTATION-AFTER-ABKLAERUNG', 'warning', 'band', 'Konsultation nach Abklärung ohne Begründung', `${SPEC}; ${REFORM_2017}`,
    'pauschaleRules', SINCE_2017),
  r('NFD-ZUSCHLAG-BASE', 'error', 'zuschlag', 'Zuschlag ohne Grundleistung', SPEC, 'zuschlagRules'),
  r('NFD-ZUSCHLAG-DIAGNOSIS', 'error', 'zuschlag', 'Zuschlag ohne Nr.-8-Diagnose', `${SOURCES.ebmNr8}; ${REFORM_2017}`, 'zuschlagRules', SINCE_2017),
  r('NFD-ZUSCHLAG-PERSONAL', 'error', 'zuschlag', 'Zuschlag nur bei persönlichem Kontakt', `${REFORM_2017}; ${VIDEO_2022}`, 'zuschlagRules',
    SINCE_2017),
  r('NFD-01226-GROUP', 'error', 'zuschlag', '01226 ohne Nr.-9-Patientengruppe', `${SPEC}; ${REFORM_2017}`, 'zuschlagRules', SINCE_2017),
  r('NFD-01226-BAND', 'error', 'zuschlag', '01226 werktags 7–19 Uhr', `${SPEC}; ${REFORM_2017}`, 'zuschlagRules', SINCE_2017),
  r('NFD-01224-01226', 'error', 'zuschlag', '01224 und 01226 nebeneinander', `${SPEC}; ${REFORM_2017}`, 'zuschlagRules', SINCE_2017),
  r('NFD-ZUSCHLAG-MISSING', 'info', 'zuschlag', 'Zuschlag möglich', `${SPEC}; ${REFORM_2017}`, 'zuschlagRules', SINCE_2017),
  r('NFD-CHAPTER-3-4', 'error', 'exclusion', 'Kapitel 3/4 im Notfalldienst', GUIDE, 'exclusionRules'),
  r('NFD-CHAPTER-40-PORTO', 'error', 'exclusion', 'Porto (40110) im Notfalldienst', `${GUIDE} (Kap. 40 Kosten außer Porto nach GOP 40110)`, 'exclusionRules'),
  r('NFD-EXCLUDED', 'error', 'exclusion', 'Leistung neben Notfallpauschale ausgeschlossen', SPEC, 'exclusionRules'),
  r('NFD-ABKLAERUNG-CHAPTER-33-35', 'error', 'exclusion', 'Abklärung neben Kapitel 33–35', `${SPEC}; ${REFORM_2017}`, 'exclusionRules', SINCE_2017),
  r('NFD-FREQUENCY', 'error', 'exclusion', 'Leistung öfter als erlaubt', `${SOURCES.kbvEbm}; ${GUIDE}; ${SOURCES.videoSpec}`, 'frequencyRules'),
  r('NFD-EBM-EXCLUSION', 'error', 'exclusion', 'EBM-Abrechnungsausschluss', `${SOURCES.kbvEbm}; ${GUIDE}`, 'ebmExclusionRules'),
  r('NFD-TRAVEL-WITHOUT-VISIT', 'error', 'wegepauschale', 'Wegepauschale ohne Besuch', GUIDE, 'wegepauschaleRules'),
  r('NFD-TRAVEL-WITH-01413', 'error', 'wegepauschale', 'Wegepauschale neben 01413', GUIDE, 'wegepauschaleRules'),
  r('NFD-TRAVEL-WRONG', 'error', 'wegepauschale', 'Falsche Wegepauschale', GUIDE, 'wegepauschaleRules'),
  r('NFD-VISIT-WITHOUT-CONTACT', 'warning', 'wegepauschale', 'Besuch ohne Besuchskontakt', PVSKIT, 'wegepauschaleRules'),
  r('NFD-TRAVEL-NO-DISTANCE', 'warning', 'wegepauschale', 'Wegepauschale ohne Entfernung', PVSKIT, 'wegepauschaleRules'),
  r('NFD-TRAVEL-MISSING', 'info', 'wegepauschale', 'Wegepauschale fehlt', GUIDE, 'wegepauschaleRules'),
  r('NFD-VIDEO-01450-MISSING', 'info', 'video', 'Technikzuschlag 01450 fehlt', `${SOURCES.videoSpec}; ${VIDEO_2022}`, 'videoRules', SINCE_VIDEO),
  r('NFD-PAUSCHALE-PATIENT', 'error', 'duty', 'Notfallpauschale zweimal für denselben Patienten im Dienst', GUIDE, 'dutyRules'),
  r('NFD-PSEUDO-REQUIRED', 'error', 'duty', 'Pseudo-Abrechnungsfall erforderlich', GUIDE, 'dutyRules'),
  r('NFD-PSEUDO-RECOMMENDED', 'info', 'duty', 'Pseudo-Abrechnungsfall empfohlen', GUIDE, 'dutyRules'),
  r('NFD-PSEUDO-PRIVATE', 'error', 'duty', '99909 passt nicht zur Zahl der Privat-/BG-Patienten', GUIDE, 'dutyRules'),
] as const;

/** A rule id: a typo is a build error, not a run-time surprise. */
export type RuleId = (typeof RULES)[number]['id'];

/** Rule metadata by id. */
export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((x) => [x.id, x] as const));

/** True for an id of {@link RULES} (identifier checks of core name their rule as a string). */
export function isRuleId(id: string): id is RuleId {
  return RULE_BY_ID.has(id);
}

/** Severity of a rule. */
export function severityOf(id: RuleId): Severity {
  // Every RuleId is in the table by construction.
  return (RULE_BY_ID.get(id) as RuleInfo).severity;
}

/** The rule is in force on `date` (findings about services dated outside its validity are not reported). */
export function ruleValidOn(id: RuleId, date: string): boolean {
  const info = RULE_BY_ID.get(id) as RuleInfo;
  return (info.validFrom === null || date >= info.validFrom) && (info.validTo === null || date <= info.validTo);
}
