/**
 * Node-only helpers shared by the WebRTC tests and the benchmark: synthetic camera frames through
 * `@roamhq/wrtc`'s nonstandard RTCVideoSource, frame counting with RTCVideoSink, loopback-only ICE.
 * Not exported from the package entry point.
 */
import type { AddressInfo } from 'node:net';
import wrtc from '@roamhq/wrtc';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createMemoryAccessControl, type MemoryAccessControl } from '../signaling/memory-access.js';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../signaling/server.js';
import { createCallClient, type CallClient, type CallClientOptions, type WebSocketConstructorLike, type WrtcLike } from './client.js';

/** The wrtc module as simple-peer wants it. */
export const nodeWrtc = wrtc as unknown as WrtcLike;
/** `ws` WebSocket as the client wants it. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructorLike;

/** Keeps host candidates on IPv4 loopback only: no other interface, no STUN. */
export const loopbackOnly = (candidate: RTCIceCandidateInit): boolean =>
  typeof candidate.candidate === 'string' && / 127\.0\.0\.1 \d+ typ host/.test(candidate.candidate);

/** Client options every Node test needs. */
export const nodeClientDefaults: Pick<CallClientOptions, 'wrtc' | 'WebSocket' | 'candidateFilter' | 'iceServers'> = {
  wrtc: nodeWrtc,
  WebSocket: NodeWebSocket,
  candidateFilter: loopbackOnly,
  iceServers: [],
};

/** Call clients and cameras closed by the caller's cleanup list (tests that build their own servers). */
export function trackedClients(cleanups: (() => unknown)[]): {
  client(options: Omit<CallClientOptions, 'wrtc' | 'WebSocket'>): Promise<CallClient>;
  camera(): MediaStream;
} {
  return {
    async client(options) {
      const c = await createCallClient({ ...nodeClientDefaults, ...options });
      cleanups.push(() => c.close());
      return c;
    },
    camera() {
      const cam = syntheticCamera();
      cleanups.push(() => cam.stop());
      return cam.stream;
    },
  };
}

/** A synthetic camera: a video track fed with I420 frames at ~30 fps until stopped. */
export interface SyntheticCamera {
  stream: MediaStream;
  track: MediaStreamTrack;
  stop(): void;
}

