import type { Card, Contact, Diagnosis, Service, ValidationIssueJson } from '@pvskit/core';
import type { BundleCaseInput, CaseRecord, CheckResponse, CompleteResponse, SignResponse, StateResponse } from '../../shared/api.js';
import { EditSession } from '../edit-session.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, germanDate, germanDateTime, germanWeekday, h, mount } from '../dom.js';
import { renderCards } from './cards.js';

type ContactInput = NonNullable<BundleCaseInput['contacts']>[number];
type DiagnosisInput = NonNullable<BundleCaseInput['diagnoses']>[number];
type ServiceInput = NonNullable<BundleCaseInput['services']>[number];

const modeOptions: [NonNullable<Service['mode']>, string][] = [
  ['personal', 'persönlich'],
  ['video', 'Video'],
  ['phone', 'Telefon'],
];
const certaintyOptions: [Diagnosis['certainty'], string][] = [
  ['G', 'G – gesichert'],
  ['V', 'V – Verdacht'],
  ['Z', 'Z – Zustand nach'],
  ['A', 'A – ausgeschlossen'],
];
const sideOptions: [string, string][] = [
  ['', '–'],
  ['R', 'rechts'],
  ['L', 'links'],
  ['B', 'beidseits'],
];

/** German labels for the JSON paths of input problems, so a half-typed row reads as a hint, not a stack trace. */
function describeIssue(issue: ValidationIssueJson): string {
  const m = /^\$\.(services|contacts|diagnoses)\[(\d+)\]\.?(\w+)?/.exec(issue.path);
  const section = { services: 'Leistung', contacts: 'Kontakt', diagnoses: 'Diagnose' } as const;
  const field: Record<string, string> = {
    gop: 'GOP',
    date: 'Datum',
    time: 'Uhrzeit',
    icd: 'ICD-Code',
    count: 'Anzahl',
    justification: 'Begründung',
    distanceKm: 'Entfernung',
  };
  if (m !== null) {
    const what = section[m[1] as keyof typeof section];
    const f = m[3] === undefined ? '' : ` – ${field[m[3]] ?? m[3]}`;
    return `${what} ${Number(m[2]) + 1}${f}: fehlt oder ist ungültig`;
  }
  return `Eingabe ungültig (${issue.path})`;
}

function select(name: string, label: string, options: [string, string][], value: string, onChange: (v: string) => void, testId?: string): HTMLSelectElement {
  const el = h('select', { name, 'aria-label': label, 'data-testid': testId, onchange: () => onChange(el.value) }, options.map(([v, text]) => h('option', { value: v }, text)));
  el.value = value;
  return el;
}

function input(attrs: Record<string, string | undefined>, onInput: (value: string) => void): HTMLInputElement {
  const el = h('input', { ...attrs, oninput: () => onInput(el.value) }) as HTMLInputElement;
  return el;
}

