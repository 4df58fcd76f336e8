import type { Bundle, Card, CardAction, Case, Coding, Finding, Fix, HookHandlerResult, Indicator, PvsKitPlugin, Severity } from '@pvskit/core';
import { berlinDateTimeOf, formatJsonPath, holidaysOf } from '@pvskit/core';
import type { Catalogue } from './catalogue.js';
import { REGION_PROFILES } from './data/regions.js';
import { checkBundle, checkCase } from './engine.js';
import { RULE_BY_ID } from './rules/ids.js';
// Defines the hooks this plugin serves, so a host that imports only the plugin knows them.
import './hooks.js';

/** Options of {@link billingPlugin}. */
export interface BillingPluginOptions {
  /** Plugin id; default `pvskit-billing`. */
  readonly id?: string;
  /** Catalogue to judge against (e.g. one with an SDEBM overlay); default the built-in one. */
  readonly catalogue?: Catalogue;
  /** Rule ids not to report. */
  readonly disable?: readonly string[];
  /** Leave out `info` findings on `case-sign` (hints that matter while typing); default false. */
  readonly signWithoutInfo?: boolean;
}

/**
 * Finding severity → card indicator. Severity says how sure the rule is (docs/architecture.md, "Hooks"); a card never
 * blocks, so `error` (the EBM says so explicitly) maps to `critical`, the strongest hint a host shows.
 */
export const INDICATOR_OF: Readonly<Record<Severity, Indicator>> = { error: 'critical', warning: 'warning', info: 'info' };

const RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Why a practice may save against a finding (CDS Hooks overrideReasons). */
export const OVERRIDE_REASONS: readonly Coding[] = [
  { code: 'justified', system: 'https://pvskit.local/override-reason', display: 'Schriftliche Begründung liegt vor' },
  { code: 'kv-agreement', system: 'https://pvskit.local/override-reason', display: 'Abweichende Regelung der KV' },
  { code: 'not-applicable', system: 'https://pvskit.local/override-reason', display: 'Trifft in diesem Fall nicht zu' },
];

const SOURCE_LABEL = 'pvskit Abrechnung (EBM, KVBW)';
const MAX_SUMMARY = 139;

/** A summary under 140 characters: the message, or its start cut at a word. */
function summaryOf(f: Finding): string {
  if (f.message.length <= MAX_SUMMARY) return f.message;
  const cut = f.message.slice(0, MAX_SUMMARY - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 80 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** German label of a fix. */
export function describeFix(fix: Fix): string {
  switch (fix.op) {
    case 'replace':
      return `Leistung ${fix.service + 1} durch ${fix.gop} ersetzen`;
    case 'add':
      return `${fix.gop}${fix.count !== undefined && fix.count > 1 ? ` × ${fix.count}` : ''} am ${fix.date.split('-').reverse().join('.')}${fix.time === undefined ? '' : ` ${fix.time}`} ergänzen`;
    case 'remove':
      return `Leistung ${fix.service + 1} streichen`;
    case 'set-count':
      return `Anzahl von Leistung ${fix.service + 1} auf ${fix.count} setzen`;
  }
}

function actionOf(f: Finding, fix: Fix): CardAction {
  const type = fix.op === 'add' ? 'create' : fix.op === 'remove' ? 'delete' : 'update';
  const resourceId = f.path === undefined ? f.caseId : formatJsonPath(f.path);
  return {
    type,
    description: describeFix(fix),
    fix,
    ...(resourceId === undefined ? {} : { resourceId }),
    ...(fix.op === 'add'
      ? {
          resource: {
            gop: fix.gop,
            date: fix.date,
            ...(fix.time === undefined ? {} : { time: fix.time }),
            count: fix.count ?? 1,
            mode: fix.mode ?? 'personal',
          },
        }
      : {}),
  };
}

/** The card for one finding: summary, indicator, rule id, and a suggestion that applies the fix. */
export function cardOf(f: Finding): Card {
  const title = RULE_BY_ID.get(f.rule)?.title;
  const where = f.caseId === undefined ? '' : ` Fall ${f.caseId}.`;
  return {
    summary: summaryOf(f),
    detail: `${f.message}${where} (Regel ${f.rule})`,
    indicator: INDICATOR_OF[f.severity],
    source: {
      label: SOURCE_LABEL,
      topic: { code: f.rule, system: 'https://pvskit.local/rules', ...(title === undefined ? {} : { display: title }) },
    },
    ruleId: f.rule,
    overrideReasons: [...OVERRIDE_REASONS],
    ...(f.fix === undefined
      ? {}
      : {
          selectionBehavior: 'at-most-one' as const,
          suggestions: [{ label: describeFix(f.fix), isRecommended: f.severity === 'error', actions: [actionOf(f, f.fix)] }],
        }),
  };
}

/** Cards for findings, most severe first, then in finding order. */
export function cardsOf(findings: readonly Finding[]): Card[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => cardOf(f));
}

/**
 * The first holiday question loads date-holidays and computes a year (tens to hundreds of ms on a busy
 * machine). Pay that when the plugin is created, not inside the first case-edit call's 500 ms budget.
 */
function warmCalendar(now: Date): void {
  const year = Number(berlinDateTimeOf(now).date.slice(0, 4));
  for (const { region } of REGION_PROFILES) {
    for (const y of [year - 1, year, year + 1]) holidaysOf(region, y);
  }
}

/**
 * The billing plugin for the core host: answers `case-edit` and `case-sign` (a case or a duty bundle) with
 * one card per finding. Each fix becomes a suggestion whose action carries `fix` (apply it with
 * {@link applyFix}); every card can be overridden: rules advise, they never block. The findings are also
 * returned as `data.findings`.
 */
export function billingPlugin(options: BillingPluginOptions = {}): PvsKitPlugin {
  warmCalendar(new Date());
  const engine = {
    ...(options.catalogue === undefined ? {} : { catalogue: options.catalogue }),
    ...(options.disable === undefined ? {} : { disable: options.disable }),
  };
  // The host has validated the context with the core schemas already: no second parse.
  const run = (context: { case: Case } | { bundle: Bundle }, sign: boolean): HookHandlerResult => {
    let findings = 'case' in context ? checkCase(context.case, engine) : checkBundle(context.bundle, engine);
    if (sign && options.signWithoutInfo === true) findings = findings.filter((f) => f.severity !== 'info');
    return { cards: cardsOf(findings), data: { findings } };
  };
  return {
    id: options.id ?? 'pvskit-billing',
    title: 'Abrechnungsprüfung Notfalldienst',
    description: 'Prüft Notfalldienst-Fälle nach EBM und KVBW-Leitfaden und schlägt Korrekturen vor.',
    hooks: {
      'case-edit': (context) => run(context, false),
      'case-sign': (context) => run(context, true),
    },
  };
}
