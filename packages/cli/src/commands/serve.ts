import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { cdsServerOptions, createCdsHooksHandler, isLoopbackHost, kvdtExportPlugin, MIN_CDS_TOKEN_LENGTH, onCdsClientError } from '@pvskit/adapters';
import { billingPlugin } from '@pvskit/billing';
import { createPvsKit, type Logger } from '@pvskit/core';
import type { SignalingService, VideoService } from '@pvskit/video';
import { CliInputError } from '../errors.js';
import { EXIT_OK, type CliCommand, type CliIo } from '../io.js';
import { parseArgs } from '../input.js';
import { VERBS } from './verbs.js';

/*
 * `pvskit serve`: the production services a PVS runs beside itself, nothing else: the CDS Hooks service
 * (billing, KVDT export) and, with a video store, the signaling server for video consultations. The sample
 * PVS in the browser is not part of the CLI; it has its own executable (`npm start`).
 */

/** Shortest secret (bytes after base64url decoding). */
const MIN_SECRET_BYTES = 32;
/** Retention maintenance of the video store (purge after the retention period): at start and hourly. */
const MAINTENANCE_INTERVAL_MS = 3600_000;

/** Options of one `serve` run after argument parsing. */
export interface ServeOptions {
  port: number;
  host: string;
  /** Directory the billing-export hook writes into; default `exports/` in the working directory. */
  exportDir?: string;
  /** SQLite file of the video service (shared with the PVS that books the appointments): mounts `/signal`. */
  videoStore?: string;
  /** PostgreSQL URL for the video store instead of a SQLite file; from `--postgres` or, better (argv is visible to every user), `PVSKIT_VIDEO_POSTGRES`. */
  videoPostgres?: string;
  /** Redis URL that joins this instance's signaling to the others on it; from `--redis` or `PVSKIT_REDIS_URL`. */
  redis?: string;
}

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]+$/;
const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

/** A URL option: the flag wins over the environment; a bad one names where it came from. */
function urlOption(values: ReadonlyMap<string, string>, env: Readonly<Record<string, string | undefined>>, flag: string, variable: string, pattern: RegExp, kind: string): string | undefined {
  const fromEnv = env[variable];
  const value = values.get(flag) ?? (fromEnv === '' ? undefined : fromEnv);
  if (value !== undefined && !pattern.test(value)) throw new CliInputError(undefined, `${values.has(flag) ? `--${flag}` : variable} must be a ${kind} URL`);
  return value;
}

/** Parses `[--port N] [--host H] [--export-dir DIR] [--video-store FILE | --postgres URL] [--redis URL]`; `env` supplies PVSKIT_VIDEO_POSTGRES and PVSKIT_REDIS_URL. */
export function parseServeArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ServeOptions {
  const { positional, values } = parseArgs(args, { values: ['port', 'host', 'export-dir', 'video-store', 'postgres', 'redis'], flags: [] });
  if (positional.length > 0) throw new CliInputError(undefined, `unexpected argument "${positional[0] ?? ''}"`);
  const portText = values.get('port') ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new CliInputError(undefined, `--port must be a number 0–65535, got "${portText}"`);
  const exportDir = values.get('export-dir');
  const videoStore = values.get('video-store');
  const postgres = urlOption(values, env, 'postgres', 'PVSKIT_VIDEO_POSTGRES', POSTGRES_URL, 'postgres:// or postgresql://');
  const redis = urlOption(values, env, 'redis', 'PVSKIT_REDIS_URL', REDIS_URL, 'redis:// or rediss://');
  if (videoStore !== undefined && postgres !== undefined) throw new CliInputError(undefined, '--video-store and --postgres name two video stores: give one');
  return {
    port: Number(portText),
    host: values.get('host') ?? '127.0.0.1',
    ...(exportDir === undefined ? {} : { exportDir }),
    ...(videoStore === undefined ? {} : { videoStore }),
    ...(postgres === undefined ? {} : { videoPostgres: postgres }),
    ...(redis === undefined ? {} : { redis }),
  };
}

function stderrLogger(io: CliIo): Logger {
  const line = (level: string) => (message: string, data?: Record<string, unknown>) =>
    io.stderr(`[${level}] ${message}${data === undefined ? '' : ` ${JSON.stringify(data)}`}\n`);
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}

/** Resolves when the process is asked to stop (Ctrl+C or SIGTERM). */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** A secret from the environment, never from argv (visible in the process list). */
function secretFromEnv(io: CliIo, name: string): Buffer {
  const text = io.env[name] ?? '';
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < MIN_SECRET_BYTES) throw new CliInputError(undefined, `${name} must hold at least ${MIN_SECRET_BYTES} random bytes, base64url-encoded`);
  return bytes;
}

interface Video {
  service: VideoService;
  signaling: SignalingService;
  timer: ReturnType<typeof setInterval>;
}

