import { timeRules } from './band.js';
import { caseRules, catalogueAndIdRules } from './case.js';
import type { CaseView } from './context.js';
import { ebmExclusionRules } from './ebm-exclusion.js';
import { exclusionRules } from './exclusion.js';
import { frequencyRules } from './frequency.js';
import { RULES, type RuleCheck } from './ids.js';
import { pauschaleRules } from './pauschale.js';
import { zuschlagRules } from './zuschlag.js';
import { wegepauschaleRules, videoRules } from './wegepauschale.js';

/** The case-level checks by the name the rule table gives them; a check the table names must exist here. */
const CASE_CHECKS = {
  catalogueAndIdRules,
  caseRules,
  timeRules,
  pauschaleRules,
  zuschlagRules,
  exclusionRules,
  frequencyRules,
  ebmExclusionRules,
  wegepauschaleRules,
  videoRules,
} as const satisfies Record<Exclude<RuleCheck, 'dutyRules'>, (v: CaseView) => void>;

/** Every case-level rule group, in the rule table's order. */
export const caseRuleGroups: readonly ((v: CaseView) => void)[] = [
  ...new Set(RULES.flatMap((r) => (r.check === 'dutyRules' ? [] : [CASE_CHECKS[r.check]]))),
];
