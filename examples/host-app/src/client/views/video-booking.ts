import type { AppointmentView, Card, PatientRecord, StateResponse } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { germanDateTime, h, mount } from '../dom.js';
import { renderCards } from './cards.js';

/** The next quarter hour from now, as local `YYYY-MM-DDTHH:MM` (the browser runs in the practice's zone). */
function nextSlot(): string {
  const d = new Date(Date.now() + 15 * 60_000);
  d.setMinutes(Math.floor(d.getMinutes() / 15) * 15, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function copy(text: string, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Kopiert';
  } catch {
    button.textContent = 'Bitte markieren und kopieren';
  }
}

/** Codes, link, texts and print view of a booked appointment. */
export function renderAppointment(a: AppointmentView): HTMLElement {
  const copyButton = (text: string, label: string) => {
    const b = h('button', { type: 'button', class: 'no-print', 'aria-label': label, onclick: () => void copy(text, b) }, 'Kopieren');
    return b;
  };
  return h(
    'div',
    { class: 'appointment', 'data-appointment-id': a.id },
    h('h3', {}, `Videotermin ${germanDateTime(a.start)} (${a.durationMinutes} min)`),
    h(
      'div',
      { class: 'codes' },
      h('span', {}, 'Zugangscode Praxis (Arzt/Ärztin):'),
      h('span', {}, h('span', { class: 'code-value', 'data-testid': 'doctor-code' }, a.doctorCode)),
      h('span', {}, 'Zugangscode Patient/in:'),
      h('span', {}, h('span', { class: 'code-value', 'data-testid': 'patient-code' }, a.patientCode), ' ', copyButton(a.patientCode, 'Zugangscode der Patientin/des Patienten kopieren')),
      h('span', {}, 'Einladungslink:'),
      h('span', {}, h('a', { class: 'invite-link', 'data-testid': 'invite-link', href: a.inviteLink, target: '_blank', rel: 'noopener noreferrer' }, a.inviteLink), ' ', copyButton(a.inviteLink, 'Einladungslink kopieren')),
      h('span', {}, 'Gültig:'),
      h('span', {}, `${new Date(a.validFrom).toLocaleString('de-DE')} bis ${new Date(a.validUntil).toLocaleString('de-DE')}`),
    ),
    h(
      'p',
      { class: 'toolbar' },
      h('a', { class: 'button-link primary', href: `#/call/${encodeURIComponent(a.id)}`, 'data-testid': 'open-call' }, 'Zum Videoraum'),
      ' ',
      h('a', { class: 'button-link', href: a.printUrl, target: '_blank', rel: 'noopener', 'data-testid': 'print-view' }, 'Druckansicht'),
    ),
    h(
      'details',
      {},
      h('summary', {}, 'Einladung per E-Mail'),
      a.emailSubject === undefined ? null : h('p', {}, h('strong', {}, 'Betreff: '), a.emailSubject),
      h('pre', { class: 'invite-text', 'data-testid': 'invite-email' }, a.emailText),
      copyButton(a.emailText, 'E-Mail-Text kopieren'),
    ),
    h('details', {}, h('summary', {}, 'Einladung per SMS'), h('pre', { class: 'invite-text', 'data-testid': 'invite-sms' }, a.smsText), copyButton(a.smsText, 'SMS-Text kopieren')),
  );
}

/** "Videotermin anlegen" on a patient record, with the patient's existing appointments. */
export function renderVideoBooking(patient: PatientRecord, _state: StateResponse): HTMLElement {
  const result = h('div', { 'aria-live': 'polite' });
  const list = h('div', {});
  const start = h('input', { type: 'datetime-local', id: 'video-start', value: nextSlot(), required: true, step: '300' });
  const duration = h('input', { type: 'number', id: 'video-duration', value: '15', min: '5', max: '240', step: '5' });

  async function loadList(): Promise<void> {
    try {
      const items = await api.get<AppointmentView[]>(`/api/patients/${encodeURIComponent(patient.id)}/appointments`);
      mount(list, items.length === 0 ? null : h('div', {}, h('h3', {}, 'Bisherige Videotermine'), h('ul', { class: 'plain' }, items.map((a) => h('li', {}, h('a', { href: `#/call/${encodeURIComponent(a.id)}` }, germanDateTime(a.start)), ` – Patientencode ${a.patientCode}`)))));
    } catch {
      mount(list);
    }
  }

  async function book(event: Event): Promise<void> {
    event.preventDefault();
    mount(result, h('p', {}, 'Termin wird angelegt …'));
    try {
      const r = await api.post<{ appointment: AppointmentView; cards: Card[] }>(`/api/patients/${encodeURIComponent(patient.id)}/appointments`, {
        start: start.value,
        durationMinutes: Number(duration.value),
      });
      mount(result, renderCards(r.cards), renderAppointment(r.appointment));
      void loadList();
    } catch (error) {
      mount(result, h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : 'Der Termin konnte nicht angelegt werden.'));
    }
  }

  void loadList();
  return h(
    'section',
    { 'aria-labelledby': 'video-heading' },
    h('h2', { id: 'video-heading' }, 'Videosprechstunde'),
    h(
      'form',
      { class: 'inline-form', onsubmit: (e: Event) => void book(e) },
      h('label', { for: 'video-start' }, 'Beginn '),
      start,
      ' ',
      h('label', { for: 'video-duration' }, 'Dauer (min) '),
      duration,
      ' ',
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'book-video' }, 'Videotermin anlegen'),
    ),
    result,
    list,
  );
}
