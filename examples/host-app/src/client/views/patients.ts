import type { CardsResponse, CaseRecord, PatientRecord, StateResponse } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, germanDate, h, mount } from '../dom.js';
import { renderCards } from './cards.js';
import { renderVideoBooking } from './video-booking.js';

const insuranceTypes: Record<string, string> = { GKV: 'gesetzlich', PKV: 'privat', BG: 'Berufsgenossenschaft', SKT: 'sonstiger Kostenträger' };

/** The patient list. Rows are links, so the keyboard (Tab, Enter) opens a record. */
export async function showPatientList(root: HTMLElement): Promise<void> {
  const patients = await api.get<PatientRecord[]>('/api/patients');
  mount(
    root,
    h('h1', {}, 'Patienten'),
    h(
      'table',
      { class: 'list' },
      h('caption', { class: 'visually-hidden' }, 'Patientenliste'),
      h('thead', {}, h('tr', {}, ['Name', 'Geburtsdatum', 'Kostenträger', 'Versichertennummer'].map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        {},
        patients.map((p) =>
          h(
            'tr',
            { 'data-testid': 'patient-row', 'data-patient-id': p.id },
            h('td', {}, h('a', { href: `#/patients/${encodeURIComponent(p.id)}` }, `${p.lastName}, ${p.firstName}`)),
            h('td', {}, germanDate(p.birthDate)),
            h('td', {}, `${p.insurance.name ?? ''} (${insuranceTypes[p.insurance.type] ?? p.insurance.type})`),
            h('td', {}, p.insurance.kvnr ?? '–'),
          ),
        ),
      ),
    ),
  );
  focusHeading(root);
}

/** A patient record: master data, the cards of `patient-view`, the patient's cases and video appointments. */
export async function showPatientRecord(root: HTMLElement, id: string, state: StateResponse): Promise<void> {
  const { patient, cases } = await api.get<{ patient: PatientRecord; cases: CaseRecord[] }>(`/api/patients/${encodeURIComponent(id)}`);
  const cardsBox = h('section', { class: 'patient-cards', 'aria-labelledby': 'cards-heading', 'aria-live': 'polite' }, h('h2', { id: 'cards-heading' }, 'Hinweise der Plugins'), h('p', { class: 'muted' }, 'Wird geladen …'));
  const address = [patient.street, patient.houseNumber].filter(Boolean).join(' ');
  const facts: [string, string][] = [
    ['Geburtsdatum', germanDate(patient.birthDate)],
    ['Geschlecht', patient.sex ?? '–'],
    ['Anschrift', `${address}, ${patient.zip ?? ''} ${patient.city ?? ''}`.trim()],
    ['Kostenträger', `${patient.insurance.name ?? ''} (${insuranceTypes[patient.insurance.type] ?? patient.insurance.type})`],
    ['Versichertennummer', patient.insurance.kvnr ?? '–'],
    ['IK', patient.insurance.ik ?? '–'],
  ];

  async function newCase(): Promise<void> {
    try {
      const record = await api.post<CaseRecord>(`/api/patients/${encodeURIComponent(patient.id)}/cases`, {});
      location.hash = `#/cases/${encodeURIComponent(record.id)}`;
    } catch (error) {
      alert(error instanceof ApiFailure ? error.message : 'Fall konnte nicht angelegt werden.');
    }
  }

  mount(
    root,
    h('p', {}, h('a', { href: '#/patients' }, '← Alle Patienten')),
    h('h1', {}, `${patient.lastName}, ${patient.firstName}`),
    h(
      'div',
      { class: 'record' },
      h(
        'div',
        { class: 'record-main' },
        h('section', { 'aria-labelledby': 'master-heading' }, h('h2', { id: 'master-heading' }, 'Stammdaten'), h('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
        h(
          'section',
          { 'aria-labelledby': 'cases-heading' },
          h('h2', { id: 'cases-heading' }, 'Notfalldienst-Fälle'),
          cases.length === 0
            ? h('p', { class: 'muted' }, 'Noch kein Fall in diesem Dienst.')
            : h(
                'ul',
                { class: 'plain' },
                cases.map((c) =>
                  h('li', {}, h('a', { href: `#/cases/${encodeURIComponent(c.id)}` }, `Fall ${c.id}`), ` – ${c.case.services?.length ?? 0} Leistungen, ${c.status === 'signed' ? 'abgeschlossen' : 'in Bearbeitung'}`),
                ),
              ),
          h('button', { type: 'button', class: 'primary', onclick: () => void newCase() }, 'Neuer Notfalldienst-Fall'),
        ),
        state.features.video ? renderVideoBooking(patient, state) : h('section', {}, h('h2', {}, 'Videosprechstunde'), h('p', { class: 'muted' }, 'Das Videomodul (@pvskit/video) ist nicht geladen.')),
      ),
      cardsBox,
    ),
  );
  focusHeading(root);
  try {
    const result = await api.post<CardsResponse>(`/api/patients/${encodeURIComponent(patient.id)}/view`, {});
    mount(cardsBox, h('h2', { id: 'cards-heading' }, 'Hinweise der Plugins'), renderCards(result.cards, { testId: 'patient-card' }));
  } catch (error) {
    mount(cardsBox, h('h2', { id: 'cards-heading' }, 'Hinweise der Plugins'), h('p', { class: 'error' }, error instanceof ApiFailure ? error.message : 'Hinweise konnten nicht geladen werden.'));
  }
}
