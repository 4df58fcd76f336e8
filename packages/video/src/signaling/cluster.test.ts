import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startRedis, type TestRedis } from '../../../../test/support/servers.js';
import { createMemoryAccessControl } from './memory-access.js';
import { CLOSE_CODES } from './protocol.js';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from './server.js';
import { rawSocket, type RawSocket } from './testing.js';

/*
 * Two signaling instances in one process, each with its own Redis connections, on one real redis-server: what
 * one instance learns (rooms, admission, rate limits) the other sees. The kill -9 case with real WebRTC is
 * multi-instance.test.ts in the call folder.
 */

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis.stop();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const raw = (url: string): Promise<RawSocket> => rawSocket(url, cleanups);

/** Two instances sharing access, secret and one Redis (a fresh prefix per test). */
async function twoInstances(options: Partial<SignalingServerOptions> = {}) {
  const access = createMemoryAccessControl();
  const secret = randomBytes(32);
  const cluster = { url: redis.url, prefix: `t${randomBytes(4).toString('hex')}:`, instanceTtlMs: 600 };
  const peek = new Redis(redis.url);
  cleanups.push(() => peek.quit());
  const servers: SignalingServer[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await createSignalingServer({ port: 0, access, secret, redis: cluster, ...options });
    servers.push(server);
    cleanups.push(() => server.close());
  }
  const [a, b] = servers as [SignalingServer, SignalingServer];
  const appt = access.addAppointment();
  access.recordConsent(appt.appointmentId);
  access.recordIntroduction(appt.appointmentId);
  return { a, b, access, peek, prefix: cluster.prefix, ...appt, ticket: a.issueDoctorTicket(appt.appointmentId) };
}

/** The doctor joins on A, then a patient on B; both welcomes returned. */
async function doctorOnAPatientOnB(s: Awaited<ReturnType<typeof twoInstances>>) {
  const doctor = await raw(s.a.url);
  doctor.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
  const doctorWelcome = await doctor.next((m) => m.t === 'welcome');
  const patient = await raw(s.b.url);
  patient.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient' });
  const patientWelcome = await patient.next((m) => m.t === 'welcome');
  return { doctor, patient, doctorWelcome, patientWelcome };
}

