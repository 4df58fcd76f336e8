import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRecordingLogger } from '@pvskit/core';
import { afterEach, describe, expect, test } from 'vitest';
import { splitAccessCode } from '../access-code/access-code.js';
import { clientAddressKey } from '../base/client-address.js';
import { createIpLimiter } from '../appointments/ip-limiter.js';
import { createMemoryAccessControl } from './memory-access.js';
import { createMemoryMetadataStore } from './metadata.js';
import { createSignalingServer, createSignalingService, type SignalingServerOptions } from './server.js';
import { wrongDoctorCodeRests } from '../service/testing.js';
import { rawSocket, type RawSocket } from './testing.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const raw = (url: string, options: { autoPong?: boolean } = {}): Promise<RawSocket> => rawSocket(url, cleanups, options);

async function start(options: Partial<SignalingServerOptions> = {}) {
  const access = createMemoryAccessControl();
  const server = await createSignalingServer({ port: 0, access, ...options });
  cleanups.push(() => server.close());
  const appt = access.addAppointment();
  return { server, access, ...appt, ticket: server.issueDoctorTicket(appt.appointmentId) };
}

describe('signaling server limits', () => {
  test('a message above the size limit closes the socket (1009)', async () => {
    const s = await start({ limits: { maxMessageBytes: 2048 } });
    const c = await raw(s.server.url);
    c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    await c.next((m) => m.t === 'welcome');
    c.send({ t: 'relay', to: 'AAAAAAAAAAAA', body: 'x'.repeat(4096) });
    expect(await c.closed).toBe(1009);
  });

  test('malformed and binary messages are refused', async () => {
    const s = await start();
    const a = await raw(s.server.url);
    a.send('{not json');
    expect((await a.next((m) => m.t === 'error')).code).toBe('VALIDATION');
    expect(await a.closed).toBe(4003);
    const b = await raw(s.server.url);
    b.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await b.closed).toBe(4003);
    const c = await raw(s.server.url);
    c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient', extra: 1 });
    expect(await c.closed).toBe(4003);
  });

  test('hello attempts are rate-limited per IP', async () => {
    const s = await start({ limits: { helloPerIpPerMinute: 3 } });
    for (let i = 0; i < 3; i++) {
      const c = await raw(s.server.url);
      c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
      await c.next((m) => m.t === 'welcome');
      c.ws.close();
    }
    const c = await raw(s.server.url);
    c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    expect((await c.next((m) => m.t === 'error')).code).toBe('RATE_LIMITED');
    expect(await c.closed).toBe(4002);
  });

  test('waiting-room messages (handshake attempts) are rate-limited per appointment', async () => {
    const s = await start({ limits: { knocksPerIpPerMinute: 100, knocksPerAppointmentPerMinute: 5 } });
    const d = await raw(s.server.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    const doctorId = (await d.next((m) => m.t === 'welcome')).peerId as string;
    const p = await raw(s.server.url);
    p.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    await p.next((m) => m.t === 'welcome');
    for (let i = 0; i < 6; i++) p.send({ t: 'relay', to: doctorId, body: `knock ${i}` });
    expect((await p.next((m) => m.t === 'error')).code).toBe('RATE_LIMITED');
    expect(await p.closed).toBe(4002);
    expect(d.messages.filter((m) => m.t === 'relay')).toHaveLength(5);
  });

  test('a socket that stops answering pings is dropped', async () => {
    const s = await start({ limits: { heartbeatMs: 100 } });
    const c = await raw(s.server.url, { autoPong: false });
    c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    await c.next((m) => m.t === 'welcome');
    expect(await c.closed).toBe(1006);
  });

  test('unknown appointments, missing or forged doctor tickets are refused', async () => {
    const s = await start();
    const a = await raw(s.server.url);
    a.send({ t: 'hello', appointmentId: 'ZZZZZZZZZZZZZZZZZZZZZZ', role: 'patient' });
    expect((await a.next((m) => m.t === 'error')).code).toBe('NOT_FOUND');
    const b = await raw(s.server.url);
    b.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor' });
    expect((await b.next((m) => m.t === 'error')).code).toBe('AUTH');
    const other = s.access.addAppointment();
    const c = await raw(s.server.url);
    c.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.server.issueDoctorTicket(other.appointmentId) });
    expect((await c.next((m) => m.t === 'error')).code).toBe('AUTH');
  });

  test('waiting patients cannot see or message each other', async () => {
    const s = await start({ limits: { maxWaitingPerRoom: 3 } });
    const p1 = await raw(s.server.url);
    p1.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    const w1 = await p1.next((m) => m.t === 'welcome');
    const p2 = await raw(s.server.url);
    p2.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    const w2 = await p2.next((m) => m.t === 'welcome');
    expect(w2.peers).toEqual([]);
    p2.send({ t: 'relay', to: w1.peerId, body: 'hi' });
    expect((await p2.next((m) => m.t === 'error')).code).toBe('FORBIDDEN');
    expect(p1.messages.filter((m) => m.t === 'relay' || m.t === 'peer-joined')).toEqual([]);
  });

  test('a forged resume token does not restore a slot', async () => {
    const s = await start();
    const d = await raw(s.server.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    const w = await d.next((m) => m.t === 'welcome');
    const token = String(w.resumeToken);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const again = await raw(s.server.url);
    again.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient', resume: forged });
    const w2 = await again.next((m) => m.t === 'welcome');
    expect(w2.resumed).toBe(false);
    expect(w2.peerId).not.toBe(w.peerId);
    expect(w2.role).toBe('patient');
  });
});

