import {
  bundleSchema,
  caseSchema,
  parseWith,
  type Bundle,
  type BundleCase,
  type BundleInput,
  type Case,
  type CaseInput,
  type Finding,
} from '@pvskit/core';
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

/** Input of the engine: a case or a duty bundle, parsed or as the host wrote it. */
export type EngineInput = Case | Bundle | CaseInput | BundleInput;

/** Result of {@link check}. */
export interface CheckResult {
  readonly findings: Finding[];
}

/** A parsed input. */
export type Parsed = { kind: 'case'; value: Case } | { kind: 'bundle'; value: Bundle };

/** Parses a case or a bundle (a bundle has `cases`); throws ValidationError naming the path. */
export function parseInput(input: unknown): Parsed {
  if (typeof input === 'object' && input !== null && 'cases' in input) {
    return { kind: 'bundle', value: parseWith(bundleSchema, input, 'bundle') };
  }
  return { kind: 'case', value: parseWith(caseSchema, input, 'case') };
}

/** A bundle case made self-contained: the bundle's region, duty, practice, physician and software. */
export function mergeBundleCase(bundle: Bundle, c: BundleCase): Case {
  return {
    ...c,
    region: bundle.region,
    duty: bundle.duty,
    ...(bundle.practice === undefined ? {} : { practice: bundle.practice }),
    ...(bundle.physician === undefined ? {} : { physician: bundle.physician }),
    ...(bundle.software === undefined ? {} : { software: bundle.software }),
  };
}

function toFinding(raw: RawFinding, caseId: string | undefined, prefix: string): Finding {
  const path =
    raw.path !== undefined
      ? raw.path.replace(/^\$/, prefix)
      : raw.service !== undefined && prefix !== '$'
        ? `${prefix}.services[${raw.service}]`
        : prefix !== '$'
          ? prefix
          : undefined;
  return {
    rule: raw.rule,
    severity: raw.severity,
    ...(caseId === undefined ? {} : { caseId }),
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
    runCaseRules(c, catalogue).map((f) => toFinding(f, c.id, '$')),
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
    for (const f of runCaseRules(c, catalogue)) findings.push(toFinding(f, c.id, `$.cases[${i}]`));
  });
  for (const f of dutyRules(duty, cases, catalogue, region)) {
    const c = f.caseIndex === undefined ? undefined : cases[f.caseIndex];
    findings.push(toFinding(f, c?.id, f.caseIndex === undefined ? '$.duty' : `$.cases[${f.caseIndex}]`));
  }
  return filtered(findings, options.disable);
}

/** Findings of a parsed duty bundle (cases made self-contained first). */
export function checkBundle(bundle: Bundle, options: EngineOptions = {}): Finding[] {
  const cases = bundle.cases.map((c) => mergeBundleCase(bundle, c));
  return checkDutyCases(bundle.duty, bundle.region, cases, options);
}

/**
 * Checks a case or a duty bundle against every rule of docs/rules.md. Parses the input first
 * (throws `ValidationError` naming the path when it is invalid); never mutates it. Findings advise: none of
 * them blocks saving.
 */
export function check(input: EngineInput, options: EngineOptions = {}): CheckResult {
  const parsed = parseInput(input);
  if (parsed.kind === 'case') return { findings: checkCase(parsed.value, options) };
  return { findings: checkBundle(parsed.value, options) };
}