async function startVideoServices(io: CliIo, options: ServeOptions, baseUrl: string, logger: Logger): Promise<Video> {
  const serverSecret = secretFromEnv(io, 'PVSKIT_VIDEO_SERVER_SECRET');
  const signalingSecret = secretFromEnv(io, 'PVSKIT_SIGNALING_SECRET');
  // Loaded only with a video store: SQLite, libsodium and ws are tens of MiB a CDS-only service never needs.
  const { accessControlFromVideoService, createSignalingService, createVideoService, openPostgresStore, openSqliteStore } = await import('@pvskit/video');
  const store = options.videoPostgres === undefined ? openSqliteStore({ path: resolve(io.cwd, options.videoStore ?? 'video.sqlite') }) : openPostgresStore({ url: options.videoPostgres });
  const service = await createVideoService({ store, serverSecret, baseUrl, logger });
  const signaling = createSignalingService({
    access: accessControlFromVideoService({ service, store }),
    secret: signalingSecret,
    logger,
    path: '/signal',
    ...(options.redis === undefined ? {} : { redis: options.redis }),
  });
  const maintain = (): void => {
    try {
      const { purged } = service.runMaintenance();
      logger.info('pvskit serve: maintenance done', { ...purged });
    } catch (error) {
      logger.error('pvskit serve: maintenance failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  maintain();
  const timer = setInterval(maintain, MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return { service, signaling, timer };
}

function notFound(res: ServerResponse): void {
  const body = JSON.stringify({ error: { code: 'NOT_FOUND', message: 'not found', userMessage: 'Nicht gefunden.' } });
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** Builds the `serve` verb; `stopped` is injectable for tests (default: until SIGINT/SIGTERM). */
export function createServeCommand(stopped: (url: string) => Promise<unknown> = untilSignal): CliCommand {
  return {
    name: 'serve',
    ...VERBS.serve,
    async run(args, io) {
      const options = parseServeArgs(args, io.env);
      const token = io.env['PVSKIT_CDS_TOKEN'];
      if (token !== undefined && token !== '' && token.length < MIN_CDS_TOKEN_LENGTH) throw new CliInputError(undefined, `PVSKIT_CDS_TOKEN must have at least ${MIN_CDS_TOKEN_LENGTH} characters`);
      if (!isLoopbackHost(options.host) && (token === undefined || token === '')) {
        throw new CliInputError(undefined, `listening on ${options.host} needs a bearer token in PVSKIT_CDS_TOKEN (at least ${MIN_CDS_TOKEN_LENGTH} characters)`);
      }
      const logger = stderrLogger(io);
      const exportDir = resolve(io.cwd, options.exportDir ?? 'exports');
      const kit = createPvsKit({ plugins: [billingPlugin(), kvdtExportPlugin({ outDir: exportDir })], logger, timeoutsMs: { 'billing-export': 60_000 } });
      const cds = createCdsHooksHandler({ kit, logger, batchAnswers: true, ...(token === undefined || token === '' ? {} : { token }) });
      let signaling: SignalingService | undefined;
      const server = createServer(cdsServerOptions(), (req: IncomingMessage, res: ServerResponse) => {
        if (signaling?.handleRequest(req, res) === true) return;
        cds(req, res)
          .then((handled) => {
            if (!handled) notFound(res);
          })
          .catch(() => res.destroy());
      });
      // A malformed request's 400 waits for this turn's batched answers (onCdsClientError).
      server.on('clientError', onCdsClientError);
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (signaling === undefined || !signaling.handleUpgrade(req, socket, head)) socket.destroy();
      });
      try {
        await new Promise<void>((ok, fail) => {
          server.once('error', fail);
          server.listen(options.port, options.host, () => {
            server.off('error', fail);
            ok();
          });
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliInputError(undefined, `port ${options.port} on ${options.host} is already in use (try --port)`);
        if (code === 'EACCES') throw new CliInputError(undefined, `no permission to listen on ${options.host}:${options.port}`);
        throw error;
      }
      const port = (server.address() as AddressInfo).port;
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      let video: Video | undefined;
      try {
        if (options.videoStore !== undefined || options.videoPostgres !== undefined) {
          video = await startVideoServices(io, options, `${url}/video`, logger);
          signaling = video.signaling;
        }
        // The URLs may carry a password: say which kind of store, not where.
        const kinds = (options.videoPostgres === undefined ? '' : ', Videosprechstunde in PostgreSQL') + (options.redis === undefined ? '' : ', Signalisierung über Redis');
        io.stdout(`pvskit serve: ${url} (CDS Hooks: ${url}/cds-services${video === undefined ? '' : `; Signaling: ${url}/signal${kinds}`}) — beenden mit Strg+C\n`);
        await stopped(url);
      } finally {
        if (video !== undefined) {
          clearInterval(video.timer);
          await video.signaling.close();
          video.service.close();
        }
        await new Promise<void>((ok) => {
          server.close(() => ok());
          server.closeAllConnections();
        });
        kit.dispose();
      }
      return EXIT_OK;
    },
  };
}

/** `pvskit serve`: the production services. */
export const serveCommand: CliCommand = createServeCommand();