/** Starts a synthetic camera (320×240 grey frames with a moving bar). */
export function syntheticCamera(width = 320, height = 240, fps = 30): SyntheticCamera {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack() as unknown as MediaStreamTrack;
  const stream = new wrtc.MediaStream([track as never]) as unknown as MediaStream;
  const data = new Uint8Array((width * height * 3) / 2).fill(128);
  let frame = 0;
  const timer = setInterval(() => {
    const row = frame++ % height;
    data.fill(235, row * width, (row + 1) * width);
    source.onFrame({ width, height, data });
    data.fill(128, row * width, (row + 1) * width);
  }, Math.round(1000 / fps));
  return {
    stream,
    track,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** Counts decoded frames of a received video track. */
export interface FrameCounter {
  readonly count: number;
  /** Width of the last decoded frame. */
  readonly lastWidth: number;
  /** Resolves when `count` reaches `target` (relative to now if `relative`). */
  waitFor(target: number, timeoutMs: number, relative?: boolean): Promise<void>;
  stop(): void;
}

/** Attaches an RTCVideoSink to `track` and counts frames. */
export function countFrames(track: MediaStreamTrack): FrameCounter {
  const sink = new wrtc.nonstandard.RTCVideoSink(track as never);
  let count = 0;
  let lastWidth = 0;
  const waiters: { target: number; resolve: () => void }[] = [];
  (sink as unknown as { onframe: (e: { frame: { width: number } }) => void }).onframe = (e) => {
    count++;
    lastWidth = e.frame.width;
    for (const w of [...waiters]) {
      if (count >= w.target) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    get count() {
      return count;
    },
    get lastWidth() {
      return lastWidth;
    },
    waitFor(target, timeoutMs, relative = false) {
      const goal = relative ? count + target : target;
      if (count >= goal) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${count} of ${goal} frames within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          target: goal,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    stop() {
      sink.stop();
    },
  };
}

/** Waits for one event of an emitter-like object, bounded. */
export function nextEvent<T>(
  target: { once(event: never, handler: never): unknown },
  event: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    (target.once as (e: string, h: (v: T) => void) => unknown)(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A bare patient socket in a room's waiting room, for tests that play a misbehaving client. */
export interface RawPatient {
  raw: WebSocket;
  /** Everything the relay sent, parsed. */
  messages: Record<string, unknown>[];
  /** The doctor's participant id (from the welcome). */
  doctorId: string;
  /** Relays a handshake body to the doctor. */
  send(body: Record<string, unknown>): void;
}

/** Joins the testbed's appointment as a bare patient socket once the doctor is in the room. */
export async function joinAsRawPatient(bed: CallTestbed): Promise<RawPatient> {
  const raw = new WebSocket(bed.server.url);
  bed.defer(() => raw.terminate());
  const messages: Record<string, unknown>[] = [];
  raw.on('message', (data: RawData) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve) => raw.once('open', resolve));
  raw.send(JSON.stringify({ t: 'hello', appointmentId: bed.appointmentId, role: 'patient' }));
  const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome within 5000 ms')), 5000);
    const check = (): void => {
      const w = messages.find((m) => m.t === 'welcome');
      if (w === undefined) return;
      clearTimeout(timer);
      raw.off('message', check);
      resolve(w);
    };
    raw.on('message', check);
    check();
  });
  const doctorId = ((welcome.peers as { peerId: string; role: string }[]).find((p) => p.role === 'doctor') as { peerId: string }).peerId;
  return { raw, messages, doctorId, send: (body) => raw.send(JSON.stringify({ t: 'relay', to: doctorId, body: JSON.stringify(body) })) };
}

/** The same code with another PAKE part (its last digit changed): it still locates the appointment. */
export function withWrongPakePart(code: string): string {
  return code.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
}

/** Random 32-byte link secret, base64url (as the invitation link carries it). */
export function randomLinkSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}

/** What a relay hook returns: the frames to forward instead (empty = drop). */
export type RelayHook = (direction: 'up' | 'down', text: string, connection: number) => string[];

/**
 * A WebSocket man-in-the-middle between clients and the signaling server: every frame passes `hook`,
 * which may modify, drop, duplicate (replay) or swap frames. It stands for a compromised server.
 */
export async function startTamperingRelay(upstreamUrl: string, hook: RelayHook): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  let next = 0;
  wss.on('connection', (client) => {
    const id = next++;
    const upstream = new WebSocket(upstreamUrl);
    sockets.add(client as unknown as WebSocket);
    sockets.add(upstream);
    const early: string[] = [];
    const text = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
    upstream.on('open', () => {
      for (const t of early.splice(0)) upstream.send(t);
    });
    client.on('message', (data) => {
      for (const out of hook('up', text(data), id)) {
        if (upstream.readyState === upstream.OPEN) upstream.send(out);
        else early.push(out);
      }
    });
    upstream.on('message', (data) => {
      for (const out of hook('down', text(data), id)) if (client.readyState === client.OPEN) client.send(out);
    });
    upstream.on('close', (code) => client.close(code >= 4000 ? code : 1000));
    client.on('close', () => upstream.close());
    upstream.on('error', () => client.close());
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `${upstreamUrl.replace(/:\d+\//, `:${port}/`)}`,
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** One appointment on a running signaling server, plus everything both sides need to join it. */
export interface CallTestbed {
  server: SignalingServer;
  access: MemoryAccessControl;
  appointmentId: string;
  doctorCode: string;
  patientCode: string;
  /** Link secret (base64url) as in `#k=`. */
  secret: string;
  /** Doctor ticket. */
  ticket: string;
  /** Registers a cleanup, run in reverse order by {@link CallTestbed.dispose}. */
  defer(fn: () => unknown): void;
  /** A synthetic camera stopped on dispose. */
  camera(): SyntheticCamera;
  /** A Node call client (wrtc, ws, loopback-only ICE) closed on dispose. */
  client(options: Omit<CallClientOptions, 'wrtc' | 'WebSocket' | 'signalingUrl' | 'appointmentId'> & { signalingUrl?: string; appointmentId?: string }): Promise<CallClient>;
  /** The doctor client (ticket, link secret and patient code configured) with a camera. */
  doctor(options?: Partial<CallClientOptions>): Promise<CallClient>;
  /** A patient client with a camera. */
  patient(options?: Partial<CallClientOptions>): Promise<CallClient>;
  dispose(): Promise<void>;
}

/** Starts a signaling server on 127.0.0.1 (random port) with one appointment (consent recorded). */
export async function createCallTestbed(
  options: { server?: Partial<SignalingServerOptions>; maxParticipants?: number; consent?: boolean } = {},
): Promise<CallTestbed> {
  const cleanups: (() => unknown)[] = [];
  const access = options.server?.access === undefined ? createMemoryAccessControl() : (options.server.access as MemoryAccessControl);
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', ...options.server, access });
  cleanups.push(() => server.close());
  const { appointmentId, doctorCode, patientCode } = access.addAppointment({ maxParticipants: options.maxParticipants ?? 2 });
  if (options.consent !== false) {
    access.recordConsent(appointmentId);
    access.recordIntroduction(appointmentId);
  }
  const bed: CallTestbed = {
    server,
    access,
    appointmentId,
    doctorCode,
    patientCode,
    secret: randomLinkSecret(),
    ticket: server.issueDoctorTicket(appointmentId),
    defer: (fn) => cleanups.push(fn),
    camera() {
      const cam = syntheticCamera();
      cleanups.push(() => cam.stop());
      return cam;
    },
    async client(o) {
      const c = await createCallClient({ ...nodeClientDefaults, signalingUrl: server.url, appointmentId, ...o });
      cleanups.push(() => c.close());
      return c;
    },
    doctor: (o = {}) =>
      bed.client({ role: 'doctor', ticket: bed.ticket, secret: bed.secret, code: patientCode, mediaStream: bed.camera().stream, ...o }),
    patient: (o = {}) => bed.client({ role: 'patient', name: 'Alice Krejčová', mediaStream: bed.camera().stream, ...o }),
    async dispose() {
      for (const fn of cleanups.splice(0).reverse()) {
        try {
          await fn();
        } catch {
          // keep disposing
        }
      }
    },
  };
  return bed;
}
