/**
 * \@pvskit/billing: EBM catalogue (data), Notfalldienst rules and the check/complete engine.
 *
 * @packageDocumentation
 */
export * from './catalogue.js';
export * from './engine.js';
export * from './complete.js';
export * from './fix.js';
export { RULES, RULE_BY_ID, type RuleInfo, type RuleFamily } from './rules/ids.js';
export type { GopDefinition, GopKind, GopBand, PointsPeriod, Validity, FrequencyLimit } from './data/types.js';
export { BUILTIN_GOPS, EXCLUDED_BESIDE_NOTFALL, SEVERITY_SUPPLEMENTS } from './data/gops.js';
export { TRAVEL_TABLES, type TravelTable, type TravelZone } from './data/wegepauschalen.js';
export { ORIENTIERUNGSWERTE, type PointValue } from './data/orientierungswert.js';
export { NR8_LISTS, NR9_LISTS, type DiagnosisList, type IcdListEntry } from './data/diagnosis-lists.js';
export { REGION_PROFILES, type RegionProfile } from './data/regions.js';
export * from './plugin.js';
export * from './sdebm.js';
