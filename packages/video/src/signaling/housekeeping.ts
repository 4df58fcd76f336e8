import type { Admission } from './admission.js';
import type { SignalingContext } from './context.js';
import { CLOSE_CODES } from './protocol.js';

/*
 * Housekeeping: the heartbeat (drops silent sockets, hands admitted participants a fresh resume token) and the
 * sweep (room expiry, forgotten PAKE failures, rate-limit maps, metadata purge). Every piece of state the
 * relay keeps has an end here.
 */

/** How long a counted PAKE failure is remembered (so double reports count once). */
const PAKE_FAILURE_MEMORY_MS = 60_000;

export interface Housekeeping {
  sweep(): Promise<number>;
  stop(): void;
}

export function startHousekeeping(ctx: SignalingContext, admission: Admission): Housekeeping {
  const { limits, now, logger } = ctx;

  const heartbeat = setInterval(() => {
    for (const conn of ctx.connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
      if (conn.room !== undefined && conn.participant?.admitted === true) {
        ctx.send(conn, { t: 'token', resumeToken: ctx.resumeToken(conn.room, conn.participant) });
      }
    }
  }, limits.heartbeatMs);
  heartbeat.unref?.();

  const sweep = async (): Promise<number> => {
    const t = now();
    for (const room of [...ctx.rooms.values()]) {
      const expiredByAge = t - room.createdAt > limits.roomMaxAgeMs;
      const idle = room.participants.size === 0 && t - room.lastActivity > limits.roomIdleTtlMs;
      if (!expiredByAge && !idle) continue;
      for (const p of [...room.participants.values()]) {
        p.conn?.ws.close(CLOSE_CODES.left, 'room expired');
        admission.removeParticipant(room, p, 'expired');
      }
      ctx.record(room, 'room-expired');
      ctx.rooms.delete(room.id);
    }
    for (const room of ctx.rooms.values()) {
      for (const [peer, at] of room.recentPakeFailures) if (t - at > PAKE_FAILURE_MEMORY_MS) room.recentPakeFailures.delete(peer);
    }
    for (const limiter of Object.values(ctx.limiters)) limiter.sweep(t);
    const removed = await ctx.metadata.purge(t);
    if (removed > 0) logger.info('signaling metadata purged', { removed });
    return removed;
  };
  const sweeper = setInterval(() => {
    void sweep().catch((cause: unknown) => logger.error('signaling sweep failed', { error: String(cause) }));
  }, limits.sweepIntervalMs);
  sweeper.unref?.();

  return {
    sweep,
    stop() {
      clearInterval(heartbeat);
      clearInterval(sweeper);
    },
  };
}
