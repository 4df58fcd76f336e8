import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berlinDateTimeOf } from '@pvskit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAKE_TRY_LIMIT, type AppointmentView, type CaseRecord, type DoctorCallInfo, type CheckResponse, type DutyResponse, type ExportResponse, type PatientRecord, type StateResponse } from '../shared/api.js';
import { practicePakeLedger } from '../client/pake-ledger.js';
import { AppClient } from '../testing/http-client.js';
import { startHostApp, type DemoCredentials, type RunningHostApp } from './index.js';
import { addDays, saturdayOnOrBefore } from './seed.js';

let dir: string;
let app: RunningHostApp;
let client: AppClient;
let credentials: DemoCredentials;

const json = <T>(path: string, init?: { method?: string; body?: unknown }) => client.json<T>(path, init);

async function start(options: { reset?: boolean; today: string }): Promise<void> {
  app = await startHostApp({ port: 0, dataFile: join(dir, 'data', 'data.sqlite'), secretsDir: join(dir, 'secrets'), ...options });
  if (app.firstStart !== undefined) credentials = app.firstStart;
  client = new AppClient(app.url);
  expect((await client.login(credentials)).status).toBe(200);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-test-'));
  // Wednesday 14 January 2026: the seeded duty is the weekend before, Saturday 10 January 08:00 to Monday 08:00.
  await start({ today: '2026-01-14' });
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('seed', () => {
  it('places the duty on the Saturday on or before today', () => {
    expect(saturdayOnOrBefore('2026-01-14')).toBe('2026-01-10');
    expect(saturdayOnOrBefore('2026-01-10')).toBe('2026-01-10');
    expect(saturdayOnOrBefore('2026-01-09')).toBe('2026-01-03');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('creates a BW practice, six patients, one duty and its three cases on first start', async () => {
    const state = await json<StateResponse>('/api/state');
    expect(state.body.settings.practice.kv).toBe('52');
    expect(state.body.duty).toMatchObject({ start: '2026-01-10T08:00', end: '2026-01-12T08:00' });
    expect(state.body.features).toEqual({ billing: true, complete: true, kvdt: true, video: true, signaling: true, cdsHooks: true });
    expect((await json<PatientRecord[]>('/api/patients')).body).toHaveLength(6);
    expect((await json<DutyResponse>('/api/duty')).body.cases.map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-3']);
  });
});

describe('case API', () => {
  it('checks a case while it is typed: NFD-TIME-BAND with a fix, and input problems as issues without saving', async () => {
    const created = await json<CaseRecord>('/api/patients/p-5/cases', { body: {} });
    expect(created.status).toBe(201);
    const base = created.body.case;
    const half = await json<CheckResponse>(`/api/cases/${created.body.id}/check`, { body: { ...base, services: [{ gop: '', date: '2026-01-10' }] } });
    expect(half.body.saved).toBe(false);
    expect(half.body.issues.map((i) => i.path)).toEqual(['$.services[0].gop']);

    const typed = { ...base, services: [{ gop: '01210', date: '2026-01-10', time: '10:00', mode: 'personal' }] };
    const checked = await json<CheckResponse>(`/api/cases/${created.body.id}/check`, { body: typed });
    expect(checked.body.saved).toBe(true);
    const band = checked.body.cards.find((c) => c.ruleId === 'NFD-TIME-BAND');
    expect(band?.suggestions?.[0]?.actions?.[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
    // Saved as parsed: defaults (count 1) filled in.
    expect((await json<CaseRecord>(`/api/cases/${created.body.id}`)).body.case.services).toEqual([{ ...typed.services[0], count: 1 }]);

    // The user accepts the suggestion: the kit records CDS Hooks feedback.
    const feedback = await json<{ outcome: string }>('/api/feedback', {
      body: { card: band?.uuid, outcome: 'accepted', hookInstance: checked.body.hookInstance, acceptedSuggestions: [{ id: band?.suggestions?.[0]?.uuid }] },
    });
    expect(feedback.status).toBe(200);
    expect(feedback.body.outcome).toBe('accepted');
  });

  it('refuses unknown fields with their JSON path (a typo must not pass silently)', async () => {
    const r = await json<CheckResponse>('/api/cases/c-1/check', { body: { patient: { lastName: 'X', firstName: 'Y', birthDate: '2000-01-01', insurance: { type: 'GKV' } }, servces: [] } });
    expect(r.body.issues).toEqual([{ path: '$.servces', message: 'unknown field "servces"' }]);
  });

  it('completes a case from its contacts and closes it with case-sign, which never blocks', async () => {
    const created = await json<CaseRecord>('/api/patients/p-3/cases', { body: {} });
    const input = { ...created.body.case, contacts: [{ date: '2026-01-10', time: '23:15', mode: 'personal' }] };
    const done = await json<{ record: CaseRecord }>(`/api/cases/${created.body.id}/complete`, { body: input });
    // Saturday night, a child before the 3rd birthday (Nr. 9 group): 01212 plus the 01226 supplement.
    expect(done.body.record.case.services?.map((s) => s.gop)).toEqual(['01212', '01226']);
    const signed = await json<{ record: CaseRecord; cards: unknown[] }>(`/api/cases/${created.body.id}/sign`, { body: { ...done.body.record.case, services: [] } });
    expect(signed.status).toBe(200);
    expect(signed.body.record.status).toBe('signed');
  });

  it('answers unknown cases and routes with German 404s', async () => {
    const r = await json<{ error: { userMessage: string } }>('/api/cases/c-999');
    expect(r.status).toBe(404);
    expect(r.body.error.userMessage).toBe('Fall nicht gefunden.');
    expect((await json('/api/nope')).status).toBe(404);
  });
});

describe('export, CDS Hooks, static pages', () => {
  it('exports the duty as KVDT and serves only files the writer named', async () => {
    const r = await json<ExportResponse>('/api/export', { body: {} });
    expect(r.status).toBe(200);
    expect(r.body.quarter).toBe('12026');
    expect(r.body.findings).toEqual([]);
    expect(r.body.records['0104']).toBeGreaterThanOrEqual(3);
    const file = await client.send('GET', r.body.download);
    expect(file.headers['content-disposition']).toContain(r.body.fileName);
    expect(file.bytes.byteLength).toBe(r.body.bytes);
    expect((await client.send('GET', '/api/export/..%2Fdata.sqlite')).status).toBe(404);
  });

  it('serves CDS Hooks discovery for the same kit', async () => {
    const r = await json<{ services: { id: string; hook: string }[] }>('/cds-services');
    const hooks = new Set(r.body.services.map((s) => s.hook));
    expect([...hooks].sort()).toEqual(['appointment-book', 'billing-export', 'case-edit', 'case-sign', 'patient-view']);
  });

  it('sends a same-origin-only CSP with every page (R12)', async () => {
    for (const path of ['/', '/video', '/video/j/abcdefghijklmnop']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });
});

describe('video API', () => {
  it('books an appointment with two codes and a link, records consent from the join page and serves the print view', async () => {
    const now = berlinDateTimeOf(new Date());
    const booked = await json<{ appointment: AppointmentView }>('/api/patients/p-1/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    expect(booked.status).toBe(201);
    const a = booked.body.appointment;
    expect(a.doctorCode).not.toBe(a.patientCode);
    expect(a.inviteLink).toMatch(new RegExp(`^${app.url}/video/j/${a.id}#k=`));
    expect(a.smsText).toContain(a.patientCode);
    expect(a.consent).toBeNull();

    const consentText = await json<{ version: string }>('/api/join/consent-text');
    // Knowing an appointment id records nothing: the join page's consent reaches the practice only sealed,
    // through the doctor's call client, which records it on the practice's own route.
    expect((await json(`/api/join/${a.id}/consent`, { body: { textVersion: consentText.body.version } })).status).toBe(404);
    expect((await json<AppointmentView>(`/api/appointments/${a.id}`)).body.consent).toBeNull();
    const body = { channel: 'join-page', textVersion: consentText.body.version };
    expect((await json(`/api/appointments/${a.id}/consent`, { body })).status).toBe(200);
    expect((await json(`/api/appointments/${a.id}/consent`, { body })).status).toBe(200);
    const after = await json<AppointmentView>(`/api/appointments/${a.id}`);
    expect(after.body.consent?.channel).toBe('join-page');

    const print = await client.send('GET', a.printUrl);
    expect(print.headers['content-security-policy']).toContain("default-src 'none'");
    expect(print.text).toContain(a.patientCode);
  });
});

describe('the doctor\'s PAKE try count', () => {
  it('is kept per code pair, so a reloaded call page does not get a fresh budget; new codes start at 0', async () => {
    const now = berlinDateTimeOf(new Date());
    const booked = await json<{ appointment: AppointmentView }>('/api/patients/p-2/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    const id = booked.body.appointment.id;
    const info = async () => (await json<DoctorCallInfo>(`/api/appointments/${id}/doctor`)).body.pakeTries;
    expect(await info()).toEqual({ codeGeneration: 1, spent: 0 });

    expect(await json(`/api/appointments/${id}/pake-tries`, { body: { codeGeneration: 1, change: 3 } })).toEqual({ status: 200, body: { codeGeneration: 1, spent: 3 } });
    expect(await info()).toEqual({ codeGeneration: 1, spent: 3 });

    for (const change of [1.5, '1', null]) {
      const bad = await json<{ error: { message: string } }>(`/api/appointments/${id}/pake-tries`, { body: { codeGeneration: 1, change } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('$.change');
    }
    expect((await json(`/api/appointments/${id}/pake-tries`, { body: { codeGeneration: 1, spent: 0 } })).status).toBe(400);
    expect(await info()).toEqual({ codeGeneration: 1, spent: 3 });

    expect((await json(`/api/appointments/${id}/new-codes`, { body: {} })).status).toBe(200);
    expect(await info()).toEqual({ codeGeneration: 2, spent: 0 });
    // A page still open on the old pair cannot overwrite the new pair's count.
    const stale = await json<{ error: { code: string; userMessage: string } }>(`/api/appointments/${id}/pake-tries`, { body: { codeGeneration: 1, change: -3 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.userMessage).toContain('neue Zugangscodes');
    expect(await info()).toEqual({ codeGeneration: 2, spent: 0 });
    // Only the practice's own appointments.
    expect((await json(`/api/appointments/unknown-appointment/pake-tries`, { body: { codeGeneration: 1, change: 1 } })).status).toBe(404);
  });
});

describe('the doctor\'s PAKE try count from two call pages', () => {
  /** The call page's own ledger (client/pake-ledger.ts) over real HTTP, as the practice's browser sends it. */
  function callPageFetch(): { fetch: typeof fetch; done: () => number } {
    let done = 0;
    const pageFetch = async (path: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const res = await client.send(init?.method ?? 'GET', String(path), body);
      done++;
      return new Response(res.text, { status: res.status, headers: { 'content-type': 'application/json' } });
    };
    return { fetch: pageFetch as typeof fetch, done: () => done };
  }

  afterEach(() => vi.unstubAllGlobals());

  /** A fresh appointment of `patientId`, the call pages' fetch stubbed in, and the count the pages open with. */
  async function callPagesOn(patientId: string) {
    const now = berlinDateTimeOf(new Date());
    const booked = await json<{ appointment: AppointmentView }>(`/api/patients/${patientId}/appointments`, { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    const id = booked.body.appointment.id;
    const info = async () => (await json<DoctorCallInfo>(`/api/appointments/${id}/doctor`)).body.pakeTries;
    const page = callPageFetch();
    vi.stubGlobal('fetch', page.fetch);
    return { id, info, page, errors: [] as unknown[], opened: await info() };
  }

  it('adds up what each page spent: a page with a lower count does not hand the other a fresh budget on reload', async () => {
    // The doctor has the call page open in two tabs; both start from the practice's count.
    const { id, info, page, errors, opened } = await callPagesOn('p-3');
    const tabA = practicePakeLedger(id, opened, (e) => errors.push(e));
    const tabB = practicePakeLedger(id, opened, (e) => errors.push(e));
    // A relay spends nine tries in tab A (each client reports its own running count) …
    for (let spent = 1; spent <= 9; spent++) tabA.record(spent);
    await expect.poll(page.done, { timeout: 10_000 }).toBe(9);
    // … and one in tab B, then drops tab A's socket so that the doctor reloads it.
    tabB.record(1);
    await expect.poll(page.done, { timeout: 10_000 }).toBe(10);
    expect(errors).toEqual([]);
    // Ten tries were spent on this code pair: the reloaded tab A must have none left.
    expect(await info()).toEqual({ codeGeneration: opened.codeGeneration, spent: 10 });
    // Admitting the genuine patient in tab B gives its try back, and only that one.
    tabB.record(0);
    await expect.poll(page.done, { timeout: 10_000 }).toBe(11);
    expect((await info()).spent).toBe(9);
  });

  it('call pages take each try from the practice before confirming: two tabs together get 10, a granted try is counted once', async () => {
    const { id, info, errors, opened } = await callPagesOn('p-4');
    const tabA = practicePakeLedger(id, opened, (e) => errors.push(e));
    const tabB = practicePakeLedger(id, opened, (e) => errors.push(e));
    const reserve = (tab: typeof tabA) => (tab.reserve as () => Promise<boolean>)();
    // Both tabs ask at the same time, a relay knocking at both: the practice grants PAKE_TRY_LIMIT in all.
    const asked = await Promise.all(Array.from({ length: 7 }, () => [reserve(tabA), reserve(tabB)]).flat());
    expect(asked.filter(Boolean)).toHaveLength(PAKE_TRY_LIMIT);
    expect(await info()).toEqual({ codeGeneration: opened.codeGeneration, spent: PAKE_TRY_LIMIT });
    // A tab's later report includes its granted tries: nothing is added twice.
    const grantedA = asked.filter((g, i) => g && i % 2 === 0).length;
    tabA.record(grantedA);
    // Admitting the genuine patient in tab A gives one try back; then one more can be granted.
    tabA.record(grantedA - 1);
    await expect.poll(async () => (await info()).spent, { timeout: 10_000 }).toBe(PAKE_TRY_LIMIT - 1);
    expect(await reserve(tabB)).toBe(true);
    expect(await reserve(tabA)).toBe(false);
    expect(errors).toEqual([]);
    // A page on an older code pair is refused (409), and no try is taken.
    expect((await json(`/api/appointments/${id}/new-codes`, { body: {} })).status).toBe(200);
    const stale = await json<{ error: { userMessage: string } }>(`/api/appointments/${id}/pake-tries/reserve`, { body: { codeGeneration: opened.codeGeneration } });
    expect(stale.status).toBe(409);
    expect((await info()).spent).toBe(0);
  });

  it('a try given back while another is being asked for: the practice still counts the one being asked for', async () => {
    const { id, info, errors, opened } = await callPagesOn('p-4');
    const tab = practicePakeLedger(id, opened, (e) => errors.push(e));
    const reserve = () => (tab.reserve as () => Promise<boolean>)();
    // The genuine patient's try, granted; the client counts 1.
    expect(await reserve()).toBe(true);
    // A relay knocks just as that patient is let in: the page asks for a second try, and before the answer the
    // client gives the first one back (its count 1 -> 0, the pending try not yet in it).
    const second = reserve();
    tab.record(0);
    expect(await second).toBe(true);
    // The client now counts 1 (the relay's try); so must the practice, or a reload hands that try out again.
    await expect.poll(async () => (await info()).spent, { timeout: 10_000 }).toBe(1);
    expect(errors).toEqual([]);
  });

  it('a report that does not reach the practice goes out with the next one', async () => {
    const now = berlinDateTimeOf(new Date());
    const booked = await json<{ appointment: AppointmentView }>('/api/patients/p-3/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    const id = booked.body.appointment.id;
    const opened = (await json<DoctorCallInfo>(`/api/appointments/${id}/doctor`)).body.pakeTries;
    const page = callPageFetch();
    let offline = true;
    vi.stubGlobal('fetch', (path: string, init?: RequestInit) => (offline ? Promise.reject(new TypeError('Failed to fetch')) : page.fetch(path, init)));
    const errors: unknown[] = [];
    const tab = practicePakeLedger(id, opened, (e) => errors.push(e));
    tab.record(1);
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBe(1);
    offline = false;
    tab.record(2);
    await expect.poll(page.done, { timeout: 10_000 }).toBe(1);
    expect((await json<DoctorCallInfo>(`/api/appointments/${id}/doctor`)).body.pakeTries.spent).toBe(2);
  });

  it('a try that cannot be asked for rejects (the call client turns that knock away and says why); the next one asks again', async () => {
    const { id, info, page, errors, opened } = await callPagesOn('p-5');
    let offline = true;
    vi.stubGlobal('fetch', (path: string, init?: RequestInit) => (offline ? Promise.reject(new TypeError('Failed to fetch')) : page.fetch(path, init)));
    const tab = practicePakeLedger(id, opened, (e) => errors.push(e));
    const reserve = () => (tab.reserve as () => Promise<boolean>)();
    await expect(reserve()).rejects.toThrow('Failed to fetch');
    offline = false;
    expect(await reserve()).toBe(true);
    expect(await info()).toEqual({ codeGeneration: opened.codeGeneration, spent: 1 });
    // Reported once, by the call client ('budget-unreachable'), not a second time as a count not stored.
    expect(errors).toEqual([]);
    // The page's later report includes the granted try: nothing is added twice.
    tab.record(1);
    tab.record(0);
    await expect.poll(page.done, { timeout: 10_000 }).toBe(2);
    expect((await info()).spent).toBe(0);
  });
});

describe('restart', () => {
  it('keeps the data on restart and starts afresh with reset', async () => {
    await app.close();
    await start({ today: '2026-01-14' });
    expect(app.firstStart).toBeUndefined();
    expect((await json<DutyResponse>('/api/duty')).body.cases.length).toBeGreaterThan(3);
    await app.close();
    // A reset registers the practice anew: new credentials, shown once.
    await start({ reset: true, today: '2026-03-04' });
    expect(app.firstStart).toBeDefined();
    const duty = await json<DutyResponse>('/api/duty');
    expect(duty.body.cases).toHaveLength(3);
    expect(duty.body.duty.start).toBe('2026-02-28T08:00');
  });
});
