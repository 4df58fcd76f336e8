import { createServer, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PvsKitError } from '@pvskit/core';
import { isLoopbackHost } from './auth.js';
import { createCdsHooksHandler, type CdsHooksHandlerOptions } from './handler.js';
import { sendJson } from './answer.js';
import { CdsHttpError } from './errors.js';

/** Shortest bearer token accepted wherever the CDS Hooks service is reachable beyond loopback (characters). */
export const MIN_CDS_TOKEN_LENGTH = 32;

/** Options of {@link startCdsHooksServer}: the handler's plus where to listen and the server timeouts. */
export interface CdsHooksServerOptions extends CdsHooksHandlerOptions, CdsServerTimeouts {
  /** Address to bind; default `127.0.0.1`. Any non-loopback address requires `token`. */
  host?: string;
  /** Port; default 0 (a free port, see {@link CdsHooksServer.port}). */
  port?: number;
  /** Minimum length of `token` on a non-loopback address; default {@link MIN_CDS_TOKEN_LENGTH}. */
  minTokenLength?: number;
  /** Listen backlog (pending connections); default 1024. */
  backlog?: number;
}

/** A running CDS Hooks server. */
export interface CdsHooksServer {
  /** Base URL, e.g. `http://127.0.0.1:43117` (discovery at `${url}/cds-services`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The underlying `node:http` server. */
  readonly server: Server;
  /** Stops accepting, closes idle and open connections, resolves when closed. */
  close(): Promise<void>;
}

/** Server timeouts against slow senders (slow-loris); see {@link cdsServerOptions}. */
export interface CdsServerTimeouts {
  /** Time to receive the request headers, in ms; default 10 000. */
  headersTimeoutMs?: number;
  /** Time to receive the whole request, in ms; default 30 000 (at least `headersTimeoutMs`). */
  requestTimeoutMs?: number;
  /** Idle time of a kept-alive connection, in ms; default 5 000. */
  keepAliveTimeoutMs?: number;
}

/**
 * `node:http` server options with the service's slow-loris guards, for a host that mounts
 * {@link createCdsHooksHandler} in its own server: `createServer(cdsServerOptions(), listener)`.
 * Node checks the timeouts on `connectionsCheckingInterval` (30 s by default); it is set below them here.
 */
export function cdsServerOptions(timeouts: CdsServerTimeouts = {}): ServerOptions {
  const headersTimeout = timeouts.headersTimeoutMs ?? 10_000;
  return {
    headersTimeout,
    requestTimeout: Math.max(timeouts.requestTimeoutMs ?? 30_000, headersTimeout),
    keepAliveTimeout: timeouts.keepAliveTimeoutMs ?? 5_000,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 2))),
  };
}

/**
 * The `clientError` handler for a server running {@link createCdsHooksHandler}: answers a malformed request
 * with 400 and closes the connection, but only once the answer to a call before it on the same connection has
 * left. Written at once, the 400 would overtake that answer (one waiting for the end of its event-loop turn with
 * `batchAnswers`, or for its plugin), and the client would take it for the answer to its earlier call. A
 * connection that has answered anything is closed without a 400.
 */
export function onCdsClientError(_error: Error, socket: Duplex): void {
  // Destroyed once the last bytes are out: a client that never reads would otherwise hold the socket half-open.
  const destroy = (): void => void socket.destroy();
  const close = (): void => {
    if (!socket.writable) socket.destroy();
    else if ((socket as Partial<Socket>).bytesWritten === 0) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', destroy);
    else socket.end(destroy);
  };
  // Node keeps the response being written on the socket as `_httpMessage` (set before the call's handler runs).
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending === undefined || pending === null || pending.writableFinished) {
    close();
    return;
  }
  let closed = false;
  const once = (): void => {
    if (closed) return;
    closed = true;
    close();
  };
  pending.once('finish', once);
  pending.once('close', once);
}

/**
 * Starts a standalone CDS Hooks service (discovery, cards, feedback, JSON Schemas) on `node:http`.
 * Binds 127.0.0.1 by default; refuses to bind any other address without a bearer token of at least
 * `minTokenLength` characters, so patient data never travels unauthenticated over a network. Without a token it
 * answers only requests addressed to a loopback name and not sent by a web page of another origin
 * ({@link CdsHooksHandlerOptions.loopbackOnly}). It writes answers in batches
 * ({@link CdsHooksHandlerOptions.batchAnswers}).
 *
 * @example
 * ```ts
 * const kit = createPvsKit({ plugins: [billingPlugin()] });
 * const cds = await startCdsHooksServer({ kit, port: 8723 });
 * console.log(`${cds.url}/cds-services`);
 * ```
 */
export async function startCdsHooksServer(options: CdsHooksServerOptions): Promise<CdsHooksServer> {
  const host = options.host ?? '127.0.0.1';
  const minTokenLength = options.minTokenLength ?? MIN_CDS_TOKEN_LENGTH;
  if (!isLoopbackHost(host) && (options.token === undefined || options.token.length < minTokenLength)) {
    throw new PvsKitError('CONFIG', `refusing to bind ${host} without a bearer token of at least ${minTokenLength} characters`, {
      userMessage: `Der pvskit-Dienst darf auf ${host} nur mit einem Zugangsschlüssel (mindestens ${minTokenLength} Zeichen) laufen.`,
      details: { host },
    });
  }
  const handler = createCdsHooksHandler({
    ...options,
    batchAnswers: options.batchAnswers ?? true,
  });
  const server = createServer(
    cdsServerOptions(options),
    (req, res) => {
      handler(req, res)
        .then((handled) => {
          if (!handled) {
            const error = new CdsHttpError(404, 'NOT_FOUND', `path ${req.url ?? ''} not found`, 'Nicht gefunden.');
            sendJson(res, 404, error.body(), req.complete ? {} : { connection: 'close' });
          }
        })
        .catch(() => res.destroy());
    },
  );
  // No inactivity timeout: a call may legitimately think for long (billing-export has a minute). Slow
  // senders are cut by headersTimeout/requestTimeout and the handler's body timeout, idle keep-alive
  // connections by keepAliveTimeout.
  server.timeout = 0;
  server.on('clientError', onCdsClientError);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(new PvsKitError('TRANSPORT', `cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error }));
    server.once('error', onError);
    server.listen({ port: options.port ?? 0, host, backlog: options.backlog ?? 1024 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
