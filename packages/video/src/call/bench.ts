/**
 * `npm run bench` → video call figures (Node only, 127.0.0.1 only, bounded in count and time):
 * - call set-up: "doctor admits" → first decoded video frame at the patient, through the real signaling
 *   server with sealed signaling, as a ratio against two bare simple-peer instances wired directly in one
 *   process (construction → first frame);
 * - signaling capacity on one core: new rooms per second, relayed messages per second, heap per idle room;
 * - the same with one and with two instances on one Redis (redis-server from the Debian package, started here on
 *   a loopback port), as ratios against the in-memory single instance, and the extra latency of one relayed
 *   message whose two ends sit on different instances.
 * Not exported from the package entry point.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import SimplePeer from 'simple-peer';
import { WebSocket } from 'ws';
import { createMemoryAccessControl } from '../signaling/memory-access.js';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../signaling/server.js';
import type { Knock } from './client.js';
import { countFrames, createCallTestbed, loopbackOnly, nextEvent, nodeWrtc, syntheticCamera } from './testkit.js';

/** Figures of {@link runCallBench}. */
export interface CallBenchReport {
  setup: { runs: number; bareMedianMs: number; signaledMedianMs: number; ratio: number };
  capacity: {
    roomsOpened: number;
    roomsPerSecond: number;
    /** Rooms per second of process CPU time (server and load generator together): less sensitive to a busy machine. */
    roomsPerCpuSecond: number;
    messagesRelayed: number;
    messagesPerSecond: number;
    /** Relayed messages per second of process CPU time (server and load generator together). */
    messagesPerCpuSecond: number;
    idleRooms: number;
    bytesPerIdleRoom: number;
  };
  /** One and two instances on one Redis; absent when redis-server is not installed. */
  redis?: {
    one: { roomsPerSecond: number; messagesPerSecond: number; roomsRatio: number; messagesRatio: number };
    two: { roomsPerSecond: number; messagesPerSecond: number; roomsRatio: number; messagesRatio: number };
    /** Median round trip of one relayed message (doctor → patient → doctor) in ms. */
    roundTripMs: { memory: number; twoInstances: number; extraPerMessage: number; ratio: number };
  };
  text: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function bareSetupMs(): Promise<number> {
  const cam = syntheticCamera();
  const start = performance.now();
  const config = { iceServers: [] };
  const wrtc = nodeWrtc as never;
  const a = new SimplePeer({ initiator: true, wrtc, config, stream: cam.stream });
  const b = new SimplePeer({ wrtc, config });
  const pass = (to: SimplePeer.Instance) => (data: SimplePeer.SignalData) => {
    const c = (data as { candidate?: RTCIceCandidateInit }).candidate;
    if (c !== undefined && !loopbackOnly(c)) return;
    to.signal(data);
  };
  a.on('signal', pass(b));
  b.on('signal', pass(a));
  try {
    const track = await new Promise<MediaStreamTrack>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bare peers: no track in 15 s')), 15_000);
      b.on('track', (t: MediaStreamTrack) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
    const frames = countFrames(track);
    await frames.waitFor(1, 15_000);
    const ms = performance.now() - start;
    frames.stop();
    return ms;
  } finally {
    a.destroy();
    b.destroy();
    cam.stop();
  }
}

async function signaledSetupMs(): Promise<number> {
  const bed = await createCallTestbed();
  try {
    const d = await bed.doctor();
    const p = await bed.patient({ secret: bed.secret });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    const k = await knock;
    const track = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
    const start = performance.now();
    await d.admit(k.peerId);
    const frames = countFrames(await track);
    bed.defer(() => frames.stop());
    await frames.waitFor(1, 15_000);
    const ms = performance.now() - start;
    d.hangUp();
    return ms;
  } finally {
    await bed.dispose();
  }
}

interface RawClient {
  ws: WebSocket;
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  onMessage(fn: (m: Record<string, unknown>) => void): void;
}

async function rawClient(url: string): Promise<RawClient> {
  const ws = new WebSocket(url);
  const listeners = new Set<(m: Record<string, unknown>) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Record<string, unknown>;
    for (const l of [...listeners]) l(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    onMessage: (fn) => listeners.add(fn),
    next: (pred) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bench: no reply in 10 s')), 10_000);
        const l = (m: Record<string, unknown>): void => {
          if (!pred(m)) return;
          clearTimeout(timer);
          listeners.delete(l);
          resolve(m);
        };
        listeners.add(l);
      }),
  };
}

