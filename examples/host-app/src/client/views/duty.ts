import type { DutyResponse } from '../../shared/api.js';
import { api } from '../api.js';
import { focusHeading, germanDate, germanDateTime, h, mount } from '../dom.js';
import { renderCards } from './cards.js';

/** The duty: its window, its cases, the pseudo case(s) and the findings on the whole duty bundle. */
export async function showDuty(root: HTMLElement): Promise<void> {
  const duty = await api.get<DutyResponse>('/api/duty');
  mount(
    root,
    h('h1', {}, 'Notfalldienst'),
    h('p', {}, `Dienst ${duty.duty.id}: ${germanDateTime(duty.duty.start)} bis ${germanDateTime(duty.duty.end)}`),
    h(
      'section',
      { 'aria-labelledby': 'duty-cases' },
      h('h2', { id: 'duty-cases' }, `Fälle (${duty.cases.length})`),
      h(
        'table',
        { class: 'list' },
        h('thead', {}, h('tr', {}, ['Fall', 'Patient', 'Kostenträger', 'Leistungen', 'Status'].map((x) => h('th', { scope: 'col' }, x)))),
        h(
          'tbody',
          {},
          duty.cases.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/cases/${encodeURIComponent(c.id)}` }, c.id)),
              h('td', {}, c.patientName),
              h('td', {}, c.case.patient.insurance.type),
              h('td', {}, (c.case.services ?? []).map((s) => s.gop).join(', ') || '–'),
              h('td', {}, c.status === 'signed' ? 'abgeschlossen' : 'in Bearbeitung'),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'duty-pseudo' },
      h('h2', { id: 'duty-pseudo' }, 'Pseudo-Abrechnungsfall'),
      h('p', { class: 'muted' }, 'Ergänzt pvskit (complete) für den Export; er steht nicht in der Fallliste, ist aber in der KVDT-Datei.'),
      duty.pseudoCases.length === 0
        ? h('p', { class: 'muted' }, 'Kein Pseudofall (Abrechnungsmodul nicht geladen).')
        : h(
            'ul',
            { class: 'plain', 'data-testid': 'pseudo-cases' },
            duty.pseudoCases.map((p) =>
              h(
                'li',
                {},
                `${p.patient.firstName} ${p.patient.lastName} (geb. ${germanDate(p.patient.birthDate)}): `,
                (p.services ?? []).map((s) => `${s.gop} × ${s.count ?? 1} am ${germanDate(s.date)}${s.time === undefined ? '' : ` ${s.time}`}`).join('; '),
                ` · ICD ${(p.diagnoses ?? []).map((d) => d.icd).join(', ')}`,
              ),
            ),
          ),
    ),
    h('section', { 'aria-labelledby': 'duty-findings' }, h('h2', { id: 'duty-findings' }, 'Prüfung des ganzen Dienstes, wie er exportiert wird'), renderCards(duty.cards, { testId: 'duty-finding', empty: 'Keine Befunde für den Dienst.' })),
  );
  focusHeading(root);
}
