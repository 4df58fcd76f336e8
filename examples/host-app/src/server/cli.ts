import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PvsKitError, type Logger } from '@pvskit/core';
import { startHostApp, type HostAppOptions, type RunningHostApp } from './index.js';

/*
 * `npm start` / `pvskit-host-app`: the sample PVS's own command line. The TLS, proxy and login-related flags
 * live here, not in the `pvskit` CLI, which serves only the production services.
 */

export const USAGE = `pvskit-host-app [--port N] [--host H] [--data FILE] [--reset]
  [--tls-cert FILE --tls-key FILE] [--trust-proxy ADDR[,ADDR]] [--public-host NAME[:PORT]]
  [--patient-origin URL] [--secrets-dir DIR] [--export-dir DIR] [--postgres URL] [--redis URL]
environment: PVSKIT_CDS_TOKEN (CDS Hooks bearer token, >= 32 characters), PVSKIT_SECRETS_DIR,
  PVSKIT_VIDEO_POSTGRES (video store in PostgreSQL), PVSKIT_REDIS_URL (signaling shared over Redis)`;

export interface HostAppIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** A command-line mistake: exit code 2 with the message. */
export class UsageError extends Error {}

/** Parses the flags into {@link HostAppOptions} (files are read here, so a wrong path is a usage error). */
export function parseHostAppArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): HostAppOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        reset: { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'trust-proxy': { type: 'string', multiple: true },
        'public-host': { type: 'string' },
        'patient-origin': { type: 'string' },
        'secrets-dir': { type: 'string' },
        'export-dir': { type: 'string' },
        postgres: { type: 'string' },
        redis: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const portText = v.port ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number 0–65535, got "${portText}"`);
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const proxies = (v['trust-proxy'] ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  const cdsToken = env['PVSKIT_CDS_TOKEN'];
  // URLs may carry a password: the environment is the better place (argv is visible to every user).
  const url = (flag: 'postgres' | 'redis', variable: string, pattern: RegExp, kind: string): string | undefined => {
    const fromEnv = env[variable];
    const value = v[flag] ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined && !pattern.test(value)) throw new UsageError(`${v[flag] === undefined ? variable : `--${flag}`} must be a ${kind} URL`);
    return value;
  };
  const videoPostgres = url('postgres', 'PVSKIT_VIDEO_POSTGRES', /^postgres(ql)?:\/\/\S+$/, 'postgres:// or postgresql://');
  const redis = url('redis', 'PVSKIT_REDIS_URL', /^rediss?:\/\/\S+$/, 'redis:// or rediss://');
  return {
    port: Number(portText),
    host: v.host ?? '127.0.0.1',
    reset: v.reset === true,
    ...(v.data === undefined ? {} : { dataFile: v.data }),
    ...(v['tls-cert'] === undefined || v['tls-key'] === undefined ? {} : { tls: { cert: read('--tls-cert', v['tls-cert']), key: read('--tls-key', v['tls-key']) } }),
    ...(proxies.length === 0 ? {} : { trustedProxies: proxies }),
    ...(v['public-host'] === undefined ? {} : { publicHost: v['public-host'] }),
    ...(v['patient-origin'] === undefined ? {} : { patientOrigin: v['patient-origin'] }),
    ...(v['secrets-dir'] === undefined ? {} : { secretsDir: v['secrets-dir'] }),
    ...(v['export-dir'] === undefined ? {} : { exportDir: v['export-dir'] }),
    ...(videoPostgres === undefined ? {} : { videoPostgres }),
    ...(redis === undefined ? {} : { redis }),
    // The token comes from the environment, never from argv (visible in the process list).
    ...(cdsToken === undefined || cdsToken === '' ? {} : { cdsToken }),
  };
}

function stderrLogger(io: HostAppIo): Logger {
  const line = (level: string) => (message: string, data?: Record<string, unknown>) =>
    io.stderr(`[${level}] ${message}${data === undefined ? '' : ` ${JSON.stringify(data)}`}\n`);
  return { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };
}

/** The first start's login, printed once to the terminal (never to the log, never stored). */
function credentialsNotice(app: RunningHostApp): string {
  const c = app.firstStart;
  if (c === undefined) return '';
  return [
    '',
    'Zugangsdaten der Demo-Praxis (werden nur dieses eine Mal angezeigt, bitte notieren):',
    `  Kurzname der Praxis: ${c.organisation}`,
    `  Benutzername:        ${c.user}`,
    `  Passwort:            ${c.password}`,
    `  Master-Passwort:     ${c.masterPassword}  (nur zur Wiederherstellung)`,
    '',
  ].join('\n');
}

/** Starts the host app from the command line; resolves with the exit code once `stopped` resolves. */
export async function runHostAppCli(argv: readonly string[], io: HostAppIo, stopped: () => Promise<unknown>): Promise<number> {
  let options: HostAppOptions;
  try {
    options = parseHostAppArgs(argv, io.env);
  } catch (error) {
    io.stderr(`pvskit-host-app: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  let app: RunningHostApp;
  try {
    app = await startHostApp({ ...options, logger: stderrLogger(io) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'EADDRINUSE'
        ? `port ${options.port ?? 8080} on ${options.host ?? '127.0.0.1'} is already in use (try --port)`
        : error instanceof PvsKitError
          ? `${error.message}\n${error.userMessage}`
          : error instanceof Error
            ? error.message
            : String(error);
    io.stderr(`pvskit-host-app: ${message}\n`);
    return code === 'EADDRINUSE' || code === 'EACCES' || (error instanceof PvsKitError && error.code === 'CONFIG') ? 2 : 1;
  }
  io.stdout(`pvskit Beispiel-PVS: ${app.url} (Daten: ${app.dataFile}; Schlüssel: ${app.secretsFile}) — beenden mit Strg+C\n${credentialsNotice(app)}`);
  await stopped();
  await app.close();
  return 0;
}
