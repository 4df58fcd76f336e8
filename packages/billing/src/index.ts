/**
 * \@pvskit/billing: EBM catalogue (data), Notfalldienst rules and the check/complete engine.
 *
 * @packageDocumentation
 */
export {
  check,
  checkBundle,
  checkCase,
  checkDutyCases,
  type CheckResult,
  type EngineOptions,
} from './engine.js';
export {
  complete,
  completeCase,
  type CompletedBundle,
  type CompletedCase,
  type CompleteOptions,
} from './complete.js';
export { applyBundleFix, applyFix } from './fix.js';
export { caseContextSchema, caseEditContextSchema, caseEditHook, caseSignContextSchema, caseSignHook } from './hooks.js';
export {
  createCatalogue,
  defaultCatalogue,
  normaliseIcd,
  type Catalogue,
  type CatalogueData,
  type GopLookup,
  type SdebmEntry,
  type WegepauschaleCharge,
} from './catalogue.js';
export { decodeSdebm, loadSdebm, parseSdebm, SDEBM_NAMESPACE, type SdebmFile } from './sdebm.js';
export {
  billingPlugin,
  cardOf,
  cardsOf,
  describeFix,
  INDICATOR_OF,
  OVERRIDE_REASONS,
  type BillingPluginOptions,
} from './plugin.js';
export { isRuleId, RULES, RULE_BY_ID, type RuleCheck, type RuleFamily, type RuleId, type RuleInfo } from './rules/ids.js';
export { rulesMarkdown } from './rules/doc.js';
export type { FrequencyLimit, GopBand, GopDefinition, GopKind, PointsPeriod, Validity } from './data/types.js';
export { BUILTIN_GOPS, EXCLUDED_BESIDE_NOTFALL, EXCLUDED_LIST, ROLE_GOPS, SCHWEREGRAD_ZUSCHLAEGE } from './data/gops.js';
export { WEGEPAUSCHALE_TABLES, type WegepauschaleTable, type WegepauschaleZone } from './data/wegepauschalen.js';
export { ORIENTIERUNGSWERTE, type PointValue } from './data/orientierungswert.js';
export { FRAILTY_ICD, NR8_LISTS, NR9_LISTS, type DiagnosisList, type IcdListEntry } from './data/diagnosis-lists.js';
export { REGION_PROFILES, type RegionProfile } from './data/regions.js';
export { SOURCES } from './data/sources.js';
export { EXCLUSIONS, type Exclusion, type ExclusionScope } from './data/exclusions.js';
export {
  CHAPTERS_BESIDE_ABKLAERUNG,
  CHAPTERS_SHUT_OUT_BY_KV,
  GOPS_SHUT_OUT_BY_KV,
  NOTFALL_SCHEINUNTERGRUPPEN,
  NR9_AGE_LIMITS,
  type AgeLimits,
  type DatedList,
} from './data/notfall-tables.js';
export {
  konsultationBands,
  notfallpauschaleBands,
  wegepauschaleBands,
  type DayKind,
  type KonsultationBand,
  type NotfallpauschaleBand,
  type TimeBandRow,
  type TimeBandTable,
  type WegepauschaleBand,
} from './data/time-bands.js';
export { dayKindOf, isBandBoundary, konsultationBand, notfallpauschaleBand, wegepauschaleBand } from './bands.js';
export { VIDEO_MARKINGS, videoMarkingOn, type VideoMarking } from './data/video-marking.js';
export { isVideoOnlyCase, kvdtGopCode, readKvdtGopCode, videoOnlyCaseGop } from './video-marking.js';
