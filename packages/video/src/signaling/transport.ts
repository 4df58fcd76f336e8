import { PvsKitError } from '@pvskit/core';
import type { WebSocket } from 'ws';
import { clientAddressKey } from '../base/client-address.js';
import type { Admission } from './admission.js';
import { refusal, type SignalingContext } from './context.js';
import { CLOSE_CODES, clientMessageSchema, type ClientMessage } from './protocol.js';
import type { Connection } from './rooms.js';

/*
 * Transport: one WebSocket connection from open to close. Frames are size- and rate-limited, parsed against
 * the wire schema, handled strictly in order, and dispatched to the room protocol (admission.ts).
 */

/** How long a new socket may take to say hello. */
const HELLO_TIMEOUT_MS = 10_000;

export function createTransport(ctx: SignalingContext, admission: Admission): (ws: WebSocket, ip: string) => void {
  const { limits, now } = ctx;

  const onMessage = async (conn: Connection, text: string): Promise<void> => {
    let parsed: ClientMessage;
    try {
      const result = clientMessageSchema.safeParse(JSON.parse(text));
      if (!result.success) throw new Error('schema');
      parsed = result.data;
    } catch {
      ctx.fail(conn, refusal('VALIDATION', 'Malformed signaling message', 'Ungültige Nachricht.'), CLOSE_CODES.protocol);
      return;
    }
    if (parsed.t === 'hello') {
      if (conn.participant !== undefined || conn.helloPending) {
        ctx.fail(conn, refusal('CONFLICT', 'Already joined', 'Bereits verbunden.'), CLOSE_CODES.protocol);
        return;
      }
      conn.helloPending = true;
      try {
        await admission.hello(conn, parsed);
      } finally {
        conn.helloPending = false;
      }
      return;
    }
    const room = conn.room;
    const self = conn.participant;
    if (room === undefined || self === undefined) {
      ctx.fail(conn, refusal('AUTH', 'Say hello first', 'Nicht angemeldet.'), CLOSE_CODES.protocol);
      return;
    }
    room.lastActivity = now();
    switch (parsed.t) {
      case 'relay':
        await admission.relay(conn, room, self, parsed);
        return;
      case 'admit':
        await admission.admit(conn, room, self, parsed.peer);
        return;
      case 'deny':
        admission.deny(room, self, parsed.peer);
        return;
      case 'pake-failed':
        await admission.pakeFailed(room, self, parsed.peer);
        return;
      case 'report':
        admission.report(room, self, parsed);
        return;
      case 'leave':
        admission.leave(conn, room, self);
        return;
    }
  };

  return (ws, ip) => {
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
    ctx.connections.add(conn);
    const helloTimer = setTimeout(() => {
      if (conn.participant === undefined) ws.close(CLOSE_CODES.timeout, 'no hello');
    }, HELLO_TIMEOUT_MS);
    ws.on('pong', () => {
      conn.alive = true;
    });
    // Messages of one connection are handled in order, even when a handler awaits the access port.
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      ctx.counters.messagesIn++;
      const t = now();
      if (t - conn.windowStart >= 1000) {
        conn.windowStart = t;
        conn.windowCount = 0;
      }
      if (++conn.windowCount > limits.messagesPerSecond) {
        ctx.fail(conn, refusal('RATE_LIMITED', 'Too many messages', 'Zu viele Nachrichten.'), CLOSE_CODES.rateLimited);
        return;
      }
      if (isBinary) {
        ctx.fail(conn, refusal('VALIDATION', 'Binary frames are not accepted', 'Ungültige Nachricht.'), CLOSE_CODES.protocol);
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      ctx.inspect?.({ direction: 'in', data: text });
      chain = chain
        .then(() => onMessage(conn, text))
        .catch((cause: unknown) => {
          const error = cause instanceof PvsKitError ? cause : new PvsKitError('INTERNAL', 'Signaling failure', { cause });
          if (!(cause instanceof PvsKitError)) ctx.logger.error('signaling handler failed', { error: String(cause) });
          const fatal = conn.participant === undefined || error.code === 'RATE_LIMITED';
          if (fatal) ctx.fail(conn, error, error.code === 'RATE_LIMITED' ? CLOSE_CODES.rateLimited : CLOSE_CODES.refused);
          else ctx.warn(conn, error);
        });
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      ctx.connections.delete(conn);
      admission.disconnected(conn);
    });
    ws.on('error', (error) => ctx.logger.warn('signaling socket error', { error: error.message }));
  };
}
