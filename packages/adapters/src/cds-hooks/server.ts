import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PvsKitError } from '@pvskit/core';
import { isLoopbackHost } from './auth.js';
import { createCdsHooksHandler, type CdsHooksHandlerOptions } from './handler.js';
import { CdsHttpError, sendJson } from './errors.js';

/** Options of {@link startCdsHooksServer}: the handler's plus where to listen and the server timeouts. */
export interface CdsHooksServerOptions extends CdsHooksHandlerOptions {
  /** Address to bind; default `127.0.0.1`. Any non-loopback address requires `token`. */
  host?: string;
  /** Port; default 0 (a free port, see {@link CdsHooksServer.port}). */
  port?: number;
  /** Time to receive the request headers, in ms (slow-loris guard); default 10 000. */
  headersTimeoutMs?: number;
  /** Time to receive the whole request, in ms; default 30 000. */
  requestTimeoutMs?: number;
  /** Idle time of a kept-alive connection, in ms; default 5 000. */
  keepAliveTimeoutMs?: number;
  /** Minimum length of `token` on a non-loopback address; default 32 characters. */
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

/**
 * Starts a standalone CDS Hooks service (discovery, cards, feedback, JSON Schemas) on `node:http`.
 * Binds 127.0.0.1 by default; refuses to bind any other address without a bearer token of at least
 * `minTokenLength` characters, so patient data never travels unauthenticated over a network.
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
  const minTokenLength = options.minTokenLength ?? 32;
  if (!isLoopbackHost(host) && (options.token === undefined || options.token.length < minTokenLength)) {
    throw new PvsKitError('CONFIG', `refusing to bind ${host} without a bearer token of at least ${minTokenLength} characters`, {
      userMessage: `Der pvskit-Dienst darf auf ${host} nur mit einem Zugangsschlüssel (mindestens ${minTokenLength} Zeichen) laufen.`,
      details: { host },
    });
  }
  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const requestTimeoutMs = Math.max(options.requestTimeoutMs ?? 30_000, headersTimeoutMs);
  const handler = createCdsHooksHandler(options);
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // Node checks the two timeouts above on this interval (default 30 s): keep it below them.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 2))),
    },
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
  // An idle connection that never sends a request line is closed too.
  server.timeout = Math.max(requestTimeoutMs, 1_000);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
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
