import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PvsKitError, silentLogger, type Logger } from '@pvskit/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { clientAddressKey } from '../base/client-address.js';
import type { AccessControl } from './access.js';
import {
  createMemoryMetadataStore,
  MAX_METADATA_TTL_DAYS,
  type SignalingEventKind,
  type SignalingMetadataStore,
} from './metadata.js';
import {
  CLOSE_CODES,
  clientMessageSchema,
  type ClientMessage,
  type PeerInfo,
  type ServerMessage,
} from './protocol.js';
import { RateLimiter } from './rate-limit.js';
import { TokenSigner } from './tokens.js';

/** Tunables of the signaling server. Every limit is bounded so one client cannot exhaust the server. */
export interface SignalingLimits {
  /** Largest accepted WebSocket message in bytes (larger closes the socket). Default 64 KiB. */
  maxMessageBytes: number;
  /** Messages per second one connection may send. Default 100. */
  messagesPerSecond: number;
  /** Hello attempts per IP and minute. Default 60. */
  helloPerIpPerMinute: number;
  /** Waiting-room messages (knocks: PAKE/link handshakes) per IP and minute. Default 30. */
  knocksPerIpPerMinute: number;
  /** Waiting-room messages per appointment and minute. Default 60. */
  knocksPerAppointmentPerMinute: number;
  /** Code redemptions per IP and minute. Default 10. */
  redeemPerIpPerMinute: number;
  /** Patients waiting at the same time per appointment. Default 4. */
  maxWaitingPerRoom: number;
  /** Rooms held at once. Default 100,000. */
  maxRooms: number;
  /** Ping interval; a socket that misses one pong is dropped. Default 15 s. */
  heartbeatMs: number;
  /** How long a dropped participant's slot (and queued messages) is kept for resume. Default 60 s. */
  resumeGraceMs: number;
  /** Messages queued for one absent participant. Default 256. */
  maxQueuedPerPeer: number;
  /** An empty room is forgotten after this. Default 1 h. */
  roomIdleTtlMs: number;
  /** Any room is closed after this. Default 12 h. */
  roomMaxAgeMs: number;
  /** Doctor ticket lifetime. Default 12 h. (Resume tokens live for the grace period plus one heartbeat.) */
  tokenTtlMs: number;
  /** Retention of metadata records in days, at most 90 (R10). Default 90. */
  metadataTtlDays: number;
  /** Interval of the sweep (room expiry, metadata purge). Default 60 s. */
  sweepIntervalMs: number;
  /** Metadata records one room may write (beyond it nothing more is stored for the room). Default 200. */
  maxRecordsPerRoom: number;
}

const limitsSchema = z.strictObject({
  maxMessageBytes: z.number().int().min(1024).max(1 << 24),
  messagesPerSecond: z.number().int().min(1),
  helloPerIpPerMinute: z.number().int().min(1),
  knocksPerIpPerMinute: z.number().int().min(1),
  knocksPerAppointmentPerMinute: z.number().int().min(1),
  redeemPerIpPerMinute: z.number().int().min(1),
  maxWaitingPerRoom: z.number().int().min(1).max(100),
  maxRooms: z.number().int().min(1),
  heartbeatMs: z.number().int().min(50),
  resumeGraceMs: z.number().int().min(0),
  maxQueuedPerPeer: z.number().int().min(0).max(10_000),
  roomIdleTtlMs: z.number().int().min(1000),
  roomMaxAgeMs: z.number().int().min(1000),
  tokenTtlMs: z.number().int().min(1000),
  metadataTtlDays: z.number().min(0).max(MAX_METADATA_TTL_DAYS),
  sweepIntervalMs: z.number().int().min(10),
  maxRecordsPerRoom: z.number().int().min(10).max(100_000),
});

/** The defaults of {@link SignalingLimits}. */
export const DEFAULT_SIGNALING_LIMITS: Readonly<SignalingLimits> = Object.freeze({
  maxMessageBytes: 64 * 1024,
  messagesPerSecond: 100,
  helloPerIpPerMinute: 60,
  knocksPerIpPerMinute: 30,
  knocksPerAppointmentPerMinute: 60,
  redeemPerIpPerMinute: 10,
  maxWaitingPerRoom: 4,
  maxRooms: 100_000,
  heartbeatMs: 15_000,
  resumeGraceMs: 60_000,
  maxQueuedPerPeer: 256,
  roomIdleTtlMs: 3_600_000,
  roomMaxAgeMs: 12 * 3_600_000,
  tokenTtlMs: 12 * 3_600_000,
  metadataTtlDays: MAX_METADATA_TTL_DAYS,
  sweepIntervalMs: 60_000,
  maxRecordsPerRoom: 200,
});

