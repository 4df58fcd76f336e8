import { timeRules } from './band.js';
import { caseRules, catalogueAndIdRules } from './case.js';
import type { CaseView } from './context.js';
import { ebmExclusionRules } from './ebm-exclusion.js';
import { exclusionRules } from './exclusion.js';
import { frequencyRules } from './frequency.js';
import { pauschaleRules } from './pauschale.js';
import { supplementRules } from './supplement.js';
import { travelRules, videoRules } from './travel.js';

/** Every case-level rule group, in report order. */
export const caseRuleGroups: readonly ((v: CaseView) => void)[] = [
  catalogueAndIdRules,
  caseRules,
  timeRules,
  pauschaleRules,
  supplementRules,
  exclusionRules,
  ebmExclusionRules,
  frequencyRules,
  travelRules,
  videoRules,
];