const cpuSeconds = (u: NodeJS.CpuUsage): number => Math.max(1e-6, (u.user + u.system) / 1e6);

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const BENCH_LIMITS = { messagesPerSecond: 1_000_000, helloPerIpPerMinute: 1_000_000, heartbeatMs: 60_000, roomIdleTtlMs: 3_600_000 };

/** `count` signaling servers on one access control (and, with `redis`, one Redis: a fresh key prefix). */
async function benchServers(count: number, redis?: string): Promise<{ access: ReturnType<typeof createMemoryAccessControl>; servers: SignalingServer[]; close(): Promise<void> }> {
  const access = createMemoryAccessControl();
  const shared: SignalingServerOptions = {
    port: 0,
    host: '127.0.0.1',
    access,
    secret: randomBytes(32),
    limits: BENCH_LIMITS,
    ...(redis === undefined ? {} : { redis: { url: redis, prefix: `bench${randomBytes(4).toString('hex')}:` } }),
  };
  const servers: SignalingServer[] = [];
  for (let i = 0; i < count; i++) servers.push(await createSignalingServer(shared));
  return { access, servers, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

/** Doctor on the first server, patient on the last, admitted; returns both with their peer ids. */
async function admittedPair(servers: SignalingServer[], appointmentId: string): Promise<{ doctor: RawClient; patient: RawClient; doctorId: string; patientId: string }> {
  const first = servers[0] as SignalingServer;
  const last = servers[servers.length - 1] as SignalingServer;
  const doctor = await rawClient(first.url);
  doctor.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'doctor', ticket: first.issueDoctorTicket(appointmentId) }));
  const dw = await doctor.next((m) => m.t === 'welcome');
  const patient = await rawClient(last.url);
  patient.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'patient' }));
  const pw = await patient.next((m) => m.t === 'welcome');
  doctor.ws.send(JSON.stringify({ t: 'admit', peer: pw.peerId }));
  await patient.next((m) => m.t === 'admitted');
  return { doctor, patient, doctorId: String(dw.peerId), patientId: String(pw.peerId) };
}

