import { RULES, type RuleInfo } from './ids.js';

const SEVERITY_DE: Readonly<Record<RuleInfo['severity'], string>> = { error: 'Fehler', warning: 'Warnung', info: 'Hinweis' };

function validity(r: RuleInfo): string {
  if (r.validFrom === null && r.validTo === null) return 'immer';
  const de = (d: string) => d.split('-').reverse().join('.');
  return `${r.validFrom === null ? '' : `ab ${de(r.validFrom)}`}${r.validFrom !== null && r.validTo !== null ? ' ' : ''}${r.validTo === null ? '' : `bis ${de(r.validTo)}`}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * docs/rules.md, generated from the rule table: one row per rule with id, severity, German text, source and
 * validity. `npm run docs:rules` writes it; a test fails when the checked-in file is stale.
 */
export function rulesMarkdown(): string {
  const rows = RULES.map(
    (r) => `| \`${r.id}\` | ${SEVERITY_DE[r.severity]} | ${cell(r.title)} | ${cell(r.source)} | ${validity(r)} | ${r.family} / \`${r.check}\` |`,
  );
  return [
    '# Abrechnungsregeln (Notfalldienst)',
    '',
    '<!-- Generated from packages/billing/src/rules/ids.ts by `npm run docs:rules`; do not edit by hand. -->',
    '',
    `${RULES.length} Regeln in der Reihenfolge, in der ein Fall sie meldet. Eine Regel meldet nur Leistungen, deren Datum`,
    'in ihrer Gültigkeit liegt. Schwere: Fehler = die Quelle sagt es ausdrücklich; Warnung = abgeleitet oder ärztlich',
    'zu beurteilen; Hinweis = Vorschlag.',
    '',
    '| Regel | Schwere | Text | Quelle | Gültig | Familie / Prüfung |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
