import type { Card } from '@pvskit/core';
import { h } from '../dom.js';
import { fixOf } from '../fix.js';

const indicatorLabel: Record<Card['indicator'], string> = { critical: 'Fehler', warning: 'Warnung', info: 'Hinweis' };

export interface CardOptions {
  /** `data-testid` of each card element (the case editor uses `finding`). */
  testId?: string;
  /** Shown as a button on cards that carry a machine-applicable fix. */
  onApplyFix?: (card: Card) => void;
  /** Shown on the host's error cards (PLUGIN-ERROR/-TIMEOUT/-INVALID) to re-enable the plugin. */
  onReloadPlugin?: (card: Card) => void;
}

/** One card: indicator, rule id, German text, and the fix button when the card suggests one. */
export function renderCard(card: Card, options: CardOptions = {}): HTMLElement {
  const fix = options.onApplyFix === undefined ? undefined : fixOf(card);
  const text = card.detail !== undefined && card.detail.length > card.summary.length && card.detail.startsWith(card.summary.slice(0, 20)) ? card.detail : card.summary;
  return h(
    'li',
    { class: `card card-${card.indicator}`, 'data-testid': options.testId, 'data-rule': card.ruleId },
    h('span', { class: `badge badge-${card.indicator}` }, indicatorLabel[card.indicator]),
    card.ruleId === undefined ? null : h('code', { class: 'rule-id' }, card.ruleId),
    h('span', { class: 'card-text' }, text),
    text === card.summary && card.detail !== undefined ? h('details', {}, h('summary', {}, 'Details'), h('p', {}, card.detail)) : null,
    h('span', { class: 'card-source' }, card.source.label),
    card.ruleId?.startsWith('PLUGIN-') === true && options.onReloadPlugin !== undefined
      ? h('button', { type: 'button', class: 'apply-fix', onclick: () => options.onReloadPlugin?.(card) }, 'Plugin neu laden')
      : null,
    fix === undefined || options.onApplyFix === undefined
      ? null
      : h(
          'button',
          {
            type: 'button',
            class: 'apply-fix',
            'data-testid': 'apply-fix',
            'aria-label': `Korrektur übernehmen: ${fix.label}`,
            onclick: () => options.onApplyFix?.(card),
          },
          `Korrektur übernehmen: ${fix.label}`,
        ),
  );
}

/** A list of cards, or a German "nothing to report" line. */
export function renderCards(cards: readonly Card[], options: CardOptions & { empty?: string } = {}): HTMLElement {
  if (cards.length === 0) return h('p', { class: 'muted' }, options.empty ?? 'Keine Hinweise.');
  return h('ul', { class: 'cards' }, cards.map((c) => renderCard(c, options)));
}
