import { PvsKitError, type Logger } from '@pvskit/core';
import type { AccessControl } from './access.js';
import type { SignalingLimits } from './limits.js';
import type { SignalingEventKind, SignalingMetadataStore } from './metadata.js';
import type { ServerMessage } from './protocol.js';
import { RateLimiter, type Limiter } from './rate-limit.js';
import type { Connection, Participant, Room, RoomStore } from './rooms.js';
import type { TokenSigner } from './tokens.js';

/** What passes through the server, for audits and tests that prove it holds no content. */
export interface SignalingInspectEvent {
  direction: 'in' | 'out' | 'store';
  data: string;
}

/** The rate limits of the relay (per IP key, per appointment). */
export interface SignalingLimiters {
  hello: Limiter;
  knockIp: Limiter;
  knockRoom: Limiter;
  redeem: Limiter;
}

/** Makes one limiter (in memory, or shared through Redis). */
export type LimiterFactory = (name: keyof SignalingLimiters, limit: number, windowMs: number) => Limiter;

/** What every part of the signaling server shares: ports, limits, clock, state and the ways to send. */
export interface SignalingContext {
  readonly limits: SignalingLimits;
  readonly now: () => number;
  readonly access: AccessControl;
  readonly signer: TokenSigner;
  readonly logger: Logger;
  readonly metadata: SignalingMetadataStore;
  readonly rooms: RoomStore;
  readonly connections: Set<Connection>;
  readonly limiters: SignalingLimiters;
  readonly counters: { messagesIn: number; messagesOut: number };
  readonly inspect: ((event: SignalingInspectEvent) => void) | undefined;
  /** Set once the server shuts down: dropped participants then keep their slots for a successor. */
  closed: boolean;
  /** Stores one metadata record of a room (bounded per room, no content). */
  record(room: Room, event: SignalingEventKind, extra?: { role?: 'doctor' | 'patient'; detail?: Record<string, string | number | boolean> }): void;
  sendRaw(conn: Connection, text: string): void;
  send(conn: Connection | undefined, msg: ServerMessage): void;
  /** Delivers now, or queues for a participant who is away (resume will flush). */
  deliver(p: Participant, msg: ServerMessage): void;
  /** Sends a fatal error and closes the connection. */
  fail(conn: Connection, error: PvsKitError, closeCode: number): void;
  warn(conn: Connection, error: PvsKitError): void;
  /** A resume token for a slot; it outlives its connection by the grace period only. */
  resumeToken(room: Room, p: Participant): string;
}

/** A refusal with a German message for the user. */
export function refusal(code: PvsKitError['code'], message: string, userMessage: string): PvsKitError {
  return new PvsKitError(code, message, { userMessage });
}

export function createSignalingContext(input: {
  limits: SignalingLimits;
  now: () => number;
  access: AccessControl;
  signer: TokenSigner;
  logger: Logger;
  metadata: SignalingMetadataStore;
  rooms: RoomStore;
  inspect: ((event: SignalingInspectEvent) => void) | undefined;
  limiter?: LimiterFactory | undefined;
}): SignalingContext {
  const { limits, now, metadata, logger, inspect, signer } = input;
  const limiter: LimiterFactory = input.limiter ?? ((_name, limit, windowMs) => new RateLimiter(limit, windowMs));
  const ctx: SignalingContext = {
    ...input,
    connections: new Set(),
    limiters: {
      hello: limiter('hello', limits.helloPerIpPerMinute, 60_000),
      knockIp: limiter('knockIp', limits.knocksPerIpPerMinute, 60_000),
      knockRoom: limiter('knockRoom', limits.knocksPerAppointmentPerMinute, 60_000),
      redeem: limiter('redeem', limits.redeemPerIpPerMinute, 60_000),
    },
    counters: { messagesIn: 0, messagesOut: 0 },
    closed: false,
    record(room, event, extra = {}) {
      input.rooms.touch(room.id);
      if (room.records >= limits.maxRecordsPerRoom) return;
      room.records++;
      const at = now();
      const entry = { appointmentId: room.id, event, ...extra, at, deleteAfter: at + limits.metadataTtlDays * 86_400_000 };
      inspect?.({ direction: 'store', data: JSON.stringify(entry) });
      void Promise.resolve(metadata.append(entry)).catch((cause: unknown) =>
        logger.error('signaling metadata append failed', { error: String(cause) }),
      );
    },
    sendRaw(conn, text) {
      if (conn.ws.readyState !== conn.ws.OPEN) return;
      ctx.counters.messagesOut++;
      inspect?.({ direction: 'out', data: text });
      conn.ws.send(text);
    },
    send(conn, msg) {
      if (conn !== undefined) ctx.sendRaw(conn, JSON.stringify(msg));
    },
    deliver(p, msg) {
      const text = JSON.stringify(msg);
      if (p.conn !== undefined) ctx.sendRaw(p.conn, text);
      else if (p.queue.length < limits.maxQueuedPerPeer) {
        p.queue.push(text);
        input.rooms.touch(p.appointmentId);
      }
    },
    fail(conn, error, closeCode) {
      ctx.send(conn, { t: 'error', code: error.code, message: error.message, userMessage: error.userMessage, fatal: true });
      conn.ws.close(closeCode, error.code);
    },
    warn(conn, error) {
      ctx.send(conn, { t: 'error', code: error.code, message: error.message, userMessage: error.userMessage, fatal: false });
    },
    // Connected participants get a fresh token with every heartbeat, so the one in hand at a drop still covers
    // the grace period.
    resumeToken: (room, p) =>
      signer.issueResume({ a: room.id, r: p.role, p: p.peerId, adm: p.admitted, exp: now() + limits.resumeGraceMs + limits.heartbeatMs }),
  };
  return ctx;
}
