import type { StateResponse } from '../shared/api.js';
import { api, ApiFailure } from './api.js';
import { h, mount } from './dom.js';
import { showCaseEditor } from './views/case-editor.js';
import { showDoctorCall } from './views/doctor-call.js';
import { showDuty } from './views/duty.js';
import { showExport } from './views/export.js';
import { showJoin } from './views/join.js';
import { showLogin } from './views/login.js';
import { showPatientList, showPatientRecord } from './views/patients.js';

/*
 * Entry point of the browser app. The PVS pages use hash routes (#/patients, #/cases/c-1, …); the patient's
 * join pages are real paths (/video, /video/j/<id>) because the invitation link's fragment carries the key.
 */

let dispose: (() => void) | undefined;

async function route(root: HTMLElement, state: StateResponse): Promise<void> {
  dispose?.();
  dispose = undefined;
  const hash = location.hash.replace(/^#/, '') || '/patients';
  const parts = hash.split('/').filter(Boolean).map(decodeURIComponent);
  document.querySelectorAll('nav a').forEach((a) => {
    const active = hash.startsWith((a.getAttribute('href') ?? '').slice(1));
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  try {
    if (parts[0] === 'patients' && parts[1] !== undefined) await showPatientRecord(root, parts[1], state);
    else if (parts[0] === 'cases' && parts[1] !== undefined) dispose = await showCaseEditor(root, parts[1], state);
    else if (parts[0] === 'call' && parts[1] !== undefined && state.features.video) dispose = await showDoctorCall(root, parts[1]);
    else if (parts[0] === 'duty') await showDuty(root);
    else if (parts[0] === 'export') showExport(root, state);
    else await showPatientList(root);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      showLogin(root, () => location.reload());
      return;
    }
    mount(root, h('h1', {}, 'Fehler'), h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : 'Die Seite konnte nicht geladen werden.'));
  }
}

async function start(): Promise<void> {
  const root = document.getElementById('main');
  if (root === null) return;
  // The patient's pages: no PVS navigation, no PVS data.
  if (location.pathname.startsWith('/video')) {
    try {
      await showJoin(root);
    } catch (error) {
      mount(root, h('h1', {}, 'Videosprechstunde'), h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : 'Die Seite konnte nicht geladen werden.'));
    }
    return;
  }
  let state: StateResponse;
  try {
    state = await api.get<StateResponse>('/api/state');
  } catch (error) {
    // Not logged in (or the session ended): the login form, then the app afresh.
    if (error instanceof ApiFailure && error.status === 401) showLogin(root, () => location.reload());
    else mount(root, h('h1', {}, 'Fehler'), h('p', { class: 'error', role: 'alert' }, error instanceof ApiFailure ? error.message : 'Die Seite konnte nicht geladen werden.'));
    return;
  }
  const practice = document.getElementById('practice-name');
  if (practice !== null) practice.textContent = `${state.settings.practice.name ?? ''} · ${state.settings.physician.name ?? ''} · angemeldet: ${state.user.user}`;
  const logout = document.getElementById('logout');
  if (logout !== null) {
    logout.hidden = false;
    logout.addEventListener('click', () => {
      void api
        .post('/api/logout')
        .catch(() => undefined)
        .then(() => location.assign('/'));
    });
  }
  window.addEventListener('hashchange', () => void route(root, state));
  await route(root, state);
}

void start();
