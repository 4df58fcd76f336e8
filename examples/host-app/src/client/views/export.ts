import type { ExportResponse, StateResponse } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, h, mount } from '../dom.js';
import { renderCards } from './cards.js';

const severityLabel = { error: 'Fehler', warning: 'Warnung', info: 'Hinweis' } as const;

/** KVDT export of the demo duty's quarter: download and the validator's findings on the written file. */
export function showExport(root: HTMLElement, state: StateResponse): void {
  const result = h('div', { class: 'export-result', 'aria-live': 'polite' });
  const available = state.features.kvdt && state.features.complete;

  async function run(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    mount(result, h('p', {}, 'KVDT-Datei wird geschrieben und geprüft …'));
    try {
      const r = await api.post<ExportResponse>('/api/export', {});
      mount(
        result,
        h('h2', {}, 'Exportiert'),
        h(
          'p',
          {},
          h('a', { href: r.download, download: r.fileName, 'data-testid': 'kvdt-download', class: 'button-link primary' }, `${r.fileName} herunterladen`),
          ` (${r.bytes.toLocaleString('de-DE')} Bytes, Quartal ${r.quarter.slice(0, 1)}/${r.quarter.slice(1)}, ${r.cases} Fälle)`,
        ),
        h(
          'p',
          { class: 'muted' },
          `Pseudofall: Geschlecht ${r.pseudoCaseExport.sex}, VKNR ${r.pseudoCaseExport.vknr}, Versichertenart ${r.pseudoCaseExport.memberType}, weiterbehandelnd „${r.pseudoCaseExport.continuingPhysician}“ (Praxiseinstellung).`,
        ),
        h('h3', {}, 'Sätze in der Datei'),
        h('ul', { class: 'plain' }, Object.entries(r.records).map(([k, v]) => h('li', {}, `${k}: ${v}`))),
        h('h3', {}, `Prüfung der Datei (${r.findings.length} Befunde)`),
        r.findings.length === 0
          ? h('p', { class: 'ok', 'data-testid': 'kvdt-clean' }, 'Der Validator meldet keine Befunde.')
          : h(
              'ul',
              { class: 'cards' },
              r.findings.map((f) =>
                h(
                  'li',
                  { class: 'card', 'data-testid': 'kvdt-finding', 'data-rule': f.rule },
                  h('span', { class: `badge badge-${f.severity === 'error' ? 'critical' : f.severity}` }, severityLabel[f.severity]),
                  h('code', { class: 'rule-id' }, f.rule),
                  h('span', { class: 'card-text' }, `${f.line === undefined ? '' : `Zeile ${f.line}${f.field === undefined ? '' : `, Feld ${f.field}`}: `}${f.message}`),
                ),
              ),
            ),
        r.cards.length === 0 ? null : h('div', {}, h('h3', {}, 'Hinweise des Export-Plugins'), renderCards(r.cards)),
      );
    } catch (error) {
      mount(result, h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : 'Export fehlgeschlagen.'));
    } finally {
      button.disabled = false;
    }
  }

  const button = h('button', { type: 'button', class: 'primary', 'data-testid': 'export-kvdt', disabled: !available, onclick: () => void run(button) }, 'KVDT-Datei exportieren');
  mount(
    root,
    h('h1', {}, 'Abrechnung'),
    h('p', {}, 'Exportiert das Quartal des Demo-Dienstes als KVDT-Datei (ISO-8859-15) – mit Pseudofall, ohne Privatpatienten – und prüft die geschriebene Datei.'),
    available ? null : h('p', { class: 'muted' }, 'Der KVDT-Export (@pvskit/adapters) oder das Abrechnungsmodul ist nicht geladen.'),
    h('p', { class: 'muted' }, 'Für die echte Einreichung braucht es zusätzlich das KBV-Prüfmodul (XPM) und das Kryptomodul (XKM).'),
    button,
    result,
  );
  focusHeading(root);
}
