import type { Card } from '../schemas/card.js';
import type { PluginFailureStatus } from './types.js';

/** `ruleId` of the card the host puts in place of a failed plugin's answer. */
export const pluginFailureRuleIds = {
  error: 'PLUGIN-ERROR',
  timeout: 'PLUGIN-TIMEOUT',
  invalid: 'PLUGIN-INVALID',
} as const satisfies Record<PluginFailureStatus, string>;

const SUMMARY_MAX = 139;
const DETAIL_REASON_MAX = 500;

/** Shortens to at most `max` UTF-16 units without splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Fits the plugin title into the summary template so the summary stays under 140 characters. */
function summaryWith(template: (title: string) => string, title: string): string {
  const room = SUMMARY_MAX - template('').length;
  return template(clip(title, room));
}

const summaries: Record<PluginFailureStatus, (title: string, timeoutMs: number) => string> = {
  timeout: (title, ms) => summaryWith((t) => `Plugin „${t}“ hat nicht geantwortet (Zeitlimit ${ms} ms)`, title),
  error: (title) => summaryWith((t) => `Plugin „${t}“ ist mit einem Fehler abgebrochen`, title),
  invalid: (title) => summaryWith((t) => `Plugin „${t}“ hat eine ungültige Antwort geliefert`, title),
};

/** What the host knows about a failed plugin call. */
export interface PluginFailure {
  status: PluginFailureStatus;
  pluginTitle: string;
  timeoutMs: number;
  /** English technical reason (message of the thrown error, first bad JSON path, …). */
  reason: string;
  /** The plugin was disabled by this failure. */
  disabledNow: boolean;
  maxStrikes: number;
}

/** The warning card shown instead of a failed plugin's answer. German for the practice user. */
export function pluginFailureCard(failure: PluginFailure): Card {
  const lines = [
    'Die Hinweise dieses Plugins fehlen für diesen Vorgang. Sie können normal weiterarbeiten.',
    failure.disabledNow
      ? `Das Plugin wurde nach ${failure.maxStrikes} Störungen deaktiviert, bis es neu geladen wird.`
      : undefined,
    `Technische Ursache: ${clip(failure.reason, DETAIL_REASON_MAX)}`,
  ];
  return {
    summary: summaries[failure.status](failure.pluginTitle, failure.timeoutMs),
    detail: lines.filter((l) => l !== undefined).join('\n\n'),
    indicator: 'warning',
    source: { label: failure.pluginTitle },
    ruleId: pluginFailureRuleIds[failure.status],
  };
}
