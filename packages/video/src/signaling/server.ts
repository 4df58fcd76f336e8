import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { PvsKitError, silentLogger, type Logger } from '@pvskit/core';
import { WebSocketServer } from 'ws';
import type { AccessControl } from './access.js';
import { createAdmission } from './admission.js';
import { createSignalingCluster, type SignalingClusterOptions } from './cluster.js';
import { createSignalingContext, type SignalingInspectEvent } from './context.js';
import { startHousekeeping } from './housekeeping.js';
import { DEFAULT_SIGNALING_LIMITS, limitsSchema, type SignalingLimits } from './limits.js';
import { createMemoryMetadataStore, type SignalingMetadataStore } from './metadata.js';
import { CLOSE_CODES } from './protocol.js';
import { createRedeem, type RedeemResult } from './redeem.js';
import { createMemoryRoomStore, roomSnapshot } from './rooms.js';
import { TokenSigner } from './tokens.js';
import { createTransport } from './transport.js';

/*
 * The signaling relay, composed of rooms/admission (admission.ts, state in rooms.ts), transport (one socket),
 * redeem (`{path}/redeem`) and housekeeping (heartbeat, sweep); with Redis, cluster.ts routes each socket to
 * its room's instance. It routes opaque bodies; nothing it carries is trusted by the two ends (see
 * docs/security.md).
 */

export { DEFAULT_SIGNALING_LIMITS, type SignalingLimits } from './limits.js';
export type { SignalingInspectEvent } from './context.js';
export type { RedeemResult } from './redeem.js';
export type { SignalingClusterOptions } from './cluster.js';

/** Options of {@link createSignalingService}. */
export interface SignalingServiceOptions {
  /** Appointment access (codes, lockout, consent gate). */
  access: AccessControl;
  /** ≥ 32 bytes signing doctor tickets and resume tokens. Give the same secret to a restarted server, and to
   * every instance on one Redis, so calls resume; random (resume only within this process) if omitted. */
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
  /**
   * Redis (`redis://…` or options) to run several instances as one relay: rooms, admission, rate limits and
   * resume are shared, sockets stay where they land. Requires `secret`, the same on every instance.
   */
  redis?: string | SignalingClusterOptions;
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
  /** This instance's counters (with Redis: the rooms it owns and the sockets it holds). */
  stats(): SignalingStats;
  /** A JSON snapshot of this instance's server-side state (rooms, participants, queues), for audits. */
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

/** Creates the signaling logic; mount it with {@link SignalingService.handleUpgrade}. */
export function createSignalingService(options: SignalingServiceOptions): SignalingService {
  const limits: SignalingLimits = limitsSchema.parse({ ...DEFAULT_SIGNALING_LIMITS, ...options.limits });
  const now = options.now ?? Date.now;
  const path = options.path ?? '/signal';
  const clientIp = options.clientIp ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  if (options.redis !== undefined && options.secret === undefined) {
    // Each instance would draw its own: address pseudonyms (rate limits), tickets and resume tokens would differ
    // from one instance to the next, so every instance would grant a client its limits afresh.
    throw new PvsKitError('CONFIG', 'secret is required with redis: give every instance on one Redis the same secret');
  }
  const secret = options.secret ?? randomBytes(32);
  const cluster =
    options.redis === undefined
      ? undefined
      : createSignalingCluster(
          typeof options.redis === 'string' ? { url: options.redis } : options.redis,
          createHmac('sha256', secret).update('pvskit/signaling/address-pseudonym').digest(),
        );
  const memoryRooms = createMemoryRoomStore();
  const ctx = createSignalingContext({
    limits,
    now,
    access: options.access,
    signer: new TokenSigner(secret),
    logger: options.logger ?? silentLogger,
    metadata: options.metadata ?? createMemoryMetadataStore(),
    rooms: cluster === undefined ? memoryRooms : cluster.roomStore(memoryRooms),
    inspect: options.inspect,
    limiter: cluster?.limiter,
  });
  const admission = createAdmission(ctx);
  const onConnection = createTransport(ctx, admission);
  cluster?.start({
    rooms: ctx.rooms,
    accept: onConnection,
    adopt: admission.adopt,
    release(room) {
      admission.release(room);
      // Only this instance forgets it: the room's keys in Redis belong to the new owner.
      memoryRooms.delete(room.id);
    },
    roomMaxAgeMs: limits.roomMaxAgeMs,
    heartbeatMs: limits.heartbeatMs,
    logger: options.logger ?? silentLogger,
  });
  const route = cluster?.route ?? onConnection;
  const housekeeping = startHousekeeping(ctx, admission);
  const redeem = createRedeem(ctx);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, clientTracking: false });

  return {
    path,
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== path || ctx.closed) return false;
      wss.handleUpgrade(req, socket, head, (ws) => route(ws, clientIp(req)));
      return true;
    },
    handleRequest(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== `${path}/redeem`) return false;
      redeem.handle(req, res, clientIp(req));
      return true;
    },
    redeemCode: redeem.redeemCode,
    issueDoctorTicket: (appointmentId, ttlMs = limits.tokenTtlMs) => ctx.signer.issueTicket(appointmentId, now(), ttlMs),
    sweep: housekeeping.sweep,
    stats() {
      let participants = 0;
      for (const room of ctx.rooms.values()) participants += room.participants.size;
      return { rooms: ctx.rooms.size, participants, connections: ctx.connections.size, ...ctx.counters };
    },
    dumpState: () => JSON.stringify([...ctx.rooms.values()].map(roomSnapshot)),
    async close() {
      ctx.closed = true;
      housekeeping.stop();
      for (const room of ctx.rooms.values()) for (const p of room.participants.values()) if (p.graceTimer !== undefined) clearTimeout(p.graceTimer);
      for (const conn of ctx.connections) conn.ws.close(CLOSE_CODES.shutdown, 'shutdown');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await cluster?.close();
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
