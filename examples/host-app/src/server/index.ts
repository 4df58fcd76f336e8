/**
 * The sample host app: a small PVS in the browser that embeds every pvskit package. `pvskit serve` starts it.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, join, resolve } from 'node:path';
import { cdsServerOptions, createCdsHooksHandler, isLoopbackHost, MIN_CDS_TOKEN_LENGTH } from '@pvskit/adapters';
import { berlinDateTimeOf, PvsKitError, silentLogger, type Logger } from '@pvskit/core';
import { accessOf, servedTo, type Access } from './access.js';
import { createHostKit, registerApi } from './app.js';
import { KnownBrowsers } from './auth/known-browsers.js';
import { registerLoginRoutes } from './auth/login-routes.js';
import { runAsPractice, SessionStore } from './auth/sessions.js';
import { addressKey, LoginThrottle } from './auth/throttle.js';
import { parsedDutyBundle } from './cases.js';
import { checkHost, checkOrigin, checkPeer, checkPracticeRead, checkStateChange, clientAddress, normaliseAddress, parsePatientOrigin, requestGuard, requestTarget } from './guard.js';
import { HttpError, Router, sendError, type MatchedRoute } from './http.js';
import { loadIntegrations } from './load-integrations.js';
import { startMaintenance, type Maintenance } from './maintenance.js';
import { defaultSecretsDir, secretsFileFor } from './secrets.js';
import { serveStatic, staticRoots } from './static.js';
import { HostStore } from './store.js';
import { startVideo, type DemoCredentials, type VideoIntegration } from './video.js';
import { registerVideoRoutes } from './video-routes.js';

export type { Access } from './access.js';
export type { DemoCredentials } from './video.js';

/** Options of {@link startHostApp}. */
export interface HostAppOptions {
  /** Port on `host`; 0 picks a free one. Default 8080. */
  port?: number;
  /**
   * Interface to listen on. Default `127.0.0.1` (the demo holds patient data: never on all interfaces by
   * default). Any other address needs `tls` or `trustedProxies`, and `publicHost`.
   */
  host?: string;
  /** SQLite data file; created and seeded on first start. Default `.data/host-app.sqlite` in the working directory. */
  dataFile?: string;
  /**
   * Directory of the server's secrets (device key, server secrets), never inside the data directory. Default
   * `PVSKIT_SECRETS_DIR`, else `$XDG_CONFIG_HOME/pvskit-host-app` (`~/.config/pvskit-host-app`).
   */
  secretsDir?: string;
  /** Directory the KVDT export writes into; default `exports/` beside the data file. */
  exportDir?: string;
  /** Delete the data files first and start with fresh demo data (and a freshly registered video practice). */
  reset?: boolean;
  /** Where the kit and the server log. Silent by default. */
  logger?: Logger;
  /**
   * Bearer token for the CDS Hooks service (`/cds-services`), at least 32 characters. Without one the service
   * is only mounted on a loopback address, where it serves the PVS on the same machine.
   */
  cdsToken?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Reverse-proxy mode: addresses of the TLS-terminating proxies in front of the app. Only requests from them
   * may name the client address (`X-Forwarded-For`); cookies are marked `Secure`.
   */
  trustedProxies?: readonly string[];
  /** The name browsers use for the app when it is not a loopback name, with `:port` unless 443/80. */
  publicHost?: string;
  /**
   * The patient pages' own origin, e.g. `https://video.praxis.example.de` (a second name for this server): the
   * join pages and their API are served only there, the PVS never there; invitation links point there.
   */
  patientOrigin?: string;
  /** Interval of the retention maintenance (purge of expired appointments, evidence, host links); default 1 h. */
  maintenanceIntervalMs?: number;
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

/** A route of the app server and who may call it. */
export interface HostRoute {
  method: string;
  path: string;
  access: Access;
}

/** A running host app. */
export interface RunningHostApp {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  dataFile: string;
  /** The secrets file (outside the data directory). */
  secretsFile: string;
  /** The demo practice's login, on the start that registered it only (show it once, then forget it). */
  firstStart?: DemoCredentials;
  /** Every router route and its access (the route-enumeration test and docs/security.md use it). */
  routes(): HostRoute[];
  /** Runs the retention maintenance now (as of `now`, default the clock); its counts. */
  runMaintenance(now?: Date): Record<string, number>;
  /** Stops accepting connections, ends the sessions, closes the signaling server and the data files. */
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function configError(message: string, userMessage: string): PvsKitError {
  return new PvsKitError('CONFIG', message, { userMessage });
}

/** Refuses configurations that would put patient data on a network unprotected. */
function assertSafeExposure(host: string, options: HostAppOptions): void {
  if (options.cdsToken !== undefined && options.cdsToken.length < MIN_CDS_TOKEN_LENGTH) {
    throw configError(
      `the CDS Hooks token must have at least ${MIN_CDS_TOKEN_LENGTH} characters`,
      `Der Zugangsschlüssel für den CDS-Hooks-Dienst muss mindestens ${MIN_CDS_TOKEN_LENGTH} Zeichen haben.`,
    );
  }
  if (options.patientOrigin !== undefined) {
    try {
      parsePatientOrigin(options.patientOrigin);
    } catch (error) {
      throw configError(error instanceof Error ? error.message : String(error), 'Die Adresse für die Patientenseiten ist ungültig (z. B. https://video.praxis.example.de).');
    }
  }
  if (isLoopbackHost(host)) return;
  if (options.tls === undefined && (options.trustedProxies ?? []).length === 0) {
    throw configError(
      `refusing to listen on ${host} without TLS (--tls-cert/--tls-key) or a trusted reverse proxy (--trust-proxy)`,
      `Die Praxissoftware läuft auf ${host} nur verschlüsselt (TLS) oder hinter einem Reverse-Proxy.`,
    );
  }
  if (options.publicHost === undefined) {
    throw configError(`listening on ${host} needs the name browsers use (--public-host)`, 'Bitte den öffentlichen Namen des Servers angeben (--public-host).');
  }
}

const notLoggedIn = (): HttpError => new HttpError(401, 'AUTH', 'login required', 'Bitte melden Sie sich an.');

/** Starts the sample host app and resolves once it listens and is ready. */
export async function startHostApp(options: HostAppOptions = {}): Promise<RunningHostApp> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  assertSafeExposure(host, options);
  const dataFile = resolve(options.dataFile ?? join('.data', 'host-app.sqlite'));
  const secretsFile = secretsFileFor(options.secretsDir ?? defaultSecretsDir(), dataFile);
  const exportDir = resolve(options.exportDir ?? join(dirname(dataFile), 'exports'));
  const today = options.today ?? berlinDateTimeOf(new Date()).date;
  const trustedProxies = new Set((options.trustedProxies ?? []).map(normaliseAddress));
  const behindProxy = trustedProxies.size > 0;
  // Without TLS of its own, the app behind a proxy answers the proxies only.
  const onlyPeers: ReadonlySet<string> = options.tls === undefined ? trustedProxies : new Set();
  const roots = staticRoots();
  if (!roots.bundleBuilt) logger.warn('host-app: client bundle missing; run "npm run build"', { dir: roots.bundleDir });
  const store = HostStore.open(dataFile, { reset: options.reset === true, today });