/** Median round trip of one relayed message at a time, doctor → patient → doctor. */
async function roundTripMs(servers: SignalingServer[], appointmentId: string, trips: number): Promise<number> {
  const { doctor, patient, doctorId, patientId } = await admittedPair(servers, appointmentId);
  try {
    patient.onMessage((m) => {
      if (m.t === 'relay') patient.ws.send(JSON.stringify({ t: 'relay', to: doctorId, body: m.body }));
    });
    const times: number[] = [];
    for (let i = 0; i < trips; i++) {
      const start = performance.now();
      const back = doctor.next((m) => m.t === 'relay');
      doctor.ws.send(JSON.stringify({ t: 'relay', to: patientId, body: 'x'.repeat(256) }));
      await back;
      times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    doctor.ws.terminate();
    patient.ws.terminate();
  }
}

/** Starts redis-server (Debian package) on a free loopback port without persistence; undefined if not installed. */
async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const binary = ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((b) => existsSync(b));
  if (binary === undefined) return undefined;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
  const dir = mkdtempSync(`${tmpdir()}/pvskit-bench-redis-`);
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: redis-server did not start in 10 s')), 10_000);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function capacity(options: { rooms: number; pairs: number; messages: number; maxMs: number; instances?: number; redis?: string }): Promise<CallBenchReport['capacity']> {
  const { access, servers, close } = await benchServers(options.instances ?? 1, options.redis);
  const stats = () => servers.map((s) => s.stats()).reduce((a, b) => ({ ...a, rooms: a.rooms + b.rooms, connections: a.connections + b.connections }));
  try {
    // Rooms: a patient joins a fresh appointment (room created), then leaves; the room stays until its TTL.
    const ids = Array.from({ length: options.rooms }, () => {
      const a = access.addAppointment();
      access.recordConsent(a.appointmentId);
      access.recordIntroduction(a.appointmentId);
      return a.appointmentId;
    });
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let opened = 0;
    const batch = 50;
    for (let i = 0; i < ids.length && performance.now() - t0 < options.maxMs; i += batch) {
      await Promise.all(
        ids.slice(i, i + batch).map(async (appointmentId, j) => {
          const c = await rawClient((servers[j % servers.length] as SignalingServer).url);
          c.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'patient' }));
          await c.next((m) => m.t === 'welcome');
          opened++;
          c.ws.close();
        }),
      );
    }
    const roomsSeconds = (performance.now() - t0) / 1000;
    const roomsCpu = cpuSeconds(process.cpuUsage(cpu0));
    while (stats().connections > 0) await new Promise((r) => setTimeout(r, 20));
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const idleRooms = stats().rooms;

    // Messages: admitted doctor/patient pairs ping-pong opaque 256-byte bodies through the server.
    const pairs: { doctor: RawClient; patient: RawClient; doctorId: string; patientId: string }[] = [];
    // A pair's doctor sits on the first instance and its patient on the last: with two, every message crosses Redis.
    for (let i = 0; i < options.pairs; i++) pairs.push(await admittedPair(servers, ids[i] as string));
    const body = 'x'.repeat(256);
    let relayed = 0;
    const perPair = Math.ceil(options.messages / options.pairs);
    const t1 = performance.now();
    const cpu1 = process.cpuUsage();
    await Promise.all(
      pairs.map(
        ({ doctor, patient, doctorId, patientId }) =>
          new Promise<void>((resolve) => {
            let left = perPair;
            const window = 16;
            const sendFrom = (from: RawClient, to: string): void => from.ws.send(JSON.stringify({ t: 'relay', to, body }));
            const onRelay = (from: RawClient, to: string) => (m: Record<string, unknown>) => {
              if (m.t !== 'relay') return;
              relayed++;
              left--;
              if (left <= 0 || performance.now() - t1 > options.maxMs) resolve();
              else sendFrom(from, to);
            };
            patient.onMessage(onRelay(patient, doctorId));
            doctor.onMessage(onRelay(doctor, patientId));
            for (let i = 0; i < window; i++) sendFrom(doctor, patientId);
          }),
      ),
    );
    const msgSeconds = (performance.now() - t1) / 1000;
    const msgCpu = cpuSeconds(process.cpuUsage(cpu1));
    for (const p of pairs) {
      p.doctor.ws.terminate();
      p.patient.ws.terminate();
    }
    return {
      roomsOpened: opened,
      roomsPerSecond: Math.round(opened / roomsSeconds),
      roomsPerCpuSecond: Math.round(opened / roomsCpu),
      messagesRelayed: relayed,
      messagesPerSecond: Math.round(relayed / msgSeconds),
      messagesPerCpuSecond: Math.round(relayed / msgCpu),
      idleRooms,
      bytesPerIdleRoom: Math.round((heapAfter - heapBefore) / Math.max(1, idleRooms)),
    };
  } finally {
    await close();
  }
}

/** Median message round trip with `instances` servers (doctor on the first, patient on the last). */
async function latency(instances: number, redis: string | undefined, trips: number): Promise<number> {
  const { access, servers, close } = await benchServers(instances, redis);
  try {
    const { appointmentId } = access.addAppointment();
    access.recordConsent(appointmentId);
    access.recordIntroduction(appointmentId);
    await roundTripMs(servers, appointmentId, 20);
    return await roundTripMs(servers, appointmentId, trips);
  } finally {
    await close();
  }
}

