import { casesOf, type Bundle, type Case, type CaseOrBundle, type Finding, type JsonPath } from '@pvskit/core';
import { defaultCatalogue, type Catalogue } from './catalogue.js';
import { caseRuleGroups } from './rules/all.js';
import { createView, type RawFinding } from './rules/context.js';
import { dutyRules } from './rules/duty.js';

/** Options of {@link check} and `complete`. */
export interface EngineOptions {
  /** Catalogue to judge against; default: the built-in one (see {@link loadSdebm} for the master file). */
  readonly catalogue?: Catalogue;
  /** Rule ids not to report. */
  readonly disable?: readonly string[];
}

/** Result of {@link check}. */
export interface CheckResult {
  readonly findings: Finding[];
}

/**
 * A rule's finding placed in the checked input: `at` is where its case (or the duty) sits in a bundle, empty
 * for a single case. Within a bundle a finding without a path of its own points at its service, else at `at`.
 */
function toFinding(raw: RawFinding, caseId: string | undefined, caseIndex: number | undefined, at: JsonPath = []): Finding {
  const own = raw.path ?? (raw.service !== undefined && at.length > 0 ? ['services', raw.service] : undefined);
  const path = own !== undefined ? [...at, ...own] : at.length > 0 ? at : undefined;
  return {
    rule: raw.rule,
    severity: raw.severity,
    ...(caseId === undefined ? {} : { caseId }),
    ...(caseIndex === undefined ? {} : { caseIndex }),
    ...(raw.service === undefined ? {} : { service: raw.service }),
    ...(raw.gop === undefined ? {} : { gop: raw.gop }),
    message: raw.message,
    ...(raw.fix === undefined ? {} : { fix: raw.fix }),
    ...(path === undefined ? {} : { path }),
  };
}

/** Raw findings of one parsed case (all case-level rules). */
export function runCaseRules(c: Case, catalogue: Catalogue): RawFinding[] {
  const out: RawFinding[] = [];
  const view = createView(c, catalogue, out);
  for (const rule of caseRuleGroups) rule(view);
  return out;
}

function filtered(findings: Finding[], disable: readonly string[] | undefined): Finding[] {
  if (disable === undefined || disable.length === 0) return findings;
  const off = new Set(disable);
  return findings.filter((f) => !off.has(f.rule));
}

/** Findings of a parsed case. */
export function checkCase(c: Case, options: EngineOptions = {}): Finding[] {
  const catalogue = options.catalogue ?? defaultCatalogue;
  return filtered(
    runCaseRules(c, catalogue).map((f) => toFinding(f, c.id, undefined)),
    options.disable,
  );
}

/** Findings of self-contained cases of one duty (case rules per case, then the duty rules). */
export function checkDutyCases(
  duty: Bundle['duty'],
  region: Case['region'],
  cases: readonly Case[],
  options: EngineOptions = {},
): Finding[] {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const findings: Finding[] = [];
  cases.forEach((c, i) => {
    for (const f of runCaseRules(c, catalogue)) findings.push(toFinding(f, c.id, i, ['cases', i]));
  });
  for (const f of dutyRules(duty, cases, catalogue, region)) {
    if (f.caseIndex === undefined) findings.push(toFinding(f, undefined, undefined, ['duty']));
    else findings.push(toFinding(f, cases[f.caseIndex]?.id, f.caseIndex, ['cases', f.caseIndex]));
  }
  return filtered(findings, options.disable);
}

/** Findings of a parsed duty bundle (cases made self-contained first). */
export function checkBundle(bundle: Bundle, options: EngineOptions = {}): Finding[] {
  return checkDutyCases(bundle.duty, bundle.region, casesOf({ kind: 'bundle', bundle }), options);
}

/**
 * Checks a parsed case or duty bundle (see `parseCaseOrBundle`) against every rule of docs/rules.md; never
 * mutates it. Findings advise: none of them blocks saving.
 */
export function check(input: CaseOrBundle, options: EngineOptions = {}): CheckResult {
  if (input.kind === 'case') return { findings: checkCase(input.case, options) };
  return { findings: checkBundle(input.bundle, options) };
}