describe('resume', () => {
  test('an admitted participant resumes its slot after a drop, but not after leaving', async () => {
    const s = await start();
    const d = await raw(s.server.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    const w = await d.next((m) => m.t === 'welcome');
    d.ws.terminate();
    const again = await raw(s.server.url);
    again.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: w.resumeToken });
    const w2 = await again.next((m) => m.t === 'welcome');
    expect(w2).toMatchObject({ resumed: true, peerId: w.peerId, admitted: true });
    again.send({ t: 'leave' });
    await again.closed;
    const late = await raw(s.server.url);
    late.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: w2.resumeToken });
    expect((await late.next((m) => m.t === 'error')).code).toBe('CONFLICT');
  });
});

describe('signaling metadata and room lifetime (R10)', () => {
  test('the metadata TTL cannot exceed 90 days', async () => {
    const access = createMemoryAccessControl();
    expect(() => createSignalingService({ access, limits: { metadataTtlDays: 91 } })).toThrow();
  });

  test('metadata is purged after its TTL, idle rooms expire, and the purge is logged with counts', async () => {
    let clock = Date.parse('2026-01-10T10:00:00Z');
    const now = () => clock;
    const access = createMemoryAccessControl({ now });
    const metadata = createMemoryMetadataStore();
    const logger = createRecordingLogger();
    const server = await createSignalingServer({ port: 0, access, metadata, logger, now, limits: { metadataTtlDays: 30, roomIdleTtlMs: 60_000 } });
    cleanups.push(() => server.close());
    const { appointmentId } = access.addAppointment();
    const c = await raw(server.url);
    c.send({ t: 'hello', appointmentId, role: 'patient' });
    await c.next((m) => m.t === 'welcome');
    c.ws.close();
    await expect.poll(() => server.stats().participants, { timeout: 5000 }).toBe(0);
    expect(server.stats().rooms).toBe(1);
    clock += 61_000;
    await server.sweep();
    expect(server.stats().rooms).toBe(0);
    const events = metadata.records.map((r) => r.event);
    expect(events).toEqual(expect.arrayContaining(['room-opened', 'joined', 'left', 'room-expired']));
    for (const r of metadata.records) expect(r.deleteAfter).toBe(r.at + 30 * 86_400_000);
    clock += 31 * 86_400_000;
    const removed = await server.sweep();
    expect(removed).toBe(events.length);
    expect(metadata.records).toEqual([]);
    expect(logger.entries).toContainEqual({ level: 'info', message: 'signaling metadata purged', data: { removed } });
  });
});

