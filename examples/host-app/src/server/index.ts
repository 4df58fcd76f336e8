/**
 * The sample host app: a small PVS in the browser that embeds every pvskit package. `pvskit serve` starts it.
 *
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createCdsHooksHandler, isLoopbackHost } from '@pvskit/adapters';
import { berlinDateTimeOf, silentLogger, type Logger } from '@pvskit/core';
import { registerApi, createHostKit } from './app.js';
import { HttpError, Router, sendError } from './http.js';
import { loadIntegrations } from './load-integrations.js';
import { serveStatic, staticRoots } from './static.js';
import { HostStore } from './store.js';

/** Options of {@link startHostApp}. */
export interface HostAppOptions {
  /** Port on `host`; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (the demo holds patient data: never on all interfaces by default). */
  host?: string;
  /** SQLite data file; created and seeded on first start. Default `.data/host-app.sqlite` in the working directory. */
  dataFile?: string;
  /** Delete the data file first and start with fresh demo data. */
  reset?: boolean;
  /** Where the kit and the server log. Silent by default. */
  logger?: Logger;
  /**
   * Bearer token for the CDS Hooks service (`/cds-services`). Without one the service is only mounted on a
   * loopback address, where it serves the PVS on the same machine.
   */
  cdsToken?: string;
  /** "Today" for seeding (local date `YYYY-MM-DD`); default the current date in Europe/Berlin. */
  today?: string;
}

/** A running host app. */
export interface RunningHostApp {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  dataFile: string;
  /** Stops accepting connections, closes the signaling server and the data file. */
  close(): Promise<void>;
}

/** Starts the sample host app and resolves once it listens. */
export async function startHostApp(options: HostAppOptions = {}): Promise<RunningHostApp> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const dataFile = resolve(options.dataFile ?? join('.data', 'host-app.sqlite'));
  const today = options.today ?? berlinDateTimeOf(new Date()).date;
  const store = HostStore.open(dataFile, { reset: options.reset === true, today });
  const integrations = await loadIntegrations({ store, logger });
  const kit = createHostKit(integrations, logger);
  const router = new Router();
  const cdsAllowed = options.cdsToken !== undefined || isLoopbackHost(host);
  if (!cdsAllowed) logger.warn('host-app: CDS Hooks service not mounted: listening beyond loopback needs a token (cdsToken)', { host });
  // The same kit answers the browser app and non-JS hosts over CDS Hooks (GET /cds-services, POST /cds-services/{id}).
  const cds = cdsAllowed ? createCdsHooksHandler({ kit, logger, ...(options.cdsToken === undefined ? {} : { token: options.cdsToken }) }) : undefined;
  const extraFeatures = { cdsHooks: cds !== undefined };
  registerApi(router, { store, integrations, logger, exportDir: join(dirname(dataFile), 'exports') }, kit, () => extraFeatures);
  const roots = staticRoots();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    void (async () => {
      try {
        if (await router.handle(req, res, url)) return;
        if (cds !== undefined && (await cds(req, res))) return;
        if (url.pathname.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `no route ${url.pathname}`, 'Unbekannte Adresse.');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD', 'method not allowed', 'Nicht erlaubt.');
        await serveStatic(req, res, url, roots);
      } catch (error) {
        sendError(res, error, (message, e) => logger.error(message, { error: e instanceof Error ? e.stack ?? e.message : String(e) }));
      }
    })();
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info('host-app: listening', { url, dataFile });

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    dataFile,
    close() {
      closed ??= (async () => {
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
        kit.dispose();
        store.close();
      })();
      return closed;
    },
  };
}
