/*
 * The app server as an attacker meets it (issue 12), over real HTTP on 127.0.0.1: no session, a foreign Host,
 * cross-site forms, guessed passwords, export paths, and what lies on disk.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berlinDateTimeOf, type Logger } from '@pvskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView, CaseRecord } from '../shared/api.js';
// A complete case as the KVDT writer's own tests use it.
import { sampleCaseInput } from '../../../../packages/adapters/test/kvdt-sample.js';
import { AppClient, rawRequest, request } from '../testing/http-client.js';
import { startHostApp, type DemoCredentials, type RunningHostApp } from './index.js';

let dir: string;
let app: RunningHostApp;
let credentials: DemoCredentials;
let practice: AppClient;
const logged: { message: string; data?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug: () => {},
  info: (message, data) => logged.push({ message, ...(data === undefined ? {} : { data }) }),
  warn: (message, data) => logged.push({ message, ...(data === undefined ? {} : { data }) }),
  error: (message, data) => logged.push({ message, ...(data === undefined ? {} : { data }) }),
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-security-'));
  app = await startHostApp({ port: 0, dataFile: join(dir, 'data', 'host-app.sqlite'), secretsDir: join(dir, 'secrets'), today: '2026-01-14', logger });
  credentials = app.firstStart as DemoCredentials;
  practice = new AppClient(app.url);
  expect((await practice.login(credentials)).status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A path for a route pattern: every `:param` becomes a plausible id. */
const concrete = (path: string): string => path.replace(/:[A-Za-z]+/g, 'p-1');

function errorBody(text: string): { error: { code: string; message: string; userMessage: string } } {
  const body = JSON.parse(text) as { error: { code: string; message: string; userMessage: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.message).toMatch(/\w/);
  expect(body.error.userMessage).toMatch(/\w/);
  return body;
}

describe('only the practice gets in', () => {
  it('every practice route of the router refuses a request without a session (enumerated, not listed by hand)', async () => {
    const routes = app.routes();
    expect(routes.length).toBeGreaterThan(20);
    // The routes anyone may call: anything else added later is a practice route and is tested below.
    expect(routes.filter((r) => r.access !== 'practice').map((r) => `${r.method} ${r.path} ${r.access}`).sort()).toEqual([
      'GET /api/join/consent-text patient',
      'POST /api/login login',
      'POST /api/logout login',
    ]);
    const stranger = new AppClient(app.url);
    for (const route of routes.filter((r) => r.access === 'practice')) {
      const res = await stranger.send(route.method, concrete(route.path), route.method === 'GET' ? undefined : {});
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expect(errorBody(res.text).error.code).toBe('AUTH');
      // A forged or stale cookie is no session either.
      const forged = await stranger.send(route.method, concrete(route.path), route.method === 'GET' ? undefined : {}, { cookie: `pvskit-session=${'A'.repeat(43)}` });
      expect(forged.status, `${route.method} ${route.path} with a forged cookie`).toBe(401);
    }
  });

  it('docs/security.md lists every route of the router with who may call it', () => {
    const doc = readFileSync(new URL('../../../../docs/security.md', import.meta.url), 'utf8');
    const who = { practice: 'practice', patient: 'patient', login: 'anyone' } as const;
    for (const r of app.routes()) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${r.method} ${r.path}\``));
      expect(row, `${r.method} ${r.path}`).toBeDefined();
      expect(row?.split('|')[2], `${r.method} ${r.path}`).toContain(who[r.access]);
    }
  });

  it('names no patient, no setting and no code in a refused answer (the doctor page of a real appointment)', async () => {
    const now = berlinDateTimeOf(new Date());
    const booked = await practice.json<{ appointment: AppointmentView }>('/api/patients/p-1/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    expect(booked.status).toBe(201);
    const a = booked.body.appointment;
    for (const path of [`/api/appointments/${a.id}/doctor`, `/api/appointments/${a.id}`, `/print/${a.id}`, '/api/patients', '/api/state']) {
      const res = await request(`${app.url}${path}`);
      expect(res.status, path).toBe(401);
      for (const secret of [a.doctorCode, a.patientCode, a.patientName, 'Muster', 'Notfallpraxis']) expect(res.text, path).not.toContain(secret);
    }
    // The practice itself gets the doctor's page.
    expect((await practice.json(`/api/appointments/${a.id}/doctor`)).status).toBe(200);
  });

  it('logs out: the cookie no longer opens anything', async () => {
    const client = new AppClient(app.url);
    expect((await client.login(credentials)).status).toBe(200);
    expect((await client.json('/api/patients')).status).toBe(200);
    const out = await client.send('POST', '/api/logout', {});
    expect(out.status).toBe(200);
    expect(out.headers['set-cookie']?.[0]).toMatch(/Max-Age=0/);
    expect((await client.json('/api/patients')).status).toBe(401);
  });

  it('gives every login a fresh token and ends the one the browser carried', async () => {
    const client = new AppClient(app.url);
    await client.login(credentials);
    const first = client.cookie;
    await client.login(credentials);
    expect(client.cookie).not.toBe(first);
    expect((await new AppClient(app.url).send('GET', '/api/patients', undefined, { cookie: first ?? '' })).status).toBe(401);
    expect((await client.json('/api/patients')).status).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ (Secure only under TLS, see the TLS test)', async () => {
    const res = await new AppClient(app.url).login(credentials);
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^pvskit-session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(res.text).not.toContain(cookie.split(';')[0]?.split('=')[1] ?? 'x');
  });

  it('answers a wrong login with one German/English error, whatever part was wrong', async () => {
    const client = new AppClient(app.url);
    for (const wrong of [
      { ...credentials, password: `${credentials.password}x` },
      { ...credentials, user: 'someone' },
      { ...credentials, organisation: 'demo-unknown' },
    ]) {
      const res = await client.send('POST', '/api/login', { organisation: wrong.organisation, user: wrong.user, password: wrong.password }, { 'x-forwarded-for': '10.0.0.9' });
      expect(res.status).toBe(401);
      expect(errorBody(res.text).error).toMatchObject({ code: 'AUTH', userMessage: expect.stringContaining('Anmeldung fehlgeschlagen') as unknown });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const res = await client.send('POST', '/api/login', { organisation: credentials.organisation, user: credentials.user });
    expect(res.status).toBe(400);
  });
});

