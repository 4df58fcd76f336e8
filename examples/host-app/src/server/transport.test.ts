/*
 * Transport of the app server: HTTPS with a certificate this test makes (openssl), and reverse-proxy mode
 * with an explicit trusted proxy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berlinDateTimeOf } from '@pvskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppClient, request } from '../testing/http-client.js';
import { startHostApp, type DemoCredentials, type RunningHostApp } from './index.js';

let dir: string;
let cert: Buffer;
let key: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore', timeout: 30_000 });
  cert = readFileSync(certFile);
  key = readFileSync(keyFile);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  let app: RunningHostApp;
  afterAll(async () => {
    await app?.close();
  });

  it('serves HTTPS with the given certificate; the session cookie is Secure with the __Host- prefix', async () => {
    app = await startHostApp({ port: 0, dataFile: join(dir, 'tls', 'data.sqlite'), secretsDir: join(dir, 'tls-secrets'), tls: { cert, key }, today: '2026-01-14' });
    expect(app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = new AppClient(app.url, cert);
    const login = await client.login(app.firstStart as DemoCredentials);
    expect(login.status).toBe(200);
    const cookie = login.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/^__Host-pvskit-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    expect((await client.json<unknown[]>('/api/patients')).body).toHaveLength(6);
    // The same origin over https is ours; plain HTTP on the TLS port gets no answer with data.
    expect((await client.send('POST', '/api/patients/p-1/cases', {}, { origin: app.url.replace('https:', 'http:') })).status).toBe(403);
    await expect(request(app.url.replace('https:', 'http:') + '/api/patients')).rejects.toThrow();
  });
});

describe('reverse-proxy mode', () => {
  let app: RunningHostApp;
  let credentials: DemoCredentials;
  afterAll(async () => {
    await app?.close();
  });

  it('serves the public name, marks cookies Secure and takes the client address from the trusted proxy only', async () => {
    app = await startHostApp({
      port: 0,
      dataFile: join(dir, 'proxy', 'data.sqlite'),
      secretsDir: join(dir, 'proxy-secrets'),
      trustedProxies: ['127.0.0.1'],
      publicHost: 'praxis.example.de',
      today: '2026-01-14',
    });
    credentials = app.firstStart as DemoCredentials;
    // As the proxy forwards it: public Host, https origin, the client's address appended.
    const viaProxy = (address: string) => ({ host: 'praxis.example.de', origin: 'https://praxis.example.de', 'x-forwarded-for': address });
    const client = new AppClient(app.url);
    const login = await client.send('POST', '/api/login', { organisation: credentials.organisation, user: credentials.user, password: credentials.password }, viaProxy('203.0.113.7'));
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']?.[0]).toMatch(/^__Host-pvskit-session=.*; Secure$/);
    // Invitation links name the public https origin.
    const cookie = (login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const now = berlinDateTimeOf(new Date());
    const booked = await client.send('POST', '/api/patients/p-1/appointments', { start: `${now.date}T${now.time}`, durationMinutes: 15 }, { ...viaProxy('203.0.113.7'), cookie });
    expect(booked.status).toBe(201);
    expect(booked.text).toContain('https://praxis.example.de/video/j/');

    // Wrong passwords from one client address behind the proxy slow that address down, not another one.
    const wrong = { organisation: credentials.organisation, user: `${credentials.user}-nicht`, password: 'falsch' };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await client.send('POST', '/api/login', { ...wrong, user: `u${i}` }, viaProxy('198.51.100.9'))).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await client.send('POST', '/api/login', { ...wrong, user: 'u-other' }, viaProxy('198.51.100.10'))).status).toBe(401);
    // A proxy that appends the client's port does not make each connection a fresh client.
    const ported: number[] = [];
    for (let i = 0; i < 7; i++) ported.push((await client.send('POST', '/api/login', { ...wrong, user: `p${i}` }, viaProxy(`198.51.100.40:${40000 + i}`))).status);
    expect(ported.at(-1)).toBe(429);
    expect((await client.send('POST', '/api/login', { ...wrong, user: 'p-v6' }, viaProxy('[2001:db8:5:5::1]:40000'))).status).toBe(401);
    expect((await client.send('POST', '/api/login', { ...wrong, user: 'p-v6' }, viaProxy('2001:db8:5:5::2'))).status).toBe(401);
    // An IPv6 client counts per /64 (one subscriber's block): a fresh address from it is the same guesser.
    const v6: number[] = [];
    for (let i = 0; i < 7; i++) v6.push((await client.send('POST', '/api/login', { ...wrong, user: `v${i}` }, viaProxy(`2001:db8:7:7::${i + 1}`))).status);
    expect(v6.at(-1)).toBe(429);
    expect((await client.send('POST', '/api/login', { ...wrong, user: 'v-other' }, viaProxy('2001:db8:7:8::1'))).status).toBe(401);
    // The signaling's limit on typed codes counts per client address too, not per proxy.
    const redeem = (address: string) => client.send('POST', '/signal/redeem', { code: '000-000-000' }, viaProxy(address));
    const redeemed: number[] = [];
    for (let i = 0; i < 11; i++) redeemed.push((await redeem('198.51.100.20')).status);
    expect(redeemed.at(-1)).toBe(429);
    expect((await redeem('198.51.100.21')).status).not.toBe(429);
    const redeemedV6: number[] = [];
    for (let i = 0; i < 11; i++) redeemedV6.push((await redeem(`2001:db8:9:9::${i + 1}`)).status);
    expect(redeemedV6.at(-1)).toBe(429);
  });

  it('still refuses a foreign Host in proxy mode', async () => {
    const res = await request(`${app.url}/api/state`, { headers: { host: 'evil.example' } });
    expect(res.status).toBe(421);
  });

  it('answers the trusted proxy only: a client talking to the app directly (plain HTTP, past the proxy) is refused', async () => {
    // 127.0.0.2 is another machine on the network here; the proxy is 127.0.0.1.
    const direct = { host: 'praxis.example.de', 'content-type': 'application/json', origin: 'https://praxis.example.de' };
    const login = await request(`${app.url}/api/login`, {
      method: 'POST',
      headers: direct,
      body: JSON.stringify({ organisation: credentials.organisation, user: credentials.user, password: credentials.password }),
      localAddress: '127.0.0.2',
    });
    expect(login.status).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(login.text)).toMatchObject({ error: { code: 'PROXY' } });
    for (const path of ['/', '/api/join/consent-text']) expect((await request(`${app.url}${path}`, { headers: { host: 'praxis.example.de' }, localAddress: '127.0.0.2' })).status, path).toBe(403);
    const upgrade = await request(`${app.url}/signal`, {
      headers: { host: 'praxis.example.de', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      localAddress: '127.0.0.2',
    });
    expect(upgrade.status).toBe(403);
    // Through the proxy the same request is served.
    expect((await request(`${app.url}/api/join/consent-text`, { headers: { host: 'praxis.example.de' } })).status).toBe(200);
  });
});

describe('patient pages on their own origin', () => {
  let app: RunningHostApp;
  afterAll(async () => {
    await app?.close();
  });

  it('serves the join API only to the patient name, the PVS never there, and links patients to their origin', async () => {
    app = await startHostApp({ port: 0, dataFile: join(dir, 'split', 'data.sqlite'), secretsDir: join(dir, 'split-secrets'), patientOrigin: 'http://patients.example', today: '2026-01-14' });
    const practice = new AppClient(app.url);
    expect((await practice.login(app.firstStart as DemoCredentials)).status).toBe(200);
    const now = berlinDateTimeOf(new Date());
    const booked = await practice.json<{ appointment: { id: string; inviteLink: string } }>('/api/patients/p-1/appointments', { body: { start: `${now.date}T${now.time}`, durationMinutes: 15 } });
    expect(booked.body.appointment.inviteLink).toMatch(/^http:\/\/patients\.example\/video\/j\//);

    const asPatient = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
      request(`${app.url}${path}`, { ...init, headers: { host: 'patients.example', ...init.headers } });
    expect((await asPatient('/api/join/consent-text')).status).toBe(200);
    // The PVS is not there, even with the practice's cookie (which a browser would not even send there).
    for (const path of ['/api/patients', '/api/state', `/api/appointments/${booked.body.appointment.id}/doctor`, '/', '/cds-services']) {
      const res = await asPatient(path, { headers: { cookie: practice.cookie ?? '' } });
      expect(res.status, path).toBe(404);
      expect(res.text, path).not.toContain('Muster');
    }
    expect((await asPatient('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
    // A write on the patient name from the PVS's origin (or any other) is cross-site.
    const consent = `/api/join/${booked.body.appointment.id}/consent`;
    expect((await asPatient(consent, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.url }, body: '{"textVersion":"x"}' })).status).toBe(403);
    // And the PVS name serves no join API: patient input never runs in the PVS's origin.
    expect((await practice.send('GET', '/api/join/consent-text')).status).toBe(404);
    expect((await practice.send('GET', '/video')).status).toBe(404);
  });

  it('refuses a patient origin that is not a bare http(s) origin', async () => {
    await expect(startHostApp({ port: 0, dataFile: join(dir, 'bad', 'd.sqlite'), secretsDir: join(dir, 'bad-s'), patientOrigin: 'https://video.example/pfad' })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
