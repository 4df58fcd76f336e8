/**
 * `npm run bench` → video call figures (Node only, 127.0.0.1 only, bounded in count and time):
 * - call set-up: "doctor admits" → first decoded video frame at the patient, through the real signaling
 *   server with sealed signaling, as a ratio against two bare simple-peer instances wired directly in one
 *   process (construction → first frame);
 * - signaling capacity on one core: new rooms per second, relayed messages per second, heap per idle room.
 * Not exported from the package entry point.
 */
import { cpus, loadavg } from 'node:os';
import SimplePeer from 'simple-peer';
import { WebSocket } from 'ws';
import { createMemoryAccessControl } from '../signaling/memory-access.js';
import { createSignalingServer } from '../signaling/server.js';
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

async function capacity(options: { rooms: number; pairs: number; messages: number; maxMs: number }): Promise<CallBenchReport['capacity']> {
  const access = createMemoryAccessControl();
  const server = await createSignalingServer({
    port: 0,
    host: '127.0.0.1',
    access,
    limits: { messagesPerSecond: 1_000_000, helloPerIpPerMinute: 1_000_000, heartbeatMs: 60_000, roomIdleTtlMs: 3_600_000 },
  });
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
        ids.slice(i, i + batch).map(async (appointmentId) => {
          const c = await rawClient(server.url);
          c.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'patient' }));
          await c.next((m) => m.t === 'welcome');
          opened++;
          c.ws.close();
        }),
      );
    }
    const roomsSeconds = (performance.now() - t0) / 1000;
    const roomsCpu = cpuSeconds(process.cpuUsage(cpu0));
    while (server.stats().connections > 0) await new Promise((r) => setTimeout(r, 20));
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const idleRooms = server.stats().rooms;

    // Messages: admitted doctor/patient pairs ping-pong opaque 256-byte bodies through the server.
    const pairs: { doctor: RawClient; patient: RawClient; doctorId: string; patientId: string }[] = [];
    for (let i = 0; i < options.pairs; i++) {
      const appointmentId = ids[i] as string;
      const doctor = await rawClient(server.url);
      doctor.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'doctor', ticket: server.issueDoctorTicket(appointmentId) }));
      const dw = await doctor.next((m) => m.t === 'welcome');
      const patient = await rawClient(server.url);
      patient.ws.send(JSON.stringify({ t: 'hello', appointmentId, role: 'patient' }));
      const pw = await patient.next((m) => m.t === 'welcome');
      doctor.ws.send(JSON.stringify({ t: 'admit', peer: pw.peerId }));
      await patient.next((m) => m.t === 'admitted');
      pairs.push({ doctor, patient, doctorId: String(dw.peerId), patientId: String(pw.peerId) });
    }
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
    await server.close();
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
  const cap = await capacity({ rooms: options.rooms ?? 2000, pairs: options.pairs ?? 20, messages: options.messages ?? 40_000, maxMs: 10_000 });
  const text = [
    `call set-up (admit → first frame, loopback, median of ${runs}): ${setup.signaledMedianMs} ms via signaling vs ${setup.bareMedianMs} ms bare simple-peer → ratio ${setup.ratio}`,
    `signaling capacity (one process, load generator included): ${cap.roomsPerSecond} new rooms/s wall, ${cap.roomsPerCpuSecond}/CPU-s (${cap.roomsOpened} opened); ${cap.messagesPerSecond} relayed messages/s wall, ${cap.messagesPerCpuSecond}/CPU-s (${cap.messagesRelayed} × 256 B bodies); load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs, ~${cap.bytesPerIdleRoom} B heap per idle room (${cap.idleRooms} rooms${(globalThis as { gc?: unknown }).gc === undefined ? ', no --expose-gc: rough' : ''})`,
  ].join('\n');
  return { setup, capacity: cap, text };
}
