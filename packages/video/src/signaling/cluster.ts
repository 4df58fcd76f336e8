import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PvsKitError, type Logger } from '@pvskit/core';
import { Redis } from 'ioredis';
import type { RawData, WebSocket } from 'ws';
import type { LimiterFactory } from './context.js';
import { CLOSE_CODES } from './protocol.js';
import type { Limiter } from './rate-limit.js';
import type { Participant, Room, RoomStore } from './rooms.js';

/*
 * Several relay processes on one Redis. Every room has one owner instance (a key in Redis, valid while the
 * owner's heartbeat key lives) that runs the unchanged room rules (admission.ts) single-threaded, so no rule
 * needs a distributed lock. A socket that lands on another instance is carried to the owner over the owner's
 * pub/sub channel, frame by frame. The owner writes each room's state (ids, roles, admission, IP, sealed queued
 * envelopes — never content) to Redis; when the owner dies, the next instance a client reaches takes the room
 * over from that state, and admitted participants resume there with their resume token (the signing secret is
 * shared). Rate limits are sorted sets in Redis, so an address meets one limit whichever instance it reaches.
 */

/** Options of the Redis coordination. */
export interface SignalingClusterOptions {
  /** `redis://host:port/db`. */
  url: string;
  /** Key and channel prefix (several deployments on one Redis). Default `pvskit:sig:`. */
  prefix?: string;
  /** An instance whose heartbeat key is older than this is taken for dead. Default 3000 ms. */
  instanceTtlMs?: number;
}

/** What the signaling service plugs in to run on a cluster. */
export interface ClusterHooks {
  /** Rooms of this instance (in memory). */
  rooms: RoomStore;
  /** Hands a socket to this instance's transport. */
  accept(ws: WebSocket, ip: string): void;
  /** Takes over a room read back from Redis. */
  adopt(room: Room): void;
  /** Gives up a room another instance now owns: its sockets here are closed (clients resume there). */
  release(room: Room): void;
  /** Longest a room lives (TTL of its keys). */
  roomMaxAgeMs: number;
  /** Ping interval of proxied sockets. */
  heartbeatMs: number;
  logger: Logger;
}

/** One instance's view of the cluster. */
export interface SignalingCluster {
  readonly instanceId: string;
  readonly limiter: LimiterFactory;
  /** Wraps the in-memory room store so room state is written through to Redis. */
  roomStore(local: RoomStore): RoomStore;
  /** Routes a new socket to the room's owner (this instance or another) once its hello names the room. */
  route(ws: WebSocket, ip: string): void;
  start(hooks: ClusterHooks): void;
  /** Writes out state, gives up room ownership, closes proxied sockets (clients resume elsewhere). */
  close(): Promise<void>;
}

/** A frame on an instance's channel. */
type Wire =
  | { k: 'open'; c: string; from: string; ip: string; room: string }
  | { k: 'msg'; c: string; d: string; b?: true }
  | { k: 'close'; c: string }
  | { k: 'send'; c: string; d: string }
  | { k: 'end'; c: string; code: number; reason: string };

/** A room as stored in Redis: plain data, sealed envelopes only. */
interface RoomRecord {
  id: string;
  maxParticipants: number;
  locked: boolean;
  createdAt: number;
  lastActivity: number;
  records: number;
  departed: string[];
  orphans: [string, string[]][];
  recentPakeFailures: [string, number][];
  participants: { peerId: string; role: 'doctor' | 'patient'; admitted: boolean; reported: boolean; queue: string[] }[];
}

/**
 * A restored participant's address until its socket comes back (every resume sets it from the connection):
 * the room state in Redis lives up to a room's maximum age and holds no client address.
 */
const ADDRESS_UNTIL_RECONNECT = 'unknown';

