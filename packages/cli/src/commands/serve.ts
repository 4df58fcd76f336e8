import { PvsKitError, type Logger } from '@pvskit/core';
import { CliInputError } from '../errors.js';
import { EXIT_OK, type CliCommand, type CliIo } from '../io.js';
import { parseArgs } from '../input.js';

/** What `serve` needs of the sample host app (`@pvskit/host-app`'s `startHostApp`). */
export interface HostAppStarter {
  (options: { port: number; host: string; dataFile?: string; reset: boolean; cdsToken?: string; videoPostgres?: string; redis?: string; logger: Logger }): Promise<{
    url: string;
    dataFile: string;
    close(): Promise<void>;
  }>;
}

/** Options of one `serve` run after argument parsing. */
export interface ServeOptions {
  port: number;
  host: string;
  dataFile?: string;
  reset: boolean;
  /** PostgreSQL URL for the video store; from `--postgres` or, better (argv is visible to every user), `PVSKIT_VIDEO_POSTGRES`. */
  videoPostgres?: string;
  /** Redis URL that joins this instance's signaling to the others on it; from `--redis` or `PVSKIT_REDIS_URL`. */
  redis?: string;
}

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]+$/;
const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

/** Parses `[--port N] [--host H] [--data FILE] [--reset] [--postgres URL] [--redis URL]`; `env` supplies PVSKIT_VIDEO_POSTGRES and PVSKIT_REDIS_URL. */
export function parseServeArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ServeOptions {
  const { positional, values, flags } = parseArgs(args, { values: ['port', 'host', 'data', 'postgres', 'redis'], flags: ['reset'] });
  if (positional.length > 0) throw new CliInputError(undefined, `unexpected argument "${positional[0] ?? ''}"`);
  const portText = values.get('port') ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new CliInputError(undefined, `--port must be a number 0–65535, got "${portText}"`);
  const data = values.get('data');
  const fromEnv = env['PVSKIT_VIDEO_POSTGRES'];
  const postgres = values.get('postgres') ?? (fromEnv === '' ? undefined : fromEnv);
  if (postgres !== undefined && !POSTGRES_URL.test(postgres)) {
    const source = values.has('postgres') ? '--postgres' : 'PVSKIT_VIDEO_POSTGRES';
    throw new CliInputError(undefined, `${source} must be a postgres:// or postgresql:// URL`);
  }
  const redisFromEnv = env['PVSKIT_REDIS_URL'];
  const redis = values.get('redis') ?? (redisFromEnv === '' ? undefined : redisFromEnv);
  if (redis !== undefined && !REDIS_URL.test(redis)) {
    const source = values.has('redis') ? '--redis' : 'PVSKIT_REDIS_URL';
    throw new CliInputError(undefined, `${source} must be a redis:// or rediss:// URL`);
  }
  return {
    port: Number(portText),
    host: values.get('host') ?? '127.0.0.1',
    reset: flags.has('reset'),
    ...(data === undefined ? {} : { dataFile: data }),
    ...(postgres === undefined ? {} : { videoPostgres: postgres }),
    ...(redis === undefined ? {} : { redis }),
  };
}

/*
 * The host app is an example package, not a dependency of the CLI's API: it is loaded when `serve` runs, so
 * the other verbs work without it and a CLI installed without the example says so plainly.
 */
async function loadHostApp(): Promise<HostAppStarter> {
  const specifier = '@pvskit/host-app';
  let mod: { startHostApp?: unknown };
  try {
    mod = (await import(specifier)) as { startHostApp?: unknown };
  } catch (error) {
    throw new PvsKitError('CONFIG', `cannot load ${specifier} (${error instanceof Error ? error.message : String(error)}); run "npm run build" first`, {
      userMessage: 'Die Beispiel-Praxissoftware ist nicht installiert oder nicht gebaut ("npm run build").',
    });
  }
  if (typeof mod.startHostApp !== 'function') throw new PvsKitError('CONFIG', `${specifier} does not export startHostApp`);
  return mod.startHostApp as HostAppStarter;
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

/**
 * Builds the `serve` verb. `start` and `stopped` are injectable for tests; by default the host app is loaded
 * and the server runs until SIGINT/SIGTERM.
 */
export function createServeCommand(
  start: () => Promise<HostAppStarter> = loadHostApp,
  stopped: () => Promise<unknown> = untilSignal,
): CliCommand {
  return {
    name: 'serve',
    summary: 'sample host app (PVS in the browser) with signaling and CDS Hooks service',
    usage: 'pvskit serve [--port N] [--host H] [--data FILE] [--reset] [--postgres URL] [--redis URL]  (env PVSKIT_CDS_TOKEN, PVSKIT_VIDEO_POSTGRES, PVSKIT_REDIS_URL)',
    async run(args, io) {
      const options = parseServeArgs(args, io.env);
      const startHostApp = await start();
      let app;
      try {
        // The CDS Hooks token comes from the environment, never from argv (visible in the process list).
        const cdsToken = io.env['PVSKIT_CDS_TOKEN'];
        app = await startHostApp({ ...options, logger: stderrLogger(io), ...(cdsToken === undefined || cdsToken === '' ? {} : { cdsToken }) });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliInputError(undefined, `port ${options.port} on ${options.host} is already in use (try --port)`);
        if (code === 'EACCES') throw new CliInputError(undefined, `no permission to listen on ${options.host}:${options.port}`);
        throw error;
      }
      // The URL may carry a password: say which kind of store, not where.
      const videoStore = (options.videoPostgres === undefined ? '' : ', Videosprechstunde in PostgreSQL') + (options.redis === undefined ? '' : ', Signalisierung über Redis');
      io.stdout(`pvskit serve: ${app.url} (Daten: ${app.dataFile}${videoStore}) — beenden mit Strg+C\n`);
      await stopped();
      await app.close();
      return EXIT_OK;
    },
  };
}

/** `pvskit serve`: starts the sample host app. */
export const serveCommand: CliCommand = createServeCommand();