/** What passes through the server, for audits and tests that prove it holds no content. */
export interface SignalingInspectEvent {
  direction: 'in' | 'out' | 'store';
  data: string;
}

/** Options of {@link createSignalingService}. */
export interface SignalingServiceOptions {
  /** Appointment access (codes, lockout, consent gate). */
  access: AccessControl;
  /** ≥ 32 bytes signing doctor tickets and resume tokens. Give the same secret to a restarted server so
   * calls resume; random (resume only within this process) if omitted. */
  secret?: Uint8Array;
  limits?: Partial<SignalingLimits>;
  logger?: Logger;
  /** Metadata store; in memory if omitted. */
  metadata?: SignalingMetadataStore;
  /** URL path for WebSocket upgrades; `{path}/redeem` takes code redemptions. Default `/signal`. */
  path?: string;
  /** Client address of a request; default the socket's remote address (set this behind a proxy). */
  clientIp?: (req: IncomingMessage) => string;
  /** Sees every message received, sent and stored (for audits and the no-plaintext test). */
  inspect?: (event: SignalingInspectEvent) => void;
  /** Clock. */
  now?: () => number;
}

/** Result of redeeming a typed code. */
export interface RedeemResult {
  appointmentId: string;
  role: 'doctor' | 'patient';
  /** A doctor ticket for `hello` (whole doctor codes only). */
  ticket?: string;
}

/** Counters for monitoring and the capacity benchmark. */
export interface SignalingStats {
  rooms: number;
  participants: number;
  connections: number;
  messagesIn: number;
  messagesOut: number;
}

/** The signaling logic without its own listener, to mount inside an existing HTTP server. */
export interface SignalingService {
  /** The upgrade path (e.g. `/signal`). */
  readonly path: string;
  /** Pass `upgrade` events of an http.Server here; returns false (and leaves the socket) for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Handles `POST {path}/redeem`; returns false for other requests. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * Locates an appointment by a code's locator, or checks a whole doctor code, through the access port
   * (rate-limited per IP, IPv6 per /64); only a whole doctor code yields a ticket.
   */
  redeemCode(input: { code: string; ip: string }): Promise<RedeemResult>;
  /** A doctor ticket for a doctor the host has authenticated itself (PVS login). */
  issueDoctorTicket(appointmentId: string, ttlMs?: number): string;
  /** Runs room expiry and the metadata purge now; returns the number of purged metadata records. */
  sweep(): Promise<number>;
  stats(): SignalingStats;
  /** A JSON snapshot of all server-side state (rooms, participants, queues), for audits. */
  dumpState(): string;
  /** Closes every connection (clients may resume on a restarted server) and stops timers. */
  close(): Promise<void>;
}

/** A standalone signaling server with its own HTTP listener. */
export interface SignalingServer extends SignalingService {
  /** `ws://host:port/path`. */
  readonly url: string;
  readonly port: number;
  /** The underlying http.Server. */
  readonly httpServer: Server;
}

/** Options of {@link createSignalingServer}. */
export interface SignalingServerOptions extends SignalingServiceOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

interface Participant {
  peerId: string;
  role: 'doctor' | 'patient';
  admitted: boolean;
  ip: string;
  conn: Connection | undefined;
  queue: string[];
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The one candidate-type report an admitted participant may file has been stored. */
  reported: boolean;
}

interface Room {
  id: string;
  maxParticipants: number;
  locked: boolean;
  createdAt: number;
  lastActivity: number;
  participants: Map<string, Participant>;
  /** Messages for participants not (yet) known to this server instance, e.g. right after a restart. */
  orphans: Map<string, string[]>;
  recentPakeFailures: Map<string, number>;
  /** Participants who left or timed out; their resume tokens no longer restore a slot. */
  departed: Set<string>;
  /** Metadata records written for this room (bounded by `maxRecordsPerRoom`). */
  records: number;
}