/** Runs the video call benchmark (about 10–30 s) and returns the figures. */
export async function runCallBench(options: { runs?: number; rooms?: number; pairs?: number; messages?: number } = {}): Promise<CallBenchReport> {
  const runs = options.runs ?? 5;
  const bare: number[] = [];
  const signaled: number[] = [];
  // Warm-up (module loading, first DTLS certificate generation) is not measured.
  await bareSetupMs();
  await signaledSetupMs();
  for (let i = 0; i < runs; i++) {
    bare.push(await bareSetupMs());
    signaled.push(await signaledSetupMs());
  }
  const setup = {
    runs,
    bareMedianMs: Math.round(median(bare) * 10) / 10,
    signaledMedianMs: Math.round(median(signaled) * 10) / 10,
    ratio: Math.round((median(signaled) / median(bare)) * 100) / 100,
  };
  const load = { rooms: options.rooms ?? 2000, pairs: options.pairs ?? 20, messages: options.messages ?? 40_000, maxMs: 10_000 };
  const cap = await capacity(load);
  const redisServer = await startBenchRedis();
  let redis: CallBenchReport['redis'];
  if (redisServer !== undefined) {
    try {
      const ratio = (x: number, base: number): number => Math.round((x / Math.max(1, base)) * 100) / 100;
      const onRedis = async (instances: number) => {
        const c = await capacity({ ...load, instances, redis: redisServer.url });
        return { roomsPerSecond: c.roomsPerSecond, messagesPerSecond: c.messagesPerSecond, roomsRatio: ratio(c.roomsPerSecond, cap.roomsPerSecond), messagesRatio: ratio(c.messagesPerSecond, cap.messagesPerSecond) };
      };
      const one = await onRedis(1);
      const two = await onRedis(2);
      const memory = await latency(1, undefined, 300);
      const twoInstances = await latency(2, redisServer.url, 300);
      const round = (x: number): number => Math.round(x * 100) / 100;
      redis = { one, two, roundTripMs: { memory: round(memory), twoInstances: round(twoInstances), extraPerMessage: round((twoInstances - memory) / 2), ratio: round(twoInstances / Math.max(1e-6, memory)) } };
    } finally {
      await redisServer.stop();
    }
  }
  const text = [
    `call set-up (admit → first frame, loopback, median of ${runs}): ${setup.signaledMedianMs} ms via signaling vs ${setup.bareMedianMs} ms bare simple-peer → ratio ${setup.ratio}`,
    `signaling capacity (one process, load generator included): ${cap.roomsPerSecond} new rooms/s wall, ${cap.roomsPerCpuSecond}/CPU-s (${cap.roomsOpened} opened); ${cap.messagesPerSecond} relayed messages/s wall, ${cap.messagesPerCpuSecond}/CPU-s (${cap.messagesRelayed} × 256 B bodies); load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs, ~${cap.bytesPerIdleRoom} B heap per idle room (${cap.idleRooms} rooms${(globalThis as { gc?: unknown }).gc === undefined ? ', no --expose-gc: rough' : ''})`,
    redis === undefined
      ? 'signaling on Redis: not measured (redis-server not installed: apt-get install redis-server)'
      : `signaling on one Redis (same load, all instances in this process): one instance ${redis.one.roomsPerSecond} rooms/s (×${redis.one.roomsRatio} of in-memory), ${redis.one.messagesPerSecond} messages/s (×${redis.one.messagesRatio}); two instances, doctor on A and patient on B ${redis.two.roomsPerSecond} rooms/s (×${redis.two.roomsRatio}), ${redis.two.messagesPerSecond} messages/s (×${redis.two.messagesRatio}); relayed message round trip ${redis.roundTripMs.twoInstances} ms across instances vs ${redis.roundTripMs.memory} ms in memory (×${redis.roundTripMs.ratio}, +${redis.roundTripMs.extraPerMessage} ms per message through Redis)`,
  ].join('\n');
  return { setup, capacity: cap, ...(redis === undefined ? {} : { redis }), text };
}