/** Mounts the Notfalldienst case editor for `caseId` into `root`. Returns a dispose function. */
export async function showCaseEditor(root: HTMLElement, caseId: string, state: StateResponse): Promise<() => void> {
  let record = await api.get<CaseRecord>(`/api/cases/${encodeURIComponent(caseId)}`);
  let cards: readonly Card[] = [];
  let issues: readonly ValidationIssueJson[] = [];

  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const findingsBox = h('div', { class: 'findings', 'aria-live': 'polite', 'aria-busy': 'false' });
  const signBox = h('div', { class: 'sign-result' });
  const form = h('form', { class: 'case-form', 'aria-label': 'Fall bearbeiten', onsubmit: (e: Event) => e.preventDefault() });
  const readOnly = () => record.status === 'signed';
  // The protocol (debounce, stale answers, fixes with feedback, plugin reload) lives in EditSession; this view draws.
  const session = new EditSession({
    caseId: record.id,
    model: structuredClone(record.case),
    plugins: state.plugins,
    readOnly,
    transport: {
      check: (id, model, signal) => api.post<CheckResponse>(`/api/cases/${encodeURIComponent(id)}/check`, model, signal),
      feedback: (body) => api.post('/api/feedback', body),
      reloadPlugin: (id) => api.post<StateResponse['plugins']>(`/api/plugins/${encodeURIComponent(id)}/reload`, {}),
    },
    view: {
      status: (message) => (status.textContent = message),
      busy: (busy) => findingsBox.setAttribute('aria-busy', String(busy)),
      findings: (newCards, newIssues) => {
        cards = newCards;
        issues = newIssues;
        renderFindings();
      },
    },
  });

  function renderFindings(): void {
    const issueList =
      issues.length === 0 ? null : h('ul', { class: 'issues' }, issues.map((i) => h('li', { class: 'issue' }, describeIssue(i))));
    mount(
      findingsBox,
      h('h2', { id: 'findings-heading' }, 'Prüfergebnis', h('span', { class: 'count' }, cards.length === 0 ? '' : ` (${cards.length})`)),
      state.features.billing ? null : h('p', { class: 'muted' }, 'Kein Regel-Plugin für case-edit geladen (@pvskit/billing): keine Regelprüfung.'),
      issueList,
      issues.length > 0 && cards.length === 0
        ? null
        : renderCards(cards, {
            testId: 'finding',
            empty: 'Keine Befunde: der Fall ist nach den geladenen Regeln abrechenbar.',
            ...(readOnly() ? {} : { onApplyFix: applyCardFix }),
            onReloadPlugin: (card) => void reloadPlugin(card),
          }),
    );
  }

  function changed(structural: boolean): void {
    if (structural) renderForm();
    session.edited();
  }

  function applyCardFix(card: Card): void {
    const outcome = session.applyCardFix(card);
    if (!outcome.applied) return;
    renderForm();
    const { fix } = outcome;
    const target = fix.op === 'replace' || fix.op === 'set-count' ? form.querySelectorAll<HTMLElement>('[data-testid="service-gop"]')[fix.service] : undefined;
    (target ?? findingsBox.querySelector('h2'))?.focus();
  }

  async function reloadPlugin(card: Card): Promise<void> {
    state.plugins = await session.reloadPlugin(card);
  }

  function setOptional<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
    if (value === undefined) delete obj[key];
    else obj[key] = value;
  }

  function contactRow(c: ContactInput, i: number): HTMLElement {
    const label = (what: string) => `Kontakt ${i + 1}: ${what}`;
    return h(
      'tr',
      {},
      h('td', {}, input({ type: 'date', 'aria-label': label('Datum'), value: c.date, required: 'true' }, (v) => ((c.date = v), changed(false)))),
      h('td', {}, input({ type: 'time', 'aria-label': label('Uhrzeit'), value: c.time, required: 'true' }, (v) => ((c.time = v), changed(false)))),
      h('td', {}, select(`contact-mode-${i}`, label('Art'), modeOptions, c.mode ?? 'personal', (v) => ((c.mode = v as Contact['mode']), changed(false)))),
      h(
        'td',
        {},
        h('label', { class: 'inline' }, h('input', { type: 'checkbox', 'aria-label': label('nur Abklärung (01205/01207)'), checked: c.assessmentOnly === true, onchange: (e: Event) => ((c.assessmentOnly = (e.target as HTMLInputElement).checked), changed(false)) }), 'nur Abklärung'),
      ),
      h(
        'td',
        {},
        input({ type: 'number', min: '0', step: '0.1', inputmode: 'decimal', 'aria-label': label('Hausbesuch, Entfernung in km (leer = kein Besuch)'), value: c.visit?.distanceKm === undefined ? '' : String(c.visit.distanceKm), placeholder: 'km' }, (v) => {
          const km = v === '' ? undefined : Number(v);
          if (km === undefined || Number.isNaN(km)) setOptional(c, 'visit', undefined);
          else c.visit = { ...(c.visit ?? {}), distanceKm: km };
          changed(false);
        }),
      ),
      h(
        'td',
        {},
        h('label', { class: 'inline' }, h('input', { type: 'checkbox', 'aria-label': label('weitere Person in derselben sozialen Gemeinschaft (01413)'), checked: c.visit?.sameSocialCommunity === true, onchange: (e: Event) => {
          const same = (e.target as HTMLInputElement).checked;
          c.visit = { ...(c.visit ?? {}), sameSocialCommunity: same };
          changed(false);
        } }), 'gleiche'),
      ),
      h('td', {}, h('button', { type: 'button', class: 'remove', 'aria-label': label('entfernen'), onclick: () => (session.model.contacts?.splice(i, 1), changed(true)) }, '✕')),
    );
  }

  function diagnosisRow(d: DiagnosisInput, i: number): HTMLElement {
    const label = (what: string) => `Diagnose ${i + 1}: ${what}`;
    return h(
      'tr',
      {},
      h('td', {}, input({ type: 'text', 'aria-label': label('ICD-10-GM-Code'), value: d.icd, placeholder: 'z. B. J18.9', autocomplete: 'off', spellcheck: 'false', class: 'code' }, (v) => ((d.icd = v.trim().toUpperCase()), changed(false)))),
      h('td', {}, select(`certainty-${i}`, label('Diagnosesicherheit'), certaintyOptions, d.certainty, (v) => ((d.certainty = v as Diagnosis['certainty']), changed(false)))),
      h('td', {}, select(`side-${i}`, label('Seite'), sideOptions, d.side ?? '', (v) => (setOptional(d, 'side', v === '' ? undefined : (v as Diagnosis['side'])), changed(false)))),
      h('td', {}, h('button', { type: 'button', class: 'remove', 'aria-label': label('entfernen'), onclick: () => (session.model.diagnoses?.splice(i, 1), changed(true)) }, '✕')),
    );
  }

  function serviceRow(s: ServiceInput, i: number): HTMLElement {
    const label = (what: string) => `Leistung ${i + 1}: ${what}`;
    const weekday = h('span', { class: 'weekday', 'aria-hidden': 'true' }, germanWeekday(s.date));
    return h(
      'tr',
      {},
      h('td', {}, input({ type: 'text', 'data-testid': 'service-gop', 'aria-label': label('GOP'), value: s.gop, placeholder: 'GOP', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', class: 'code', maxlength: '6' }, (v) => ((s.gop = v.trim()), changed(false)))),
      h(
        'td',
        {},
        input({ type: 'date', 'data-testid': 'service-date', 'aria-label': label('Datum'), value: s.date, required: 'true' }, (v) => {
          s.date = v;
          weekday.textContent = germanWeekday(v);
          changed(false);
        }),
        weekday,
      ),
      h('td', {}, input({ type: 'time', 'data-testid': 'service-time', 'aria-label': label('Uhrzeit'), value: s.time ?? '' }, (v) => (setOptional(s, 'time', v === '' ? undefined : v), changed(false)))),
      h('td', {}, select(`service-mode-${i}`, label('Kontaktart'), modeOptions, s.mode ?? 'personal', (v) => ((s.mode = v as Service['mode']), changed(false)), 'service-mode')),
      h('td', {}, input({ type: 'number', min: '1', max: '999', 'aria-label': label('Anzahl'), value: String(s.count ?? 1), class: 'count' }, (v) => (setOptional(s, 'count', v === '' ? undefined : Number(v)), changed(false)))),
      h('td', {}, input({ type: 'text', 'aria-label': label('Begründung (Feld 5009)'), value: s.justification ?? '', placeholder: 'Begründung' }, (v) => (setOptional(s, 'justification', v === '' ? undefined : v), changed(false)))),
      h('td', { class: 'amount' }, s.points === undefined || s.points === null ? '' : `${s.points} P.`, s.euro === undefined || s.euro === null ? '' : ` · ${s.euro.toFixed(2).replace('.', ',')} €`),
      h('td', {}, h('button', { type: 'button', class: 'remove', 'aria-label': label('entfernen'), onclick: () => (session.model.services?.splice(i, 1), changed(true)) }, '✕')),
    );
  }

  /** Date and time a new row starts with: the last contact's, else the duty start. */
  function defaultDateTime(): { date: string; time: string } {
    const last = session.model.contacts?.at(-1) ?? session.model.services?.at(-1);
    if (last !== undefined) return { date: last.date, time: last.time ?? state.duty.start.slice(11, 16) };
    return { date: state.duty.start.slice(0, 10), time: state.duty.start.slice(11, 16) };
  }

  function section(title: string, headers: string[], rows: HTMLElement[], addLabel: string, add: () => void, addTestId?: string): HTMLElement {
    const id = `sec-${title.toLowerCase().replace(/[^a-z]/g, '')}`;
    return h(
      'section',
      { class: 'editor-section', 'aria-labelledby': id },
      h('h2', { id }, title),
      h('div', { class: 'scroll' }, h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))), h('tbody', {}, rows))),
      h('button', { type: 'button', class: 'add', 'data-testid': addTestId, onclick: add }, addLabel),
    );
  }

  function renderForm(): void {
    session.model.contacts ??= [];
    session.model.diagnoses ??= [];
    session.model.services ??= [];
    const fieldset = h(
      'fieldset',
      { disabled: readOnly() },
      h('legend', { class: 'visually-hidden' }, 'Falldaten'),
      section('Kontakte', ['Datum', 'Uhrzeit', 'Art', 'Abklärung', 'Besuch (km)', 'Gemeinschaft', ''], session.model.contacts.map(contactRow), 'Kontakt hinzufügen', () => {
        session.model.contacts?.push({ ...defaultDateTime(), mode: 'personal' });
        changed(true);
      }),
      section('Diagnosen', ['ICD-10-GM', 'Sicherheit', 'Seite', ''], session.model.diagnoses.map(diagnosisRow), 'Diagnose hinzufügen', () => {
        session.model.diagnoses?.push({ icd: '', certainty: 'G' });
        changed(true);
        form.querySelectorAll<HTMLInputElement>('input.code[aria-label^="Diagnose"]').item((session.model.diagnoses?.length ?? 1) - 1)?.focus();
      }),
      section('Leistungen', ['GOP', 'Datum', 'Uhrzeit', 'Kontaktart', 'Anzahl', 'Begründung', 'Punkte/€', ''], session.model.services.map(serviceRow), 'Leistung hinzufügen', () => {
        const { date, time } = defaultDateTime();
        session.model.services?.push({ gop: '', date, time, mode: 'personal' });
        renderForm();
        const gops = form.querySelectorAll<HTMLInputElement>('[data-testid="service-gop"]');
        gops.item(gops.length - 1)?.focus();
      }, 'add-service'),
    );
    mount(form, fieldset);
  }

  async function complete(): Promise<void> {
    status.textContent = 'Fall wird vervollständigt …';
    try {
      const result = await api.post<CompleteResponse>(`/api/cases/${encodeURIComponent(record.id)}/complete`, session.model);
      record = result.record;
      session.replace(structuredClone(record.case), result.cards);
      renderForm();
      status.textContent = 'Leistungen aus den Kontakten abgeleitet und gespeichert.';
    } catch (error) {
      status.textContent = error instanceof ApiFailure ? error.message : 'Vervollständigen fehlgeschlagen.';
    }
  }

  async function sign(): Promise<void> {
    try {
      const result = await api.post<SignResponse>(`/api/cases/${encodeURIComponent(record.id)}/sign`, session.model);
      record = result.record;
      renderHeader();
      renderForm();
      session.replace(session.model, result.cards);
      mount(signBox, h('h2', {}, 'Fall abgeschlossen'), h('p', {}, 'Hinweise beim Abschluss (case-sign). Der Fall ist gespeichert; Hinweise blockieren nie.'), renderCards(result.cards, { empty: 'Keine Hinweise beim Abschluss.' }));
      status.textContent = 'Fall abgeschlossen.';
      signBox.querySelector('h2')?.setAttribute('tabindex', '-1');
      (signBox.querySelector('h2') as HTMLElement | null)?.focus();
    } catch (error) {
      status.textContent = error instanceof ApiFailure ? error.message : 'Abschließen fehlgeschlagen.';
    }
  }

  async function reopen(): Promise<void> {
    record = await api.post<CaseRecord>(`/api/cases/${encodeURIComponent(record.id)}/reopen`, {});
    mount(signBox);
    renderHeader();
    renderForm();
    session.edited();
  }

  const header = h('div', { class: 'editor-header' });
  function renderHeader(): void {
    const p = session.model.patient;
    mount(
      header,
      h('h1', {}, `Notfalldienst-Fall ${record.id}: ${p.lastName}, ${p.firstName}`),
      h(
        'p',
        { class: 'muted' },
        `geb. ${germanDate(p.birthDate)} · ${p.insurance.name ?? p.insurance.type} · Dienst ${germanDateTime(state.duty.start)} bis ${germanDateTime(state.duty.end)} · `,
        h('strong', {}, record.status === 'signed' ? 'abgeschlossen' : 'in Bearbeitung'),
      ),
      h(
        'div',
        { class: 'toolbar' },
        h('button', { type: 'button', onclick: () => void complete(), disabled: readOnly() || !state.features.complete, title: state.features.complete ? undefined : 'Abrechnungsmodul nicht geladen' }, 'Vervollständigen'),
        record.status === 'signed'
          ? h('button', { type: 'button', onclick: () => void reopen() }, 'Wieder öffnen')
          : h('button', { type: 'button', class: 'primary', onclick: () => void sign() }, 'Fall abschließen'),
        h('a', { href: `#/patients/${encodeURIComponent(record.patientId)}`, class: 'button-link' }, 'Zur Patientenakte'),
      ),
    );
  }

  renderHeader();
  renderForm();
  renderFindings();
  mount(root, h('div', { class: 'editor', 'data-testid': 'case-editor' }, header, status, h('div', { class: 'editor-body' }, form, h('aside', { class: 'editor-aside' }, findingsBox, signBox))));
  focusHeading(root);
  void session.checkNow();

  // Leaving the page flushes a pending edit so the draft is saved.
  return () => session.dispose();
}