interface Connection {
  ws: WebSocket;
  ip: string;
  /** The key of `ip` for rate limits (IPv6 per /64). */
  ipKey: string;
  alive: boolean;
  room: Room | undefined;
  participant: Participant | undefined;
  helloPending: boolean;
  windowStart: number;
  windowCount: number;
}

function refusal(code: PvsKitError['code'], message: string, userMessage: string): PvsKitError {
  return new PvsKitError(code, message, { userMessage });
}

/** Patients send only their code's locator; the doctor sends the whole doctor code (it is no E2E key). */
const redeemBodySchema = z.union([z.strictObject({ locator: z.string().max(16) }), z.strictObject({ code: z.string().max(32) })]);

const UNKNOWN_APPOINTMENT = (): PvsKitError =>
  refusal('NOT_FOUND', 'Unknown or expired appointment', 'Dieser Termin ist nicht (mehr) gültig.');

/** Creates the signaling logic; mount it with {@link SignalingService.handleUpgrade}. */
export function createSignalingService(options: SignalingServiceOptions): SignalingService {
  const limits: SignalingLimits = limitsSchema.parse({ ...DEFAULT_SIGNALING_LIMITS, ...options.limits });
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const access = options.access;
  const metadata = options.metadata ?? createMemoryMetadataStore();
  const signer = new TokenSigner(options.secret ?? randomBytes(32));
  const path = options.path ?? '/signal';
  const inspect = options.inspect;
  const clientIp = options.clientIp ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  const rooms = new Map<string, Room>();
  const connections = new Set<Connection>();
  const helloLimiter = new RateLimiter(limits.helloPerIpPerMinute, 60_000);
  const knockIpLimiter = new RateLimiter(limits.knocksPerIpPerMinute, 60_000);
  const knockRoomLimiter = new RateLimiter(limits.knocksPerAppointmentPerMinute, 60_000);
  const redeemLimiter = new RateLimiter(limits.redeemPerIpPerMinute, 60_000);
  const counters = { messagesIn: 0, messagesOut: 0 };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, clientTracking: false });
  let closed = false;

  const record = (room: Room, event: SignalingEventKind, extra: { role?: 'doctor' | 'patient'; detail?: Record<string, string | number | boolean> } = {}): void => {
    if (room.records >= limits.maxRecordsPerRoom) return;
    room.records++;
    const at = now();
    const entry = { appointmentId: room.id, event, ...extra, at, deleteAfter: at + limits.metadataTtlDays * 86_400_000 };
    inspect?.({ direction: 'store', data: JSON.stringify(entry) });
    void Promise.resolve(metadata.append(entry)).catch((cause: unknown) =>
      logger.error('signaling metadata append failed', { error: String(cause) }),
    );
  };

  const sendRaw = (conn: Connection, text: string): void => {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    counters.messagesOut++;
    inspect?.({ direction: 'out', data: text });
    conn.ws.send(text);
  };
  const send = (conn: Connection | undefined, msg: ServerMessage): void => {
    if (conn !== undefined) sendRaw(conn, JSON.stringify(msg));
  };
  /** Delivers now, or queues for a participant who is away (resume will flush). */
  const deliver = (p: Participant, msg: ServerMessage): void => {
    const text = JSON.stringify(msg);
    if (p.conn !== undefined) sendRaw(p.conn, text);
    else if (p.queue.length < limits.maxQueuedPerPeer) p.queue.push(text);
  };
  const fail = (conn: Connection, error: PvsKitError, closeCode: number): void => {
    send(conn, { t: 'error', code: error.code, message: error.message, userMessage: error.userMessage, fatal: true });
    conn.ws.close(closeCode, error.code);
  };
  const warn = (conn: Connection, error: PvsKitError): void => {
    send(conn, { t: 'error', code: error.code, message: error.message, userMessage: error.userMessage, fatal: false });
  };

  const canSee = (a: Participant, b: Participant): boolean =>
    a.role === 'doctor' || b.role === 'doctor' || (a.admitted && b.admitted);
  const info = (p: Participant): PeerInfo => ({ peerId: p.peerId, role: p.role, admitted: p.admitted });
  const admittedCount = (room: Room): number => [...room.participants.values()].filter((p) => p.admitted).length;
  const resumeToken = (room: Room, p: Participant): string =>
    // A token outlives its connection by the grace period only; connected participants get a fresh one with
    // every heartbeat, so the one in hand at a drop still covers the grace period.
    signer.issueResume({ a: room.id, r: p.role, p: p.peerId, adm: p.admitted, exp: now() + limits.resumeGraceMs + limits.heartbeatMs });

  const removeParticipant = (room: Room, p: Participant, reason: string): void => {
    if (p.graceTimer !== undefined) clearTimeout(p.graceTimer);
    if (!room.participants.delete(p.peerId)) return;
    room.departed.add(p.peerId);
    room.lastActivity = now();
    record(room, 'left', { role: p.role, detail: { reason } });
    for (const other of room.participants.values()) {
      if (canSee(other, p)) deliver(other, { t: 'peer-left', peerId: p.peerId, reason });
    }
  };

  const openRoom = async (appointmentId: string): Promise<Room> => {
    const existing = rooms.get(appointmentId);
    if (existing !== undefined) return existing;
    const described = await access.describeAppointment(appointmentId);
    if (described === undefined) throw UNKNOWN_APPOINTMENT();
    const raced = rooms.get(appointmentId);
    if (raced !== undefined) return raced;
    if (rooms.size >= limits.maxRooms) {
      throw refusal('RATE_LIMITED', 'Server room capacity reached', 'Der Dienst ist ausgelastet. Bitte später erneut versuchen.');
    }
    const room: Room = {
      id: appointmentId,
      maxParticipants: described.maxParticipants,
      locked: described.locked,
      createdAt: now(),
      lastActivity: now(),
      participants: new Map(),
      orphans: new Map(),
      recentPakeFailures: new Map(),
      departed: new Set(),
      records: 0,
    };
    rooms.set(appointmentId, room);
    record(room, 'room-opened');
    return room;
  };

  const attach = (conn: Connection, room: Room, p: Participant, resumed: boolean, isNew: boolean): void => {
    if (p.graceTimer !== undefined) {
      clearTimeout(p.graceTimer);
      p.graceTimer = undefined;
    }
    const previous = p.conn;
    if (previous !== undefined && previous !== conn) {
      previous.participant = undefined;
      previous.ws.close(CLOSE_CODES.left, 'replaced');
    }
    p.conn = conn;
    p.ip = conn.ip;
    conn.room = room;
    conn.participant = p;
    room.lastActivity = now();
    const peers = [...room.participants.values()].filter((o) => o !== p && canSee(p, o)).map(info);
    send(conn, { t: 'welcome', peerId: p.peerId, role: p.role, admitted: p.admitted, resumed, resumeToken: resumeToken(room, p), peers });
    if (isNew) {
      for (const other of room.participants.values()) {
        if (other !== p && canSee(other, p)) deliver(other, { t: 'peer-joined', peer: info(p) });
      }
    }
    const orphaned = room.orphans.get(p.peerId);
    if (orphaned !== undefined) {
      room.orphans.delete(p.peerId);
      p.queue.push(...orphaned);
    }
    const queued = p.queue.splice(0);
    for (const text of queued) sendRaw(conn, text);
    record(room, resumed ? 'resumed' : 'joined', { role: p.role });
  };

  /** Room facts change underneath (new codes lift a lock, the window ends): asked again at every hello. */
  const refreshRoom = async (room: Room): Promise<void> => {
    const described = await access.describeAppointment(room.id);
    if (described === undefined) throw UNKNOWN_APPOINTMENT();
    room.locked = described.locked;
    room.maxParticipants = described.maxParticipants;
  };

  /** The checks of every new slot: a valid ticket for the doctor; lock, capacity and waiting room for patients. */
  const admissionCheck = (room: Room, msg: Extract<ClientMessage, { t: 'hello' }>): void => {
    if (msg.role === 'doctor') {
      if (msg.ticket === undefined || signer.checkTicket(msg.ticket, room.id, now()) === undefined) {
        throw refusal('AUTH', 'Doctor ticket missing or invalid', 'Anmeldung als Arzt/Ärztin fehlgeschlagen.');
      }
      return;
    }
    if (room.locked) {
      throw refusal('LOCKED', 'Appointment locked after too many wrong tries', 'Zu viele Fehlversuche. Bitte fordern Sie neue Zugangscodes an.');
    }
    // Slots of admitted participants who dropped (e.g. reloaded the page) do not block the waiting room;
    // the doctor decides on admission whether the new knock takes such a slot.
    const present = [...room.participants.values()].filter((p) => p.admitted && p.conn !== undefined).length;
    if (present >= room.maxParticipants) {
      throw refusal('FORBIDDEN', 'Appointment is full', 'Diese Sprechstunde ist bereits vollständig besetzt.');
    }
    const waiting = [...room.participants.values()].filter((p) => !p.admitted).length;
    if (waiting >= limits.maxWaitingPerRoom) {
      throw refusal('RATE_LIMITED', 'Waiting room is full', 'Das Wartezimmer ist voll. Bitte später erneut versuchen.');
    }
  };

  const newParticipant = (room: Room, conn: Connection, peerId: string, role: 'doctor' | 'patient'): Participant => {
    if (role === 'doctor') {
      for (const other of [...room.participants.values()]) {
        if (other.role === 'doctor') {
          other.conn?.ws.close(CLOSE_CODES.left, 'replaced');
          removeParticipant(room, other, 'replaced');
        }
      }
    }
    const p: Participant = { peerId, role, admitted: role === 'doctor', ip: conn.ip, conn: undefined, queue: [], graceTimer: undefined, reported: false };
    room.participants.set(p.peerId, p);
    return p;
  };

  const onHello = async (conn: Connection, msg: Extract<ClientMessage, { t: 'hello' }>): Promise<void> => {
    if (!helloLimiter.take(conn.ipKey, now())) {
      throw refusal('RATE_LIMITED', 'Too many join attempts from this address', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
    }
    const room = await openRoom(msg.appointmentId);
    await refreshRoom(room);
    const claims = msg.resume === undefined ? undefined : signer.checkResume(msg.resume, msg.appointmentId, now());
    // Only admitted participants resume; a waiting patient simply knocks again (a new handshake).
    if (claims !== undefined && claims.r === msg.role && claims.adm) {
      if (room.departed.has(claims.p)) {
        throw refusal('CONFLICT', 'This participant has left; join again', 'Sie haben die Sprechstunde verlassen. Bitte erneut beitreten.');
      }
      const held = room.participants.get(claims.p);
      if (held !== undefined) {
        attach(conn, room, held, true, false);
        return;
      }
      // The slot is gone (server restart, or away longer than the grace period): a token proves nothing about
      // admission then. The participant keeps its id, so the doctor's client can recognise the sealed session
      // and admit again, but passes the ticket, lock and capacity checks like any newcomer.
      admissionCheck(room, msg);
      attach(conn, room, newParticipant(room, conn, claims.p, msg.role), true, true);
      return;
    }
    admissionCheck(room, msg);
    attach(conn, room, newParticipant(room, conn, randomBytes(12).toString('base64url'), msg.role), false, true);
  };

  const onRelay = (conn: Connection, room: Room, self: Participant, msg: Extract<ClientMessage, { t: 'relay' }>): void => {
    const target = room.participants.get(msg.to);
    if (!self.admitted) {
      const t = now();
      if (!knockIpLimiter.take(conn.ipKey, t) || !knockRoomLimiter.take(room.id, t)) {
        throw refusal('RATE_LIMITED', 'Too many waiting-room messages', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
      }
    }
    const out: ServerMessage = { t: 'relay', from: self.peerId, body: msg.body };
    if (target === undefined) {
      // After a restart the peer may not have resumed yet; keep a bounded queue for admitted senders only.
      if (!self.admitted) return;
      const q = room.orphans.get(msg.to) ?? [];
      if (q.length < limits.maxQueuedPerPeer && room.orphans.size < room.maxParticipants * 2) {
        q.push(JSON.stringify(out));
        room.orphans.set(msg.to, q);
      }
      return;
    }
    if (!canSee(self, target)) {
      throw refusal('FORBIDDEN', 'Not allowed to message this participant', 'Nachricht nicht zulässig.');
    }
    deliver(target, out);
  };

  const onAdmit = async (conn: Connection, room: Room, self: Participant, peer: string): Promise<void> => {
    if (self.role !== 'doctor') throw refusal('FORBIDDEN', 'Only the doctor admits', 'Nur der Arzt/die Ärztin kann Teilnehmende einlassen.');
    const target = room.participants.get(peer);
    if (target === undefined || target.admitted) throw refusal('NOT_FOUND', 'No such waiting participant', 'Diese Person wartet nicht mehr.');
    await access.assertCallMayStart(room.id);
    if (admittedCount(room) >= room.maxParticipants) {
      const stale = [...room.participants.values()].find((p) => p.admitted && p.role === 'patient' && p.conn === undefined);
      if (stale === undefined) {
        throw refusal('FORBIDDEN', 'Appointment is full', 'Diese Sprechstunde ist bereits vollständig besetzt.');
      }
      removeParticipant(room, stale, 'replaced');
    }
    if (target.admitted || room.participants.get(peer) !== target) return;
    target.admitted = true;
    record(room, 'admitted', { role: target.role });
    deliver(target, { t: 'admitted', resumeToken: resumeToken(room, target) });
    send(conn, { t: 'peer-admitted', peerId: target.peerId });
    for (const other of room.participants.values()) {
      if (other === target || other === self || !other.admitted) continue;
      deliver(other, { t: 'peer-joined', peer: info(target) });
      deliver(target, { t: 'peer-joined', peer: info(other) });
    }
  };

  const dropWaiting = (room: Room, target: Participant, reason: string): void => {
    deliver(target, { t: 'denied' });
    target.conn?.ws.close(CLOSE_CODES.left, reason);
    removeParticipant(room, target, reason);
  };

  /**
   * Only the doctor's client moves the lockout: it alone knows that it sent its PAKE confirmation (the value a
   * guesser can test one guess against) and that the handshake did not end in success. A waiting patient's
   * report about itself would let anyone lock an appointment without a code, so it is not accepted.
   */
  const onPakeFailed = async (room: Room, self: Participant, peer: string): Promise<void> => {
    if (self.role !== 'doctor') return;
    const patient = room.participants.get(peer);
    // The doctor is trusted to report a guesser that already left (it never reports itself).
    if (patient !== undefined && (patient.role !== 'patient' || patient.admitted)) return;
    // Count a try once per patient connection, however often it is reported.
    if (room.recentPakeFailures.has(peer)) return;
    room.recentPakeFailures.set(peer, now());
    record(room, 'pake-failed');
    const outcome = await access.registerFailure({ appointmentId: room.id, ip: patient?.ip ?? 'unknown', reason: 'pake' });
    if (outcome.locked && !room.locked) {
      room.locked = true;
      record(room, 'locked');
      for (const p of [...room.participants.values()]) {
        if (p.role === 'doctor') deliver(p, { t: 'locked' });
        else if (!p.admitted) dropWaiting(room, p, 'locked');
      }
    }
    if (patient !== undefined && room.participants.get(patient.peerId) === patient) dropWaiting(room, patient, 'pake-failed');
  };

  const onMessage = async (conn: Connection, text: string): Promise<void> => {
    let parsed: ClientMessage;
    try {
      const result = clientMessageSchema.safeParse(JSON.parse(text));
      if (!result.success) throw new Error('schema');
      parsed = result.data;
    } catch {
      fail(conn, refusal('VALIDATION', 'Malformed signaling message', 'Ungültige Nachricht.'), CLOSE_CODES.protocol);
      return;
    }
    if (parsed.t === 'hello') {
      if (conn.participant !== undefined || conn.helloPending) {
        fail(conn, refusal('CONFLICT', 'Already joined', 'Bereits verbunden.'), CLOSE_CODES.protocol);
        return;
      }
      conn.helloPending = true;
      try {
        await onHello(conn, parsed);
      } finally {
        conn.helloPending = false;
      }
      return;
    }
    const room = conn.room;
    const self = conn.participant;
    if (room === undefined || self === undefined) {
      fail(conn, refusal('AUTH', 'Say hello first', 'Nicht angemeldet.'), CLOSE_CODES.protocol);
      return;
    }
    room.lastActivity = now();
    switch (parsed.t) {
      case 'relay':
        onRelay(conn, room, self, parsed);
        return;
      case 'admit':
        await onAdmit(conn, room, self, parsed.peer);
        return;
      case 'deny': {
        if (self.role !== 'doctor') throw refusal('FORBIDDEN', 'Only the doctor denies', 'Nicht zulässig.');
        const target = room.participants.get(parsed.peer);
        if (target !== undefined && !target.admitted) {
          record(room, 'denied');
          dropWaiting(room, target, 'denied');
        }
        return;
      }
      case 'pake-failed':
        await onPakeFailed(room, self, parsed.peer);
        return;
      case 'report':
        // One report per admitted participant: nobody in the waiting room can fill the metadata store.
        if (!self.admitted || self.reported) return;
        self.reported = true;
        record(room, 'candidate-type', { role: self.role, detail: { local: parsed.local, remote: parsed.remote } });
        return;
      case 'leave':
        conn.participant = undefined;
        removeParticipant(room, self, 'left');
        conn.ws.close(CLOSE_CODES.left, 'left');
        return;
    }
  };

  const onConnection = (ws: WebSocket, req: IncomingMessage): void => {
    const ip = clientIp(req);
    const conn: Connection = {
      ws,
      ip,
      ipKey: clientAddressKey(ip),
      alive: true,
      room: undefined,
      participant: undefined,
      helloPending: false,
      windowStart: now(),
      windowCount: 0,
    };
    connections.add(conn);
    const helloTimer = setTimeout(() => {
      if (conn.participant === undefined) ws.close(CLOSE_CODES.timeout, 'no hello');
    }, 10_000);
    ws.on('pong', () => {
      conn.alive = true;
    });
    // Messages of one connection are handled in order, even when a handler awaits the access port.
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      counters.messagesIn++;
      const t = now();
      if (t - conn.windowStart >= 1000) {
        conn.windowStart = t;
        conn.windowCount = 0;
      }
      if (++conn.windowCount > limits.messagesPerSecond) {
        fail(conn, refusal('RATE_LIMITED', 'Too many messages', 'Zu viele Nachrichten.'), CLOSE_CODES.rateLimited);
        return;
      }
      if (isBinary) {
        fail(conn, refusal('VALIDATION', 'Binary frames are not accepted', 'Ungültige Nachricht.'), CLOSE_CODES.protocol);
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      inspect?.({ direction: 'in', data: text });
      chain = chain
        .then(() => onMessage(conn, text))
        .catch((cause: unknown) => {
          const error =
            cause instanceof PvsKitError ? cause : new PvsKitError('INTERNAL', 'Signaling failure', { cause });
          if (!(cause instanceof PvsKitError)) logger.error('signaling handler failed', { error: String(cause) });
          const fatal = conn.participant === undefined || error.code === 'RATE_LIMITED';
          if (fatal) fail(conn, error, error.code === 'RATE_LIMITED' ? CLOSE_CODES.rateLimited : CLOSE_CODES.refused);
          else warn(conn, error);
        });
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      connections.delete(conn);
      const room = conn.room;
      const p = conn.participant;
      conn.participant = undefined;
      if (room === undefined || p === undefined || p.conn !== conn) return;
      p.conn = undefined;
      room.lastActivity = now();
      if (closed) return;
      if (!p.admitted) {
        removeParticipant(room, p, 'left');
        return;
      }
      p.graceTimer = setTimeout(() => removeParticipant(room, p, 'timeout'), limits.resumeGraceMs);
      p.graceTimer.unref?.();
    });
    ws.on('error', (error) => logger.warn('signaling socket error', { error: error.message }));
  };

  const heartbeat = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
      if (conn.room !== undefined && conn.participant?.admitted === true) send(conn, { t: 'token', resumeToken: resumeToken(conn.room, conn.participant) });
    }
  }, limits.heartbeatMs);
  heartbeat.unref?.();

  const sweep = async (): Promise<number> => {
    const t = now();
    for (const room of [...rooms.values()]) {
      const expiredByAge = t - room.createdAt > limits.roomMaxAgeMs;
      const idle = room.participants.size === 0 && t - room.lastActivity > limits.roomIdleTtlMs;
      if (!expiredByAge && !idle) continue;
      for (const p of [...room.participants.values()]) {
        p.conn?.ws.close(CLOSE_CODES.left, 'room expired');
        removeParticipant(room, p, 'expired');
      }
      record(room, 'room-expired');
      rooms.delete(room.id);
    }
    for (const room of rooms.values()) {
      for (const [peer, at] of room.recentPakeFailures) if (t - at > 60_000) room.recentPakeFailures.delete(peer);
    }
    helloLimiter.sweep(t);
    knockIpLimiter.sweep(t);
    knockRoomLimiter.sweep(t);
    redeemLimiter.sweep(t);
    const removed = await metadata.purge(t);
    if (removed > 0) logger.info('signaling metadata purged', { removed });
    return removed;
  };
  const sweeper = setInterval(() => {
    void sweep().catch((cause: unknown) => logger.error('signaling sweep failed', { error: String(cause) }));
  }, limits.sweepIntervalMs);
  sweeper.unref?.();

  const redeemCode = async ({ code, ip }: { code: string; ip: string }): Promise<RedeemResult> => {
    if (!redeemLimiter.take(clientAddressKey(ip), now())) {
      throw refusal('RATE_LIMITED', 'Too many code attempts from this address', 'Zu viele Versuche. Bitte warten Sie einen Moment.');
    }
    const verified = await access.verifyAccessCode({ code, ip });
    // A ticket only for the whole doctor code; a doctor locator alone opens nothing.
    if (verified.role === 'doctor' && verified.proof === 'code') {
      return { appointmentId: verified.appointmentId, role: 'doctor', ticket: signer.issueTicket(verified.appointmentId, now(), limits.tokenTtlMs) };
    }
    return { appointmentId: verified.appointmentId, role: verified.role };
  };

  const statusOf = (error: PvsKitError): number =>
    ({ AUTH: 401, EXPIRED: 404, LOCKED: 423, RATE_LIMITED: 429, VALIDATION: 400, NOT_FOUND: 404, FORBIDDEN: 403 })[error.code as string] ?? 500;

  return {
    path,
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== path || closed) return false;
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
      return true;
    },
    handleRequest(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== `${path}/redeem`) return false;
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return true;
      }
      let body = '';
      let tooLarge = false;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1024) {
          tooLarge = true;
          req.destroy();
        }
      });
      req.on('end', () => {
        if (tooLarge) return;
        const reply = (status: number, payload: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
          res.end(JSON.stringify(payload));
        };
        let code: string;
        try {
          const input = redeemBodySchema.parse(JSON.parse(body));
          code = 'locator' in input ? input.locator : input.code;
        } catch {
          reply(400, { code: 'VALIDATION', message: 'Expected {"locator": "xxxx"} or, for the doctor code, {"code": "xxx-xxx-xxx"}', userMessage: 'Ungültige Eingabe.' });
          return;
        }
        redeemCode({ code, ip: clientIp(req) }).then(
          (result) => reply(200, result),
          (cause: unknown) => {
            const error = cause instanceof PvsKitError ? cause : new PvsKitError('INTERNAL', 'Redeem failed');
            reply(statusOf(error), { code: error.code, message: error.message, userMessage: error.userMessage });
          },
        );
      });
      return true;
    },
    redeemCode,
    issueDoctorTicket: (appointmentId, ttlMs = limits.tokenTtlMs) => signer.issueTicket(appointmentId, now(), ttlMs),
    sweep,
    stats() {
      let participants = 0;
      for (const room of rooms.values()) participants += room.participants.size;
      return { rooms: rooms.size, participants, connections: connections.size, ...counters };
    },
    dumpState() {
      return JSON.stringify(
        [...rooms.values()].map((room) => ({
          ...room,
          participants: [...room.participants.values()].map((p) => ({ ...p, conn: p.conn !== undefined, graceTimer: undefined })),
          orphans: [...room.orphans],
          recentPakeFailures: [...room.recentPakeFailures],
          departed: [...room.departed],
        })),
      );
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      clearInterval(sweeper);
      for (const room of rooms.values()) for (const p of room.participants.values()) if (p.graceTimer !== undefined) clearTimeout(p.graceTimer);
      for (const conn of connections) conn.ws.close(CLOSE_CODES.shutdown, 'shutdown');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Starts a standalone signaling server (HTTP + WebSocket) on `host:port`. */
export async function createSignalingServer(options: SignalingServerOptions): Promise<SignalingServer> {
  const service = createSignalingService(options);
  const host = options.host ?? '127.0.0.1';
  const httpServer = createServer((req, res) => {
    if (!service.handleRequest(req, res)) res.writeHead(404).end();
  });
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!service.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    ...service,
    url: `ws://${urlHost}:${port}${service.path}`,
    port,
    httpServer,
    async close() {
      await service.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