describe('signaling on two instances through Redis', () => {
  test('with Redis gone a new socket is closed as at a shutdown (the client retries), and the process stays up', async () => {
    const own = await startRedis();
    const access = createMemoryAccessControl();
    const server = await createSignalingServer({ port: 0, access, secret: randomBytes(32), redis: own.url });
    cleanups.push(() => server.close());
    const { appointmentId } = access.addAppointment();
    await own.stop();
    const c = await raw(server.url);
    c.send({ t: 'hello', appointmentId, role: 'patient' });
    expect(await c.closed).toBe(CLOSE_CODES.shutdown);
  });

  test('a doctor on A and a patient on B meet, are admitted, relay both ways; one instance holds the room', async () => {
    const s = await twoInstances();
    const { doctor, patient, patientWelcome: welcome } = await doctorOnAPatientOnB(s);
    expect(welcome).toMatchObject({ role: 'patient', admitted: false });
    const knock = await doctor.next((m) => m.t === 'peer-joined');
    const patientId = (knock['peer'] as { peerId: string }).peerId;
    expect(patientId).toBe(welcome['peerId']);

    patient.send({ t: 'relay', to: doctor.messages[0]?.['peerId'], body: 'sealed-knock' });
    expect(await doctor.next((m) => m.t === 'relay')).toMatchObject({ from: patientId, body: 'sealed-knock' });
    doctor.send({ t: 'admit', peer: patientId });
    await patient.next((m) => m.t === 'admitted');
    doctor.send({ t: 'relay', to: patientId, body: 'sealed-offer' });
    expect(await patient.next((m) => m.t === 'relay')).toMatchObject({ body: 'sealed-offer' });
    // The room lives on the instance that saw it first; the other only carries the patient's socket.
    expect([s.a.stats().rooms, s.b.stats().rooms]).toEqual([1, 0]);
    expect(s.a.stats().participants).toBe(2);
  });

  test('the instance owning the room goes away: both resume on the other, admission kept, relay works again', async () => {
    const s = await twoInstances({ limits: { heartbeatMs: 200 } });
    const { doctor, patient, doctorWelcome: dWelcome, patientWelcome: pWelcome } = await doctorOnAPatientOnB(s);
    doctor.send({ t: 'admit', peer: pWelcome['peerId'] });
    const admitted = await patient.next((m) => m.t === 'admitted');

    await s.a.close();
    expect(await doctor.closed).toBe(CLOSE_CODES.shutdown);
    expect(await patient.closed).toBe(CLOSE_CODES.shutdown);

    const patient2 = await raw(s.b.url);
    patient2.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient', resume: admitted['resumeToken'] });
    expect(await patient2.next((m) => m.t === 'welcome')).toMatchObject({ peerId: pWelcome['peerId'], admitted: true, resumed: true });
    const doctor2 = await raw(s.b.url);
    doctor2.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: dWelcome['resumeToken'] });
    expect(await doctor2.next((m) => m.t === 'welcome')).toMatchObject({ peerId: dWelcome['peerId'], resumed: true });
    doctor2.send({ t: 'relay', to: pWelcome['peerId'], body: 'sealed-after' });
    expect(await patient2.next((m) => m.t === 'relay')).toMatchObject({ from: dWelcome['peerId'], body: 'sealed-after' });
  });

  test('an instance that finds its room taken over (it stalled) lets it go; the doctor resumes at the new owner', async () => {
    const s = await twoInstances();
    const { doctor, doctorWelcome } = await doctorOnAPatientOnB(s);
    const ownerKey = `${s.prefix}room:${s.appointmentId}:owner`;
    const ownerA = await s.peek.get(ownerKey);
    const instances = (await s.peek.keys(`${s.prefix}inst:*`)).map((k) => k.slice(`${s.prefix}inst:`.length));
    const ownerB = instances.find((id) => id !== ownerA);
    expect(ownerB).toBeDefined();
    // What another instance's takeover leaves in Redis after A missed its heartbeat.
    await s.peek.set(ownerKey, ownerB as string);
    expect(await doctor.closed).toBe(CLOSE_CODES.shutdown);
    expect(s.a.stats().rooms).toBe(0);
    const again = await raw(s.a.url);
    again.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', resume: doctorWelcome['resumeToken'] });
    expect(await again.next((m) => m.t === 'welcome')).toMatchObject({ peerId: doctorWelcome['peerId'], resumed: true });
    expect([s.a.stats().rooms, s.b.stats().rooms]).toEqual([0, 1]);
  });

  test('hellos for unknown appointments leave no room keys behind for long (bounded state in Redis)', async () => {
    const s = await twoInstances();
    for (let i = 0; i < 5; i++) {
      const c = await raw((i % 2 === 0 ? s.a : s.b).url);
      c.send({ t: 'hello', appointmentId: randomBytes(16).toString('base64url'), role: 'patient' });
      expect(await c.next((m) => m.t === 'error')).toMatchObject({ code: 'NOT_FOUND' });
    }
    // The real room's keys stay for the room's lifetime; the guesses' claims expire with two heartbeat periods.
    const d = await raw(s.a.url);
    d.send({ t: 'hello', appointmentId: s.appointmentId, role: 'doctor', ticket: s.ticket });
    await d.next((m) => m.t === 'welcome');
    await expect.poll(() => s.peek.keys(`${s.prefix}room:*`), { timeout: 5000 }).toHaveLength(2);
    expect((await s.peek.keys(`${s.prefix}room:*`)).sort()).toEqual([`${s.prefix}room:${s.appointmentId}:owner`, `${s.prefix}room:${s.appointmentId}:state`]);
    expect(await s.peek.pttl(`${s.prefix}room:${s.appointmentId}:owner`)).toBeGreaterThan(3_600_000);
  });

  test('bad cluster options are refused naming the field', async () => {
    const access = createMemoryAccessControl();
    const secret = randomBytes(32);
    await expect(createSignalingServer({ port: 0, access, secret, redis: { url: redis.url, instanceTtlMs: 5 } })).rejects.toThrow(/redis.instanceTtlMs must be an integer ≥ 100 ms/);
    await expect(createSignalingServer({ port: 0, access, secret, redis: 'localhost:6379' })).rejects.toThrow(/redis.url must be a redis:\/\/ or rediss:\/\/ URL/);
    // Without a shared secret each instance would key the address pseudonyms of its rate limits with a random
    // key of its own: a client would get every limit once per instance.
    await expect(createSignalingServer({ port: 0, access, redis: redis.url })).rejects.toThrow(/secret is required with redis/);
  });

  test('a waiting patient on the other instance cannot lock the appointment by reporting failures itself', async () => {
    const s = await twoInstances();
    const { doctor, patient, patientWelcome } = await doctorOnAPatientOnB(s);
    for (let i = 0; i < 12; i++) patient.send({ t: 'pake-failed', peer: patientWelcome['peerId'] });
    patient.send({ t: 'relay', to: doctor.messages[0]?.['peerId'], body: 'after-reports' });
    await doctor.next((m) => m.t === 'relay' && m['body'] === 'after-reports');
    expect(s.access.failures(s.appointmentId)).toBe(0);
    // The same report from the doctor's side counts (the rule is the owner's, wherever the sockets are).
    doctor.send({ t: 'pake-failed', peer: patientWelcome['peerId'] });
    await expect.poll(() => s.access.failures(s.appointmentId)).toBe(1);
  });

  test('a waiting patient cannot resume into admission on the other instance (the token says not admitted)', async () => {
    const s = await twoInstances();
    const { patientWelcome: w } = await doctorOnAPatientOnB(s);
    await s.a.close();
    const again = await raw(s.b.url);
    again.send({ t: 'hello', appointmentId: s.appointmentId, role: 'patient', resume: w['resumeToken'] });
    expect(await again.next((m) => m.t === 'welcome')).toMatchObject({ admitted: false, resumed: false });
  });

  test('the per-address hello and redeem limits are one limit over both instances', async () => {
    const s = await twoInstances({ limits: { helloPerIpPerMinute: 4, redeemPerIpPerMinute: 3 } });
    // Two rooms, one owned by each instance: hellos are counted where the room lives, so only a shared count holds.
    const other = s.access.addAppointment().appointmentId;
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await raw((i % 2 === 0 ? s.a : s.b).url);
      c.send({ t: 'hello', appointmentId: i % 2 === 0 ? s.appointmentId : other, role: 'patient' });
      const m = await c.next((x) => x.t === 'welcome' || x.t === 'error');
      outcomes.push(m.t === 'welcome' ? 'welcome' : String(m['code']));
      c.send({ t: 'leave' });
      await c.closed;
    }
    expect([s.a.stats().rooms, s.b.stats().rooms]).toEqual([1, 1]);
    expect(outcomes).toEqual(['welcome', 'welcome', 'welcome', 'welcome', 'RATE_LIMITED', 'RATE_LIMITED']);

    const redeemed: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${(i % 2 === 0 ? s.a : s.b).url.replace(/^ws/, 'http')}/redeem`, { method: 'POST', body: JSON.stringify({ locator: '0000' }) });
      redeemed.push(res.status);
    }
    expect(redeemed.filter((status) => status === 429)).toHaveLength(2);
  });

  test('Redis holds no client address: limiter keys are keyed pseudonyms, room state carries none', async () => {
    const s = await twoInstances();
    const { doctor } = await doctorOnAPatientOnB(s);
    await fetch(`${s.b.url.replace(/^ws/, 'http')}/redeem`, { method: 'POST', body: JSON.stringify({ locator: '0000' }) });
    const keys = await s.peek.keys(`${s.prefix}*`);
    expect(keys.some((k) => k.startsWith(`${s.prefix}rl:`))).toBe(true);
    expect(keys.some((k) => k.endsWith(':state'))).toBe(true);
    const atRest: string[] = [];
    for (const key of keys) {
      const type = await s.peek.type(key);
      atRest.push(key, type === 'string' ? ((await s.peek.get(key)) ?? '') : type === 'zset' ? (await s.peek.zrange(key, 0, -1)).join(' ') : '');
    }
    for (const address of ['127.0.0.1', '::1', '::ffff:']) expect(atRest.join('\n')).not.toContain(address);
    doctor.send({ t: 'leave' });
  });
});