describe('mounting inside an existing HTTP server', () => {
  test('handleUpgrade serves only its path; the redeem endpoint answers on {path}/redeem', async () => {
    const access = createMemoryAccessControl();
    const service = createSignalingService({ access, path: '/signal' });
    const http = createServer((req, res) => {
      if (!service.handleRequest(req, res)) res.writeHead(200).end('host app');
    });
    http.on('upgrade', (req, socket, head) => {
      if (!service.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => http.close(() => r())));
    cleanups.push(() => service.close());
    const base = `127.0.0.1:${(http.address() as AddressInfo).port}`;
    const { appointmentId, patientCode } = access.addAppointment();
    const c = await raw(`ws://${base}/signal`);
    c.send({ t: 'hello', appointmentId, role: 'patient' });
    expect((await c.next((m) => m.t === 'welcome')).role).toBe('patient');
    await expect(raw(`ws://${base}/elsewhere`)).rejects.toThrow();
    const res = await fetch(`http://${base}/signal/redeem`, { method: 'POST', body: JSON.stringify({ locator: splitAccessCode(patientCode).locator }) });
    expect(await res.json()).toEqual({ appointmentId, role: 'patient' });
    const bad = await fetch(`http://${base}/signal/redeem`, { method: 'POST', body: JSON.stringify({ code: 'fff-fff-fff' }) });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { userMessage: string }).userMessage).toBe('Zugangscode unbekannt');
    expect(await (await fetch(`http://${base}/`)).text()).toBe('host app');
  });
});

