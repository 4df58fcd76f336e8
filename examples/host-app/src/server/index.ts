/**
 * The sample host app: a small PVS in the browser that embeds every pvskit package. `pvskit serve` starts it.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, join, resolve } from 'node:path';
import { cdsServerOptions, createCdsHooksHandler, isLoopbackHost } from '@pvskit/adapters';
import { berlinDateTimeOf, silentLogger, type Logger } from '@pvskit/core';
import { createHostKit, registerApi } from './app.js';
import { dutyBundle } from './cases.js';
import { HttpError, Router, sendError } from './http.js';
import { loadIntegrations } from './load-integrations.js';
import { serveStatic, staticRoots } from './static.js';
import { HostStore } from './store.js';
import { startVideo, type VideoIntegration } from './video.js';
import { registerVideoRoutes } from './video-routes.js';

/** Options of {@link startHostApp}. */
export interface HostAppOptions {
  /** Port on `host`; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (the demo holds patient data: never on all interfaces by default). */
  host?: string;
  /** SQLite data file; created and seeded on first start. Default `.data/host-app.sqlite` in the working directory. */
  dataFile?: string;
  /** Delete the data files first and start with fresh demo data (and a freshly registered video practice). */
  reset?: boolean;
  /** Where the kit and the server log. Silent by default. */
  logger?: Logger;
  /**
   * Bearer token for the CDS Hooks service (`/cds-services`). Without one the service is only mounted on a
   * loopback address, where it serves the PVS on the same machine.
   */
  cdsToken?: string;
  /**
   * PostgreSQL URL for the video store (`pvskit serve --postgres` / `PVSKIT_VIDEO_POSTGRES`), for a video service
   * shared by several instances. Default: a SQLite file next to `dataFile`.
   */
  videoPostgres?: string;
  /**
   * Redis URL (`pvskit serve --redis` / `PVSKIT_REDIS_URL`): the signaling of several host-app instances on one
   * Redis acts as one relay (they must share the data file's secrets). Default: signaling in this process only.
   */
  redis?: string;
  /** "Today" for seeding (local date `YYYY-MM-DD`); default the current date in Europe/Berlin. */
  today?: string;
}

/** A running host app. */
export interface RunningHostApp {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  dataFile: string;
  /** Stops accepting connections, closes the signaling server and the data files. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Starts the sample host app and resolves once it listens and is ready. */
export async function startHostApp(options: HostAppOptions = {}): Promise<RunningHostApp> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const dataFile = resolve(options.dataFile ?? join('.data', 'host-app.sqlite'));
  const today = options.today ?? berlinDateTimeOf(new Date()).date;
  const roots = staticRoots();
  if (!roots.bundleBuilt) logger.warn('host-app: client bundle missing; run "npm run build"', { dir: roots.bundleDir });
  const store = HostStore.open(dataFile, { reset: options.reset === true, today });

  // Listen first: the video service needs the real base URL (port 0 = a free port) for invitation links.
  let handle: Handler | undefined;
  let upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;
  // The CDS Hooks service's limits (headers 10 s, request 30 s) also cut slow-loris connections to the app.
  const server: Server = createServer(cdsServerOptions(), (req, res) => {
    if (handle === undefined) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('Startet …');
      return;
    }
    void handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (upgrade === undefined) socket.destroy();
    else upgrade(req, socket, head);
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

  let video: VideoIntegration | undefined;
  try {
    const integrations = await loadIntegrations({ store, logger });
    try {
      // Patients get links below /video (join pages only), never the PVS pages at /.
      video = await startVideo({
        dataFile,
        reset: options.reset === true,
        baseUrl: `${url}/video`,
        settings: store.settings(),
        logger,
        postgresUrl: options.videoPostgres,
        redisUrl: options.redis,
      });
    } catch (error) {
      // The rest of the PVS works without video; the UI says the module is missing.
      logger.error('host-app: video consultation unavailable', { error: error instanceof Error ? error.message : String(error) });
    }
    // Run the rule engine once before the first request, so the first keystroke does not pay for warm-up.
    integrations.billing?.completeBundle(dutyBundle(store));
    const kit = createHostKit(integrations, logger);
    if (video !== undefined) kit.register(video.plugin);
    const cdsAllowed = options.cdsToken !== undefined || isLoopbackHost(host);
    if (!cdsAllowed) logger.warn('host-app: CDS Hooks service not mounted: listening beyond loopback needs a token (cdsToken)', { host });
    // The same kit answers the browser app and non-JS hosts over CDS Hooks (GET /cds-services, POST /cds-services/{id}).
    const cds = cdsAllowed ? createCdsHooksHandler({ kit, logger, ...(options.cdsToken === undefined ? {} : { token: options.cdsToken }) }) : undefined;
    const router = new Router();
    const extraFeatures = { cdsHooks: cds !== undefined, video: video !== undefined, signaling: video !== undefined };
    registerApi(router, { store, integrations, logger, exportDir: join(dirname(dataFile), 'exports') }, kit, () => extraFeatures);
    if (video !== undefined) registerVideoRoutes(router, store, kit, video);
    const signaling = video?.signaling;

    upgrade = (req, socket, head) => {
      if (signaling === undefined || !signaling.handleUpgrade(req, socket, head)) socket.destroy();
    };
    handle = async (req, res) => {
      const reqUrl = new URL(req.url ?? '/', url);
      try {
        if (signaling?.handleRequest(req, res) === true) return;
        if (await router.handle(req, res, reqUrl)) return;
        if (cds !== undefined && (await cds(req, res))) return;
        if (reqUrl.pathname.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `no route ${reqUrl.pathname}`, 'Unbekannte Adresse.');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD', 'method not allowed', 'Nicht erlaubt.');
        await serveStatic(req, res, reqUrl, roots);
      } catch (error) {
        sendError(res, error, (message, e) => logger.error(message, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
      }
    };
    logger.info('host-app: listening', { url, dataFile, video: video !== undefined });

    let closed: Promise<void> | undefined;
    return {
      url,
      port,
      dataFile,
      close() {
        closed ??= (async () => {
          await video?.close();
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
  } catch (error) {
    await video?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    store.close();
    throw error;
  }
}