describe('requests from elsewhere', () => {
  it('refuses a foreign Host (DNS rebinding), even with a valid session, on pages, API and WebSocket', async () => {
    for (const path of ['/api/patients', '/api/state', '/', '/cds-services']) {
      const res = await request(`${app.url}${path}`, { headers: { host: 'evil.example', ...(practice.cookie === undefined ? {} : { cookie: practice.cookie }) } });
      expect(res.status, path).toBe(421);
      expect(errorBody(res.text).error.code).toBe('HOST');
    }
    const upgrade = await request(`${app.url}/signal`, { headers: { host: `evil.example:${app.port}`, connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    expect(upgrade.status).toBe(421);
    // The loopback names with the port are ours.
    for (const host of [`localhost:${app.port}`, `127.0.0.1:${app.port}`]) expect((await request(`${app.url}/styles.css`, { headers: { host } })).status).toBe(200);
  });

  it('takes the host of an absolute-form request target, not the Host header, and reads a // path as a path', async () => {
    const cookie = practice.cookie ?? '';
    const get = (target: string, host: string) => rawRequest(app.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    // RFC 9112 §3.2.2: with an absolute-form target the Host header is ignored, so the target's name is checked.
    const foreign = await get('http://evil.example/api/patients', `127.0.0.1:${app.port}`);
    expect(foreign.status).toBe(421);
    expect(foreign.body).not.toContain('Muster');
    expect((await get(`http://127.0.0.1:${app.port}/api/patients`, 'evil.example')).status).toBe(200);
    // `//evil.example/api/patients` is a path no route has, not a URL naming another host with the path /api/patients.
    expect((await get('//evil.example/api/patients', `127.0.0.1:${app.port}`)).status).toBe(404);
  });

  it('answers climbing or malformed static paths with a client error: no file outside public/, no internal error', async () => {
    const before = logged.length;
    for (const target of ['/%E0%A4%A', '/../package.json', '/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/..\\package.json', '/%5c..%5cpackage.json', '/styles.css%00.js']) {
      const res = await rawRequest(app.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nConnection: close\r\n\r\n`);
      expect([400, 404], target).toContain(res.status);
      expect(res.body, target).not.toContain('"devDependencies"');
      errorBody(res.body);
    }
    expect(logged.slice(before).filter((l) => l.message.includes('internal error'))).toEqual([]);
  });

  it('refuses a practice read from a page of another site or another port (no 200-or-404 probing of patient ids)', async () => {
    const cookie = practice.cookie ?? '';
    // A page on http://localhost:3000 is same-site with the PVS: the browser sends the SameSite cookie with its <script src>.
    for (const site of ['same-site', 'cross-site']) {
      for (const path of ['/api/patients/p-1', '/api/patients/p-999', '/print/p-1']) {
        const res = await request(`${app.url}${path}`, { headers: { cookie, 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' } });
        expect(res.status, `${site} ${path}`).toBe(403);
        expect(res.text).not.toContain('Muster');
      }
    }
    // The PVS's own page and a typed address or bookmark read as before.
    for (const site of ['same-origin', 'none']) expect((await request(`${app.url}/api/patients/p-1`, { headers: { cookie, 'sec-fetch-site': site } })).status).toBe(200);
  });

  it('refuses a cross-site HTML form and a cross-site fetch, and changes nothing', async () => {
    const before = (await practice.json<CaseRecord[]>('/api/duty')).body;
    const signed = (await practice.json<CaseRecord>('/api/cases/c-1')).body;
    const cookie = practice.cookie ?? '';
    const attempts: { path: string; headers: Record<string, string>; status: number }[] = [
      // A plain form: the browser sends the cookie only same-site, but the defence must not rest on that alone.
      { path: '/api/patients/p-1/cases', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example', cookie }, status: 403 },
      { path: '/api/cases/c-1/reopen', headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', cookie }, status: 403 },
      { path: '/api/export', headers: { 'content-type': 'multipart/form-data; boundary=x', cookie }, status: 415 },
      { path: '/api/appointments/p-1/new-codes', headers: { 'content-type': 'application/json', origin: 'null', cookie }, status: 403 },
      // A foreign page lowering the doctor's PAKE try count (a fresh budget for a relay) with a form-like fetch.
      { path: '/api/appointments/p-1/pake-tries', headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example', cookie }, status: 403 },
      { path: '/api/appointments/p-1/pake-tries/reserve', headers: { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', origin: 'http://evil.example', cookie }, status: 403 },
      { path: '/api/patients/p-1/cases', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-site', cookie }, status: 403 },
    ];
    for (const a of attempts) {
      const res = await request(`${app.url}${a.path}`, { method: 'POST', headers: a.headers, body: 'x=1' });
      expect(res.status, JSON.stringify(a)).toBe(a.status);
      errorBody(res.text);
    }
    expect((await practice.json<CaseRecord[]>('/api/duty')).body).toEqual(before);
    expect((await practice.json<CaseRecord>('/api/cases/c-1')).body).toEqual(signed);
    expect(existsSync(join(dir, 'data', 'exports'))).toBe(false);
  });

  it('refuses a CDS Hooks caller that names the export directory, and writes nothing', async () => {
    const discovery = await practice.json<{ services: { id: string; hook: string }[] }>('/cds-services');
    const service = discovery.body.services.find((s) => s.hook === 'billing-export');
    expect(service).toBeDefined();
    const target = join(dir, 'stolen');
    const res = await request(`${app.url}/cds-services/${encodeURIComponent(service?.id ?? '')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hook: 'billing-export', hookInstance: 'f3d0b8e6-6a2c-4c37-9f3e-1b2c3d4e5f60', context: { items: [sampleCaseInput(1)], outDir: target } }),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('$.context.outDir');
    expect(existsSync(target)).toBe(false);
  });
});

describe('login throttling', () => {
  it('slows down a guessed password per address with a bounded wait, and lets the practice in afterwards', async () => {
    // Failed logins from one client (through no proxy: the X-Forwarded-For header is ignored here).
    const guesser = new AppClient(app.url);
    // A success resets the counters of this user and address, so earlier tests do not count.
    expect((await guesser.login(credentials)).status).toBe(200);
    const wrong = { organisation: credentials.organisation, user: credentials.user, password: 'falsch' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await guesser.send('POST', '/api/login', wrong, { 'x-forwarded-for': `10.1.1.${i}` })).status);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses[6]).toBe(429);
    const limited = await guesser.send('POST', '/api/login', { ...wrong, password: credentials.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(errorBody(limited.text).error.userMessage).toContain('Zu viele Fehlversuche');
    // The wait is bounded: once it is over, the right password gets in (and resets the counters).
    await new Promise((r) => setTimeout(r, Number(limited.headers['retry-after']) * 1000 + 100));
    expect((await guesser.login(credentials)).status).toBe(200);
    expect((await guesser.send('POST', '/api/login', wrong)).status).toBe(401);
  });

  it("a stranger guessing the practice user keeps unknown browsers waiting, never the practice's own browser", async () => {
    // The practice's browser logged in before, so it carries the known-browser cookie.
    const own = await new AppClient(app.url).login(credentials);
    const set = (own.headers['set-cookie'] ?? []).find((c) => c.startsWith('pvskit-known-browser=')) ?? '';
    expect(set).toMatch(/^pvskit-known-browser=[\w.-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const known = set.split(';')[0] ?? '';
    // A stranger on the same machine types wrong passwords for the practice's user until the throttle holds.
    const wrong = { organisation: credentials.organisation, user: credentials.user, password: 'falsch' };
    const stranger = new AppClient(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await stranger.send('POST', '/api/login', wrong)).status);
    expect(statuses.at(-1)).toBe(429);
    const right = { ...wrong, password: credentials.password };
    // Unknown browsers wait (the throttle still slows guessing), and so does a forged known-browser cookie ...
    expect((await new AppClient(app.url).send('POST', '/api/login', right)).status).toBe(429);
    const first = known.split('=')[1]?.[0];
    const forged = known.replace(`=${first}`, `=${first === 'A' ? 'B' : 'A'}`);
    expect((await new AppClient(app.url).send('POST', '/api/login', right, { cookie: forged })).status).toBe(429);
    // ... but the practice's own browser gets in at once, from the very same address.
    expect((await new AppClient(app.url).send('POST', '/api/login', right, { cookie: known })).status).toBe(200);
  });
});

describe('what lies on disk', () => {
  it('keeps the secrets outside the data directory, private, and without any password', () => {
    expect(app.secretsFile.startsWith(join(dir, 'secrets'))).toBe(true);
    expect(readdirSync(join(dir, 'data')).some((f) => f.includes('secret'))).toBe(false);
    expect(statSync(app.secretsFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    const text = readFileSync(app.secretsFile, 'utf8');
    expect(text).not.toContain(credentials.password);
    expect(text).not.toContain(credentials.masterPassword);
    for (const f of readdirSync(join(dir, 'data'))) {
      if (statSync(join(dir, 'data', f)).isFile()) expect(readFileSync(join(dir, 'data', f)).includes(credentials.password), f).toBe(false);
    }
  });

  it('keeps patient data from other users of the machine: data and export directories private, databases 0600', async () => {
    expect((await practice.json('/api/export', { body: {} })).status).toBe(200);
    const data = join(dir, 'data');
    for (const d of [data, join(data, 'exports')]) expect(statSync(d).mode & 0o077, d).toBe(0);
    for (const f of readdirSync(data).filter((f) => f.includes('.sqlite'))) expect(statSync(join(data, f)).mode & 0o077, f).toBe(0);
  });

  it('refuses secrets inside the data directory and secrets others can read', async () => {
    const other = join(dir, 'other');
    await expect(startHostApp({ port: 0, dataFile: join(other, 'x.sqlite'), secretsDir: join(other, 'keys') })).rejects.toMatchObject({ code: 'CONFIG' });
    mkdirSync(join(other, 'keys'), { recursive: true });
    const first = await startHostApp({ port: 0, dataFile: join(other, 'data', 'x.sqlite'), secretsDir: join(other, 'keys') });
    await first.close();
    chmodSync(first.secretsFile, 0o644);
    await expect(startHostApp({ port: 0, dataFile: join(other, 'data', 'x.sqlite'), secretsDir: join(other, 'keys') })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('readable by others') as unknown,
    });
  });
});

describe('retention', () => {
  it('purges at start and on demand, logs the counts, and drops the host link with the appointment', async () => {
    expect(logged.some((l) => l.message === 'host-app: maintenance done' && typeof l.data?.['appointments'] === 'number')).toBe(true);
    const now = berlinDateTimeOf(new Date());
    const booked = await practice.json<{ appointment: AppointmentView }>('/api/patients/p-2/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    const id = booked.body.appointment.id;
    expect((await practice.json<AppointmentView[]>('/api/patients/p-2/appointments')).body.map((a) => a.id)).toContain(id);
    // Three months and more after the appointment: its data and the PVS's link to it are gone.
    const counts = app.runMaintenance(new Date(Date.now() + 120 * 24 * 3600_000));
    expect(counts['appointments']).toBeGreaterThanOrEqual(1);
    expect(counts['hostAppointmentLinks']).toBeGreaterThanOrEqual(1);
    expect((await practice.json(`/api/appointments/${id}`)).status).toBe(404);
    expect((await practice.json<AppointmentView[]>('/api/patients/p-2/appointments')).body).toEqual([]);
    expect(logged.filter((l) => l.message === 'host-app: maintenance done').length).toBeGreaterThanOrEqual(2);
  });
});

describe('exposure', () => {
  it('refuses a non-loopback address without TLS or a proxy, a wildcard without a public name, and a short CDS token', async () => {
    const dataFile = join(dir, 'never', 'x.sqlite');
    const secretsDir = join(dir, 'never-secrets');
    await expect(startHostApp({ port: 0, host: '0.0.0.0', dataFile, secretsDir })).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('without TLS') as unknown });
    await expect(startHostApp({ port: 0, host: '0.0.0.0', dataFile, secretsDir, trustedProxies: ['127.0.0.1'] })).rejects.toMatchObject({ code: 'CONFIG', message: expect.stringContaining('--public-host') as unknown });
    await expect(startHostApp({ port: 0, dataFile, secretsDir, cdsToken: 'too-short' })).rejects.toMatchObject({ code: 'CONFIG' });
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