describe('bounded state: nobody outside a call fills the server', () => {
  test('one candidate report per admitted participant; none from the waiting room; records per room capped', async () => {
    const metadata = createMemoryMetadataStore();
    const s = await start({ metadata, limits: { maxRecordsPerRoom: 20 } });
    const d = await raw(s.server.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    await d.next((m) => m.t === 'welcome');
    const p = await raw(s.server.url);
    p.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
    const welcome = await p.next((m) => m.t === 'welcome');
    const reports = (): number => metadata.records.filter((r) => r.event === 'candidate-type').length;
    const report = { t: 'report', kind: 'candidate-type', local: 'host', remote: 'host' };
    for (let i = 0; i < 50; i++) p.send(report);
    await new Promise((r) => setTimeout(r, 200));
    expect(reports()).toBe(0);
    s.access.recordConsent(s.appointmentId);
    s.access.recordIntroduction(s.appointmentId);
    d.send({ t: 'admit', peer: welcome.peerId });
    await p.next((m) => m.t === 'admitted');
    for (let i = 0; i < 50; i++) p.send(report);
    d.send(report);
    d.send(report);
    await expect.poll(reports, { timeout: 5000 }).toBe(2);
    // However many joins and leaves a room sees, it writes at most maxRecordsPerRoom records.
    for (let i = 0; i < 15; i++) {
      const g = await raw(s.server.url);
      g.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
      await g.next((m) => m.t === 'welcome');
      g.ws.close();
      await g.closed;
    }
    await expect.poll(() => metadata.records.length, { timeout: 5000 }).toBe(20);
  });

  test('rate limits count IPv6 per /64; the code-miss limiter forgets addresses once their window passed', () => {
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).toBe(clientAddressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(clientAddressKey('2001:db8:1:2::1')).not.toBe(clientAddressKey('2001:db8:1:3::1'));
    expect(clientAddressKey('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddressKey('192.0.2.1')).toBe('192.0.2.1');
    const limiter = createIpLimiter(3, 1000);
    for (let i = 0; i < 3; i++) limiter.recordFailure(`2001:db8:1:2::${i + 1}`, 0);
    expect(limiter.isBlocked('2001:db8:1:2:ffff::9', 10)).toBe(true);
    for (let i = 0; i < 100; i++) limiter.recordFailure(`198.51.100.${i}`, 10);
    expect(limiter.size).toBe(101);
    limiter.recordFailure('203.0.113.1', 2000);
    expect(limiter.size).toBe(1);
  });

  test('a code outside its window answers /redeem exactly like an unknown code', async () => {
    let clock = Date.parse('2026-01-10T10:00:00Z');
    const access = createMemoryAccessControl({ now: () => clock });
    const server = await createSignalingServer({ port: 0, access, now: () => clock });
    cleanups.push(() => server.close());
    const { patientCode } = access.addAppointment({ validFrom: clock, validUntil: clock + 60_000 });
    const http = server.url.replace(/^ws/, 'http');
    const redeem = async (locator: string): Promise<{ status: number; body: string }> => {
      const res = await fetch(`${http}/redeem`, { method: 'POST', body: JSON.stringify({ locator }) });
      return { status: res.status, body: await res.text() };
    };
    const locator = splitAccessCode(patientCode).locator;
    expect((await redeem(locator)).status).toBe(200);
    clock += 61_000;
    const other = locator === 'ffff' ? 'fffe' : 'ffff';
    expect(await redeem(locator)).toEqual(await redeem(other));
    expect((await redeem(locator)).status).toBe(401);
  });
});

describe('the in-memory access control counts like the appointments module', () => {
  test('wrong rests of the doctor code refuse the doctor code inside the window only, whatever the address; patients stay in', async () => {
    let clock = Date.parse('2026-01-10T10:00:00Z');
    const access = createMemoryAccessControl({ now: () => clock });
    const { appointmentId, doctorCode, patientCode } = access.addAppointment({ validFrom: clock + 60_000, validUntil: clock + 120_000 });
    const wrong = wrongDoctorCodeRests(doctorCode);
    const guess = (code: string, i: number) => expect(access.verifyAccessCode({ code, ip: `198.51.100.${i + 1}` })).rejects.toMatchObject({ userMessage: 'Zugangscode unbekannt' });
    // Before the window even the right code is unknown: a guess there tests nothing and counts nothing.
    for (const [i, code] of wrong.entries()) await guess(code, i);
    clock += 60_000;
    await expect(access.verifyAccessCode({ code: doctorCode, ip: '203.0.113.49' })).resolves.toMatchObject({ role: 'doctor', proof: 'code' });
    for (const [i, code] of wrong.entries()) await guess(code, i);
    await expect(access.verifyAccessCode({ code: doctorCode, ip: '203.0.113.50' })).rejects.toMatchObject({ code: 'LOCKED' });
    // The appointment is not locked: its patients still get in.
    expect(access.failures(appointmentId)).toBe(0);
    await expect(access.verifyAccessCode({ code: splitAccessCode(patientCode).locator, ip: '203.0.113.51' })).resolves.toMatchObject({ role: 'patient' });
    // New codes give the doctor code back.
    const renewed = access.reissueCodes(appointmentId);
    await expect(access.verifyAccessCode({ code: renewed.doctorCode, ip: '203.0.113.52' })).resolves.toMatchObject({ role: 'doctor' });
  });
});

describe('resume tokens live for the grace period only', () => {
  test('admitted participants get a fresh token every heartbeat; an old one no longer resumes', async () => {
    let clock = Date.parse('2026-01-10T10:00:00Z');
    const s = await start({ now: () => clock, limits: { heartbeatMs: 400, resumeGraceMs: 1000 } });
    const d = await raw(s.server.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    const welcome = await d.next((m) => m.t === 'welcome');
    clock += 5000;
    await expect.poll(() => d.messages.filter((m) => m.t === 'token').length, { timeout: 5000 }).toBeGreaterThan(0);
    const fresh = [...d.messages].reverse().find((m) => m.t === 'token')?.resumeToken as string;
    // The token from the welcome is older than grace + heartbeat: without a ticket it opens nothing.
    const stale = await raw(s.server.url);
    stale.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: welcome.resumeToken });
    expect(await stale.next((m) => m.t === 'error')).toMatchObject({ code: 'AUTH', fatal: true });
    const again = await raw(s.server.url);
    again.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: fresh });
    expect(await again.next((m) => m.t === 'welcome')).toMatchObject({ resumed: true, peerId: welcome.peerId });
  });
});
