import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from '../../../../test/support/servers.js';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { openPostgresStore } from '../storage/postgres/postgres-store.js';
import { parseInvitationLink, redeemAccessCode, type Knock } from './client.js';
import { countFrames, nextEvent, syntheticCamera, trackedClients, withWrongPakePart } from './testkit.js';

/*
 * Issue 16's acceptance: two signaling processes (the built package, real child processes) on one Redis and one
 * PostgreSQL. The doctor is on instance A, the patient on instance B; calls run over real WebRTC (@roamhq/wrtc).
 * A is killed with SIGKILL mid-call: media goes on peer to peer and both ends resume their signaling on B.
 * Ten failed code tries, spread over both instances, lock the appointment.
 */

const builtEntry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const CLOCK = '2026-11-26T14:30:00Z';
const BOOKING = {
  patient: { firstName: 'Alice', lastName: 'Krejčová' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Dr. med. Martin Winkler',
};

// One signaling instance: the video service on the shared PostgreSQL (the rig's server secret and clock), the
// relay on the shared Redis. It prints its URL once listening.
const INSTANCE = `
const v = await import(process.env.VIDEO_DIST);
const store = v.openPostgresStore({ url: process.env.PG_URL });
const base = Date.parse(process.env.CLOCK), started = Date.now();
const now = () => base + (Date.now() - started);
const service = await v.createVideoService({ store, serverSecret: new Uint8Array(32).fill(7), baseUrl: 'https://video.example.de', clock: () => new Date(now()), kdf: { opsLimit: 1, memLimit: 8192 } });
const server = await v.createSignalingServer({
  port: 0, host: '127.0.0.1', access: v.accessControlFromVideoService({ service, store, now }),
  secret: Buffer.from(process.env.SIGNALING_SECRET, 'base64url'),
  redis: { url: process.env.REDIS_URL, prefix: process.env.REDIS_PREFIX, instanceTtlMs: 1000 },
  limits: { heartbeatMs: 500 },
});
process.stdout.write(JSON.stringify({ url: server.url, port: server.port }) + '\\n');
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
`;

interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
}

let redis: TestRedis;
let postgres: TestPostgres;
beforeAll(async () => {
  if (!existsSync(builtEntry)) throw new Error(`${builtEntry} missing: run "npx tsc -b" first`);
  [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
}, 90_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), postgres?.stop()]);
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch {
      // keep cleaning
    }
  }
});

