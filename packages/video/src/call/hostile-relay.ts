/**
 * Test-only: a hostile signaling operator in front of the real signaling server. It sees (and forwards) every
 * `/redeem` request and every WebSocket frame, and may drop, change or originate frames on either side, the
 * threat model of the video E2E design: the relay is not trusted. Not exported from the package entry point.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** A frame as the relay sees it (either direction), with the fields the attacks look at. */
export interface RelayFrame {
  t: string;
  to?: string;
  from?: string;
  body?: string;
  /** `deny`/`pake-failed`: the participant concerned. */
  peer?: string;
  peers?: { peerId: string; role: string }[];
  resumeToken?: string;
}

export const parseFrame = (text: string): RelayFrame => JSON.parse(text) as RelayFrame;

/** One proxied client connection, with the means to originate frames towards either end. */
export interface RelayedConnection {
  /** 0, 1, … in the order clients connected. */
  readonly id: number;
  /** The role this connection said hello with (once it did). */
  role: 'doctor' | 'patient' | undefined;
  toClient(text: string): void;
  toServer(text: string): void;
}

/** Returns the frames to forward instead of `text` (empty: drop). */
export type HostileHook = (direction: 'up' | 'down', text: string, connection: RelayedConnection) => string[];

export interface HostileRelay {
  /** `ws://127.0.0.1:port/signal`: give this to the clients instead of the real server. */
  readonly url: string;
  /** Every `/redeem` body the relay saw. */
  readonly redeemed: string[];
  /** Every frame the relay saw, both directions. */
  readonly frames: string[];
  setHook(hook: HostileHook): void;
  /** Kills every proxied connection (the clients see the relay go away). */
  dropAll(): void;
  close(): Promise<void>;
}

/** Starts a hostile relay on 127.0.0.1 (random port) forwarding to `upstream` (`ws://…/signal`). */
export async function startHostileRelay(upstream: string, path = '/signal'): Promise<HostileRelay> {
  const httpUpstream = upstream.replace(/^ws/, 'http');
  const redeemed: string[] = [];
  const frames: string[] = [];
  const sockets = new Set<WebSocket>();
  let hook: HostileHook = (_d, text) => [text];
  let next = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== `${path}/redeem` || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      redeemed.push(body);
      void fetch(`${httpUpstream}/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      const up = new WebSocket(upstream);
      sockets.add(client);
      sockets.add(up);
      const early: string[] = [];
      const text = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
      const conn: RelayedConnection = {
        id: next++,
        role: undefined,
        toClient: (t) => {
          if (client.readyState === client.OPEN) client.send(t);
        },
        toServer: (t) => {
          if (up.readyState === up.OPEN) up.send(t);
          else early.push(t);
        },
      };
      up.on('open', () => {
        for (const t of early.splice(0)) up.send(t);
      });
      client.on('message', (data) => {
        const t = text(data);
        frames.push(t);
        const msg = JSON.parse(t) as { t: string; role?: 'doctor' | 'patient' };
        if (msg.t === 'hello') conn.role = msg.role;
        for (const out of hook('up', t, conn)) conn.toServer(out);
      });
      up.on('message', (data) => {
        const t = text(data);
        frames.push(t);
        for (const out of hook('down', t, conn)) conn.toClient(out);
      });
      up.on('close', (code) => client.close(code >= 4000 ? code : 1000));
      client.on('close', () => up.close());
      up.on('error', () => client.close());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    redeemed,
    frames,
    setHook: (h) => {
      hook = h;
    },
    dropAll: () => {
      for (const s of sockets) s.terminate();
    },
    async close() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