  // Listen first: the video service needs the real base URL (port 0 = a free port) for invitation links.
  let handle: Handler | undefined;
  let upgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (handle === undefined) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('Startet …');
      return;
    }
    void handle(req, res);
  };
  // The CDS Hooks service's limits (headers 10 s, request 30 s) also cut slow-loris connections to the app.
  const server: Server = options.tls === undefined ? createServer(cdsServerOptions(), listener) : createTlsServer({ ...cdsServerOptions(), ...options.tls }, listener);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgrade === undefined) socket.destroy();
    else upgrade(req, socket, head);
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', fail);
        ok();
      });
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls === undefined ? 'http' : 'https';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const publicUrl = options.publicHost === undefined ? url : `${options.tls !== undefined || behindProxy ? 'https' : 'http'}://${options.publicHost}`;
  let video: VideoIntegration | undefined;
  let maintenance: Maintenance | undefined;
  let sessions: SessionStore | undefined;
  try {
    const guard = requestGuard({
      port,
      listenHost: host,
      tls: options.tls !== undefined,
      behindProxy,
      ...(options.publicHost === undefined ? {} : { publicHost: options.publicHost }),
      ...(options.patientOrigin === undefined ? {} : { patientOrigin: options.patientOrigin }),
    });
    const patientBase = guard.patient?.origin ?? publicUrl;
    const integrations = await loadIntegrations({ store, logger, exportDir });
    try {
      // Patients get links below /video (join pages only), never the PVS pages at /.
      video = await startVideo({
        dataFile,
        secretsFile,
        reset: options.reset === true,
        baseUrl: `${patientBase}/video`,
        settings: store.settings(),
        logger,
        // Code guesses count per IPv6 /64 too, as failed logins do.
        clientIp: (req) => addressKey(clientAddress(req, trustedProxies)),
        postgresUrl: options.videoPostgres,
        redisUrl: options.redis,
      });
    } catch (error) {
      if (error instanceof PvsKitError && error.code === 'CONFIG') throw error;
      // The rest of the PVS needs a login, which needs the keyring: the UI says the module is missing.
      logger.error('host-app: video consultation unavailable', { error: error instanceof Error ? error.message : String(error) });
    }
    // Run the rule engine once before the first request, so the first keystroke does not pay for warm-up.
    integrations.billing?.completeBundle(parsedDutyBundle(store));
    const kit = createHostKit(integrations, logger);
    if (video !== undefined) kit.register(video.plugin);
    const cdsAllowed = options.cdsToken !== undefined || isLoopbackHost(host);
    if (!cdsAllowed) logger.warn('host-app: CDS Hooks service not mounted: listening beyond loopback needs a token (cdsToken)', { host });
    // The same kit answers the browser app and non-JS hosts over CDS Hooks (GET /cds-services, POST /cds-services/{id}).
    // The app's request guard checks Host (its public name too) and Origin on every request already.
    const cds = cdsAllowed
      ? createCdsHooksHandler({ kit, logger, loopbackOnly: false, ...(options.cdsToken === undefined ? {} : { token: options.cdsToken }) })
      : undefined;

    const live = video;
    const cookiePolicy = { secure: options.tls !== undefined || behindProxy };
    sessions = new SessionStore(cookiePolicy, (s) => live?.logout(s));
    // Without the video module nobody logs in, so a key of this run only is enough then.
    const knownBrowsers = new KnownBrowsers(video?.knownBrowserKey ?? randomBytes(32), cookiePolicy);
    const openSessions = sessions;
    const router = new Router();
    const extraFeatures = { cdsHooks: cds !== undefined, video: video !== undefined, signaling: video !== undefined };
    registerLoginRoutes(router, { sessions, throttle: new LoginThrottle(), knownBrowsers, login: video?.login, addressOf: (req) => clientAddress(req, trustedProxies), logger });
    registerApi(router, { store, integrations, logger, exportDir }, kit, () => extraFeatures);
    if (video !== undefined) registerVideoRoutes(router, store, kit, video);
    const signaling = video?.signaling;

    maintenance = startMaintenance({
      logger,
      ...(options.maintenanceIntervalMs === undefined ? {} : { intervalMs: options.maintenanceIntervalMs }),
      pass: (now) => {
        const counts: Record<string, number> = { sessionsExpired: openSessions.sweep() };
        if (live === undefined) return counts;
        const { purged, contractEnds } = live.service.runMaintenance(now);
        return {
          ...counts,
          ...purged,
          contractEnds: contractEnds.length,
          hostAppointmentLinks: store.purgeAppointmentLinks((id) => live.store.getAppointment(id) !== undefined),
        };
      },
    });

    const runRoute = async (route: MatchedRoute, req: IncomingMessage): Promise<void> => {
      if (accessOf(route) !== 'practice') return route.run();
      checkPracticeRead(req);
      const practice = openSessions.lookup(req);
      if (practice === undefined) throw notLoggedIn();
      return runAsPractice(practice, route.run);
    };

    upgrade = (req, socket, head) => {
      try {
        checkPeer(req, onlyPeers);
        checkOrigin(req, guard, checkHost(req, guard));
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 400;
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      if (signaling === undefined || !signaling.handleUpgrade(req, socket, head)) socket.destroy();
    };
    handle = async (req, res) => {
      try {
        // Refused before anything is read or routed: a foreign name, a cross-site write, a body that is not JSON.
        checkPeer(req, onlyPeers);
        const audience = checkHost(req, guard);
        checkStateChange(req, guard, audience);
        const reqUrl = requestTarget(req, url);
        if (guard.patient !== undefined && !servedTo(audience, reqUrl.pathname)) {
          throw new HttpError(404, 'NOT_FOUND', `${reqUrl.pathname} is not served to the ${audience} origin`, 'Diese Seite gibt es unter dieser Adresse nicht.');
        }
        if (signaling?.handleRequest(req, res) === true) return;
        const route = router.match(req, res, reqUrl);
        if (route !== undefined) return await runRoute(route, req);
        if (cds !== undefined && (await cds(req, res))) return;
        if (reqUrl.pathname.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `no route ${reqUrl.pathname}`, 'Unbekannte Adresse.');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD', 'method not allowed', 'Nicht erlaubt.');
        await serveStatic(req, res, reqUrl, roots);
      } catch (error) {
        sendError(res, error, (message, e) => logger.error(message, { error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
      }
    };
    logger.info('host-app: listening', { url, publicUrl, dataFile, secretsFile, video: video !== undefined });

    let closed: Promise<void> | undefined;
    const running: RunningHostApp = {
      url,
      port,
      dataFile,
      secretsFile,
      routes: () => router.routes().map((r) => ({ ...r, access: accessOf(r) })),
      runMaintenance: (now) => (maintenance as Maintenance).runNow(now),
      close() {
        closed ??= (async () => {
          maintenance?.stop();
          openSessions.closeAll();
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
    if (video?.firstStart !== undefined) running.firstStart = video.firstStart;
    return running;
  } catch (error) {
    maintenance?.stop();
    sessions?.closeAll();
    await video?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    store.close();
    throw error;
  }
}