function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', INSTANCE], {
    env: { ...process.env, ...env, VIDEO_DIST: pathToFileURL(builtEntry).href },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => child.kill('SIGKILL'));
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signaling instance did not start: ${errors}`)), 30_000);
    child.stdout?.once('data', (d: Buffer) => {
      clearTimeout(timer);
      const { url, port } = JSON.parse(d.toString()) as { url: string; port: number };
      resolve({ url, port, child });
    });
    child.once('exit', (code) => reject(new Error(`signaling instance exited (${code}): ${errors}`)));
  });
}

/** A TCP load balancer in front of the instances: the first that accepts a connection gets it. */
async function loadBalancer(ports: () => number[]): Promise<{ url: string }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const tryPort = (list: number[]): void => {
      const [port, ...rest] = list;
      if (port === undefined) return void client.destroy();
      const upstream = connect(port, '127.0.0.1');
      upstream.once('error', () => tryPort(rest));
      upstream.once('connect', () => {
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    tryPort(ports());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return { url: `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/signal` };
}

const { client, camera } = trackedClients(cleanups);

/** A practice with one booked appointment in a fresh database, consent and introduction recorded, and two instances. */
async function setup(options: { consent?: boolean } = {}) {
  const url = await postgres.createDatabase();
  const rig: TestRig = await createTestRig({ store: openPostgresStore({ url }) });
  cleanups.push(() => rig.dispose());
  const { session } = await registeredPractice(rig);
  rig.clock.set(CLOCK);
  const appointment = rig.service.appointments.book(session, BOOKING);
  if (options.consent !== false) {
    rig.service.consent.recordConsent({ appointmentId: appointment.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    rig.service.consent.acknowledgeIntroduction({ appointmentId: appointment.id, personsPresent: 2 });
  }
  const env = {
    PG_URL: url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    SIGNALING_SECRET: randomBytes(32).toString('base64url'),
    CLOCK,
  };
  const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  return { rig, appointment, a, b, prefix: env.REDIS_PREFIX };
}

/** Everything of one deployment in Redis: every frame on its channels from now on, and on demand all keys with their values. */
async function redisSpy(prefix: string): Promise<{ frames: string[]; snapshot(): Promise<string> }> {
  const listener = new Redis(redis.url);
  const reader = new Redis(redis.url);
  cleanups.push(() => listener.quit(), () => reader.quit());
  const frames: string[] = [];
  listener.on('pmessage', (_pattern: string, _channel: string, message: string) => frames.push(message));
  await listener.psubscribe(`${prefix}chan:*`);
  return {
    frames,
    async snapshot() {
      const out: string[] = [];
      for (const key of await reader.keys(`${prefix}*`)) {
        const type = await reader.type(key);
        const value = type === 'string' ? await reader.get(key) : type === 'zset' ? (await reader.zrange(key, 0, -1)).join(' ') : `(${type})`;
        out.push(`${key} ${value ?? ''}`);
      }
      return out.join('\n');
    },
  };
}

describe('two signaling processes on one Redis and one PostgreSQL', () => {
  test('link join across instances; A is killed mid-call: media goes on, both resume on B, signaling works again', async () => {
    const { appointment, a, b, prefix } = await setup();
    const spy = await redisSpy(prefix);
    const snapshots: string[] = [];
    // The doctor reaches the relay through a balancer that prefers A; the patient lands on B.
    const lb = await loadBalancer(() => [a.port, b.port]);
    const grant = await redeemAccessCode({ signalingUrl: a.url, code: appointment.codes.doctor, role: 'doctor' });
    const d = await client({
      signalingUrl: lb.url,
      role: 'doctor',
      appointmentId: appointment.id,
      ticket: grant.ticket as string,
      secret: appointment.linkSecret,
      code: appointment.codes.patient,
      mediaStream: camera(),
      reconnectDelayMs: 50,
    });
    const link = parseInvitationLink(appointment.link);
    const p = await client({ signalingUrl: b.url, role: 'patient', appointmentId: link.appointmentId, secret: link.secret, name: 'Alice Krejčová', mediaStream: camera(), reconnectDelayMs: 50 });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 15_000);
    await p.connect();
    const track = nextEvent<MediaStreamTrack>(p, 'track', 20_000);
    await d.admit((await knock).peerId);
    const frames = countFrames(await track);
    cleanups.push(() => frames.stop());
    await frames.waitFor(10, 20_000);
    snapshots.push(await spy.snapshot());

    const reconnecting = Promise.all([nextEvent(d, 'reconnecting', 15_000), nextEvent(p, 'reconnecting', 15_000)]);
    const resumed = Promise.all([nextEvent(d, 'resumed', 20_000), nextEvent(p, 'resumed', 20_000)]);
    a.child.kill('SIGKILL');
    await reconnecting;
    await frames.waitFor(15, 15_000, true);
    await resumed;
    expect(d.state).toBe('in-call');
    expect(p.state).toBe('in-call');

    // Signaling recovered on B: a screen shared as an additional track renegotiates over the sealed channel.
    const screen = syntheticCamera(640, 360, 15);
    cleanups.push(() => screen.stop());
    const screenTrack = nextEvent<MediaStreamTrack>(p, 'track', 20_000);
    d.shareScreen(screen.stream, { mode: 'add' });
    const screenFrames = countFrames(await screenTrack);
    cleanups.push(() => screenFrames.stop());
    await screenFrames.waitFor(5, 20_000);
    snapshots.push(await spy.snapshot());

    // What Redis held and carried: ids, roles, admission, sealed envelopes — no SDP, candidate, name, code or secret.
    const everything = [...spy.frames, ...snapshots].join('\n');
    expect(spy.frames.filter((f) => f.includes('\\"t\\":\\"relay\\"')).length).toBeGreaterThan(3);
    expect(snapshots.join('\n')).toContain(`room:${appointment.id}:state`);
    const secrets = ['v=0', 'a=fingerprint', 'candidate:', 'a=ice-ufrag', 'Alice', 'Krejčová', 'Krej\\u010dov', appointment.codes.patient, appointment.codes.doctor, appointment.linkSecret];
    for (const code of [appointment.codes.patient, appointment.codes.doctor]) secrets.push(code.replace(/-/g, ''));
    for (const needle of secrets) expect(everything.includes(needle), `Redis saw "${needle}"`).toBe(false);
  });

  test('code join across instances: the doctor redeems on A and joins A, the patient redeems the locator on B and joins B', async () => {
    const { appointment, a, b } = await setup();
    const grant = await redeemAccessCode({ signalingUrl: a.url, code: appointment.codes.doctor, role: 'doctor' });
    const d = await client({ signalingUrl: a.url, role: 'doctor', appointmentId: appointment.id, ticket: grant.ticket as string, code: appointment.codes.patient, mediaStream: camera() });
    const located = await redeemAccessCode({ signalingUrl: b.url, code: appointment.codes.patient, role: 'patient' });
    expect(located.appointmentId).toBe(appointment.id);
    const p = await client({ signalingUrl: b.url, role: 'patient', appointmentId: located.appointmentId, code: appointment.codes.patient, name: 'Alice Krejčová', mediaStream: camera() });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 15_000);
    await p.connect();
    const track = nextEvent<MediaStreamTrack>(p, 'track', 20_000);
    const doctorTrack = nextEvent<MediaStreamTrack>(d, 'track', 20_000);
    await d.admit((await knock).peerId);
    const frames = countFrames(await track);
    const back = countFrames(await doctorTrack);
    cleanups.push(() => frames.stop(), () => back.stop());
    await Promise.all([frames.waitFor(5, 20_000), back.waitFor(5, 20_000)]);
  });

  test('ten failed code tries split over both instances lock the appointment', async () => {
    const { rig, appointment, a, b } = await setup();
    const lb = await loadBalancer(() => [a.port, b.port]);
    const grant = await redeemAccessCode({ signalingUrl: a.url, code: appointment.codes.doctor, role: 'doctor' });
    const d = await client({ signalingUrl: lb.url, role: 'doctor', appointmentId: appointment.id, ticket: grant.ticket as string, code: appointment.codes.patient, reconnectDelayMs: 50 });
    await d.connect();
    const wrong = withWrongPakePart(appointment.codes.patient);
    const failures = (): number => rig.service.access.attemptState(appointment.id).failedAttempts;
    const guess = async (url: string, expected: number): Promise<void> => {
      const guesser = await client({ signalingUrl: url, role: 'patient', appointmentId: appointment.id, code: wrong, name: 'Eve Rater' });
      const failed = nextEvent<unknown>(guesser, 'error', 15_000);
      await guesser.connect();
      await failed;
      await expect.poll(failures, { timeout: 10_000 }).toBe(expected);
      guesser.close();
    };
    // Five wrong patient codes (PAKE; the doctor's client reports them) while A holds the room, knocking on B and A.
    for (let i = 1; i <= 5; i++) await guess((i % 2 === 0 ? a : b).url, i);
    // A stops; the room and the doctor move to B, which counts the next five on the same counter in PostgreSQL.
    const resumed = nextEvent(d, 'resumed', 20_000);
    a.child.kill('SIGTERM');
    await resumed;
    for (let i = 6; i <= 9; i++) await guess(b.url, i);
    expect(rig.service.access.attemptState(appointment.id).locked).toBe(false);
    const locked = nextEvent<unknown>(d, 'locked', 15_000);
    await guess(b.url, 10);
    await locked;
    expect(rig.service.access.attemptState(appointment.id).locked).toBe(true);
    // Locked for everyone: the right patient code is refused at B's door.
    const p = await client({ signalingUrl: b.url, role: 'patient', appointmentId: appointment.id, code: appointment.codes.patient, name: 'Alice Krejčová' });
    const refused = nextEvent<{ code?: string }>(p, 'error', 15_000);
    await p.connect().catch(() => undefined);
    expect((await refused).code).toBe('LOCKED');
  });
});