const toRecord = (room: Room): RoomRecord => ({
  id: room.id,
  maxParticipants: room.maxParticipants,
  locked: room.locked,
  createdAt: room.createdAt,
  lastActivity: room.lastActivity,
  records: room.records,
  departed: [...room.departed],
  orphans: [...room.orphans],
  recentPakeFailures: [...room.recentPakeFailures],
  participants: [...room.participants.values()].map((p) => ({ peerId: p.peerId, role: p.role, admitted: p.admitted, reported: p.reported, queue: p.queue })),
});

const fromRecord = (r: RoomRecord): Room => ({
  ...r,
  departed: new Set(r.departed),
  orphans: new Map(r.orphans),
  recentPakeFailures: new Map(r.recentPakeFailures),
  participants: new Map(
    r.participants.map((p): [string, Participant] => [
      p.peerId,
      { peerId: p.peerId, role: p.role, admitted: p.admitted, reported: p.reported, queue: p.queue, ip: ADDRESS_UNTIL_RECONNECT, appointmentId: r.id, conn: undefined, graceTimer: undefined },
    ]),
  ),
});

// The owner key stays with a live owner; a dead owner (no heartbeat key, or reported dead) is replaced.
const CLAIM = `
local o = redis.call('GET', KEYS[1])
if o and o ~= ARGV[4] and redis.call('EXISTS', ARGV[3] .. o) == 1 then return o end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

const TAKE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

type Commands = Redis & {
  claimRoom(key: string, me: string, ttl: number, instPrefix: string, dead: string): Promise<string>;
  takeRate(key: string, now: number, windowMs: number, limit: number, member: string): Promise<number>;
};

/** The owner's stand-in for a socket held by another instance. */
class RemoteSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  /** Settles once the transport listens (after the room was read back); frames wait on it, in order. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly publish: (to: string, msg: Wire) => Promise<number>,
    readonly home: string,
    readonly connId: string,
  ) {
    super();
  }

  send(text: string): void {
    if (this.readyState !== this.OPEN) return;
    void this.publish(this.home, { k: 'send', c: this.connId, d: text }).then((receivers) => {
      if (receivers === 0) this.gone();
    });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState !== this.OPEN) return;
    void this.publish(this.home, { k: 'end', c: this.connId, code, reason });
    this.gone();
  }

  terminate(): void {
    this.close(CLOSE_CODES.shutdown, 'terminated');
  }

  /** The instance holding the socket checks it is alive; here a ping is answered for it. */
  ping(): void {
    this.emit('pong');
  }

  /** The real socket (or its instance) is gone. Emitted later, as a real socket's close is. */
  gone(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setImmediate(() => this.emit('close'));
  }
}

/** Connects this instance to the cluster (connections are made in the background; commands wait for them). */
export function createSignalingCluster(options: SignalingClusterOptions, addressKey?: Uint8Array): SignalingCluster {
  const prefix = options.prefix ?? 'pvskit:sig:';
  // Limiter keys are client addresses: Redis keeps them only as a keyed pseudonym (same key on every instance,
  // from the shared secret), so a copy of Redis lists no one's address.
  const pseudonym = (key: string): string => (addressKey === undefined ? key : createHmac('sha256', addressKey).update(key).digest('base64url').slice(0, 22));
  const ttl = options.instanceTtlMs ?? 3000;
  if (!Number.isInteger(ttl) || ttl < 100) throw new PvsKitError('CONFIG', `redis.instanceTtlMs must be an integer ≥ 100 ms, got ${ttl}`);
  if (!/^rediss?:\/\//.test(options.url)) throw new PvsKitError('CONFIG', 'redis.url must be a redis:// or rediss:// URL');
  const instanceId = randomBytes(9).toString('base64url');
  const redis = new Redis(options.url, { maxRetriesPerRequest: 3 }) as Commands;
  const sub = new Redis(options.url);
  // Connection errors are retried by ioredis; commands that give up fail where they are awaited.
  for (const client of [redis, sub]) client.on('error', (error: Error) => hooks?.logger.warn('signaling cluster: Redis connection', { error: error.message }));
  redis.defineCommand('claimRoom', { numberOfKeys: 1, lua: CLAIM });
  redis.defineCommand('takeRate', { numberOfKeys: 1, lua: TAKE });
  const instKey = (id: string): string => `${prefix}inst:${id}`;
  const channel = (id: string): string => `${prefix}chan:${id}`;
  const ownerKey = (room: string): string => `${prefix}room:${room}:owner`;
  const stateKey = (room: string): string => `${prefix}room:${room}:state`;

  let hooks: ClusterHooks | undefined;
  let closed = false;
  let connSeq = 0;
  /** Sockets of other instances, by connection id, in rooms this instance owns. */
  const shims = new Map<string, RemoteSocket>();
  /** Sockets held here whose room another instance owns. */
  const proxies = new Map<string, { ws: WebSocket; owner: string; alive: boolean }>();
  const restoring = new Map<string, Promise<void>>();
  const touched = new Set<string>();
  let flushScheduled = false;

  // Redis unreachable counts as nobody listening: the socket cannot be served, so it closes and its client retries.
  const publish = (to: string, msg: Wire): Promise<number> =>
    redis.publish(channel(to), JSON.stringify(msg)).catch((cause: unknown) => {
      hooks?.logger.warn('signaling cluster: publish failed', { error: String(cause) });
      return 0;
    });
  /** Writes whose failure only delays cleanup (keys expire anyway). */
  const background = (write: Promise<unknown>): void => {
    write.catch((cause: unknown) => hooks?.logger.warn('signaling cluster: Redis write failed', { error: String(cause) }));
  };
  const need = (): ClusterHooks => {
    if (hooks === undefined) throw new Error('signaling cluster not started');
    return hooks;
  };

  const flush = async (): Promise<void> => {
    flushScheduled = false;
    const { rooms, roomMaxAgeMs } = need();
    const batch = redis.multi();
    for (const id of touched) {
      const room = rooms.get(id);
      if (room !== undefined) batch.set(stateKey(id), JSON.stringify(toRecord(room)), 'PX', roomMaxAgeMs);
    }
    touched.clear();
    await batch.exec();
  };

  const onWire = (text: string): void => {
    const msg = JSON.parse(text) as Wire;
    switch (msg.k) {
      case 'open': {
        const shim = new RemoteSocket(publish, msg.from, msg.c);
        shims.set(msg.c, shim);
        shim.once('close', () => shims.delete(msg.c));
        // This instance may own the room without holding it yet (taken over from a dead or stalled one).
        shim.ready = restore(msg.room).then(
          () => need().accept(shim as unknown as WebSocket, msg.ip),
          (cause: unknown) => {
            need().logger.error('signaling cluster: room not readable', { error: String(cause) });
            shim.close(CLOSE_CODES.shutdown, 'unavailable');
          },
        );
        return;
      }
      case 'msg': {
        const shim = shims.get(msg.c);
        void shim?.ready.then(() => shim.emit('message', Buffer.from(msg.d, 'utf8'), msg.b === true));
        return;
      }
      case 'close': {
        const shim = shims.get(msg.c);
        void shim?.ready.then(() => shim.gone());
        return;
      }
      case 'send': {
        const proxy = proxies.get(msg.c);
        if (proxy !== undefined && proxy.ws.readyState === proxy.ws.OPEN) proxy.ws.send(msg.d);
        return;
      }
      case 'end':
        proxies.get(msg.c)?.ws.close(msg.code, msg.reason);
        return;
    }
  };

  /** Reads a room back from Redis if this instance has just become its owner. */
  const restore = (appointmentId: string): Promise<void> => {
    const { rooms, adopt } = need();
    if (rooms.get(appointmentId) !== undefined) return Promise.resolve();
    const running = restoring.get(appointmentId);
    if (running !== undefined) return running;
    const job = redis
      .get(stateKey(appointmentId))
      .then((text) => {
        if (text !== null && rooms.get(appointmentId) === undefined) adopt(fromRecord(JSON.parse(text) as RoomRecord));
      })
      .finally(() => restoring.delete(appointmentId));
    restoring.set(appointmentId, job);
    return job;
  };

  const ownerDied = (owner: string): void => {
    background(redis.del(instKey(owner)));
    for (const [c, proxy] of proxies) {
      if (proxy.owner !== owner) continue;
      proxies.delete(c);
      proxy.ws.close(CLOSE_CODES.shutdown, 'instance gone');
    }
  };

  /** Carries the socket to `owner`; false if nobody listens there. Frames keep arriving into `buffered` until then. */
  const proxy = async (ws: WebSocket, ip: string, room: string, owner: string, buffered: [RawData, boolean][], collect: (data: RawData, isBinary: boolean) => void): Promise<boolean> => {
    const c = `${instanceId}.${++connSeq}`;
    const text = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
    if ((await publish(owner, { k: 'open', c, from: instanceId, ip, room })) === 0) return false;
    if (ws.readyState !== ws.OPEN) {
      void publish(owner, { k: 'close', c });
      return true;
    }
    const entry = { ws, owner, alive: true };
    proxies.set(c, entry);
    const forward = (data: RawData, isBinary: boolean): void => {
      entry.alive = true;
      void publish(owner, isBinary ? { k: 'msg', c, d: text(data), b: true } : { k: 'msg', c, d: text(data) }).then((n) => {
        if (n === 0) ownerDied(owner);
      });
    };
    ws.off('message', collect);
    for (const [data, isBinary] of buffered) forward(data, isBinary);
    ws.on('message', forward);
    ws.on('pong', () => {
      entry.alive = true;
    });
    ws.on('close', () => {
      if (proxies.delete(c)) void publish(owner, { k: 'close', c });
    });
    return true;
  };

  const route = (ws: WebSocket, ip: string): void => {
    const buffered: [RawData, boolean][] = [];
    const collect = (data: RawData, isBinary: boolean): void => {
      buffered.push([data, isBinary]);
      if (buffered.length > 1) return;
      decide().catch((cause: unknown) => {
        // Redis unreachable: the client retries (as after a restart) rather than waiting on a socket nobody serves.
        need().logger.error('signaling cluster routing failed', { error: String(cause) });
        clearTimeout(timer);
        ws.close(CLOSE_CODES.shutdown, 'unavailable');
      });
    };
    ws.on('message', collect);
    const timer = setTimeout(() => ws.close(CLOSE_CODES.timeout, 'no hello'), 10_000);
    const local = (): void => {
      need().accept(ws, ip);
      for (const [data, isBinary] of buffered) ws.emit('message', data, isBinary);
    };
    const decide = async (): Promise<void> => {
      const first = buffered[0];
      let appointmentId: string | undefined;
      try {
        const hello = first !== undefined && !first[1] ? (JSON.parse(Buffer.from(first[0] as ArrayBuffer).toString('utf8')) as unknown) : undefined;
        const id = typeof hello === 'object' && hello !== null ? (hello as Record<string, unknown>)['appointmentId'] : undefined;
        if (typeof id === 'string' && id.length > 0 && id.length <= 128) appointmentId = id;
      } catch {
        // not JSON: the local transport refuses it
      }
      let dead = '';
      for (;;) {
        // A claim lives briefly until a room really opens (an unknown appointment id leaves nothing for long).
        const owner = appointmentId === undefined ? instanceId : await redis.claimRoom(ownerKey(appointmentId), instanceId, 2 * ttl, `${prefix}inst:`, dead);
        if (ws.readyState !== ws.OPEN) return;
        if (owner === instanceId) {
          if (appointmentId !== undefined) await restore(appointmentId);
          clearTimeout(timer);
          ws.off('message', collect);
          local();
          return;
        }
        if (appointmentId !== undefined && (await proxy(ws, ip, appointmentId, owner, buffered, collect))) {
          clearTimeout(timer);
          return;
        }
        // Nobody listens on the owner's channel: it died before its heartbeat key expired.
        dead = owner;
        background(redis.del(instKey(owner)));
      }
    };
  };

  let beat: ReturnType<typeof setInterval> | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  /**
   * An instance that stalled past its heartbeat (or looked dead for a moment) may find its rooms taken over: it
   * lets them go, so a room is never served by two instances for long.
   */
  const checkOwnership = async (): Promise<void> => {
    const { rooms, release } = need();
    const held = [...rooms.values()];
    if (held.length === 0) return;
    const owners = await redis.mget(...held.map((r) => ownerKey(r.id)));
    held.forEach((room, i) => {
      const owner = owners[i];
      if (owner !== null && owner !== undefined && owner !== instanceId) release(room);
    });
  };

  const heartbeat = async (): Promise<void> => {
    await redis.set(instKey(instanceId), '1', 'PX', ttl);
    await checkOwnership();
    const watched = new Set<string>([...shims.values()].map((s) => s.home));
    for (const p of proxies.values()) watched.add(p.owner);
    for (const id of watched) {
      if ((await redis.exists(instKey(id))) === 1) continue;
      for (const shim of shims.values()) if (shim.home === id) shim.gone();
      ownerDied(id);
    }
  };

  return {
    instanceId,
    limiter: (name, limit, windowMs): Limiter => ({
      limit,
      windowMs,
      take: async (key, now) => (await redis.takeRate(`${prefix}rl:${name}:${pseudonym(key)}`, now, windowMs, limit, `${now}:${randomBytes(6).toString('base64url')}`)) === 1,
      // Redis drops a key when its window has passed (PEXPIRE).
      sweep: () => undefined,
    }),
    roomStore: (local) => ({
      get: (id) => local.get(id),
      set(room) {
        local.set(room);
        background(redis.pexpire(ownerKey(room.id), need().roomMaxAgeMs));
        this.touch(room.id);
      },
      delete(id) {
        local.delete(id);
        touched.delete(id);
        background(redis.del(stateKey(id), ownerKey(id)));
      },
      get size() {
        return local.size;
      },
      values: () => local.values(),
      touch(id) {
        touched.add(id);
        if (flushScheduled || closed) return;
        flushScheduled = true;
        setImmediate(() => void flush().catch((cause: unknown) => need().logger.error('signaling cluster write failed', { error: String(cause) })));
      },
    }),
    route,
    start(h) {
      hooks = h;
      sub.on('message', (_channel: string, text: string) => {
        try {
          onWire(text);
        } catch (cause) {
          h.logger.error('signaling cluster frame failed', { error: String(cause) });
        }
      });
      // Until subscribed, frames for this instance reach nobody and senders take it for dead: their clients retry.
      background(sub.subscribe(channel(instanceId)));
      background(heartbeat());
      beat = setInterval(() => void heartbeat().catch((cause: unknown) => h.logger.warn('signaling cluster heartbeat failed', { error: String(cause) })), Math.max(50, Math.floor(ttl / 3)));
      beat.unref?.();
      pinger = setInterval(() => {
        for (const p of proxies.values()) {
          if (!p.alive) p.ws.terminate();
          p.alive = false;
          p.ws.ping();
        }
      }, h.heartbeatMs);
      pinger.unref?.();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(beat);
      clearInterval(pinger);
      for (const p of proxies.values()) p.ws.close(CLOSE_CODES.shutdown, 'shutdown');
      proxies.clear();
      sub.disconnect();
      try {
        // Rooms stay readable for whichever instance their clients reach next.
        const mine = hooks === undefined ? [] : [...hooks.rooms.values()].map((r) => r.id);
        for (const id of mine) touched.add(id);
        if (hooks !== undefined) await flush();
        if (mine.length > 0) await redis.del(...mine.map(ownerKey));
        await redis.del(instKey(instanceId));
        await redis.quit();
      } catch (cause) {
        hooks?.logger.warn('signaling cluster: state not written at shutdown', { error: String(cause) });
        redis.disconnect();
      }
    },
  };
}
