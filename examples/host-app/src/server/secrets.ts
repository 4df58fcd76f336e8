import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PvsKitError } from '@pvskit/core';

/*
 * The server's secrets, kept away from the data: a stolen copy of the data folder (backup, old disk) must not
 * carry what opens it. They live in a directory only this user may read (0700, files 0600), by default
 * `$XDG_CONFIG_HOME/pvskit-host-app` (or `~/.config/pvskit-host-app`), elsewhere with `PVSKIT_SECRETS_DIR`.
 * Passwords are never stored: the practice types them at login; the keyring derives the key with Argon2id.
 */

/** What the server keeps between starts. */
export interface HostSecrets {
  v: 2;
  /** Server secret of the video service (code HMACs): with it and the database codes can be tested offline. */
  serverSecret: string;
  /** Signs doctor tickets and resume tokens; kept so a restarted server resumes running calls. */
  signalingSecret: string;
  /** This server as a device of the practice: the login proves it holds the key (keyring). */
  device: { id: string; secretKey: string };
}

/** Where the secrets directory is when none is configured. */
export function defaultSecretsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['PVSKIT_SECRETS_DIR'] !== undefined && env['PVSKIT_SECRETS_DIR'] !== '') return resolve(env['PVSKIT_SECRETS_DIR']);
  const config = env['XDG_CONFIG_HOME'] !== undefined && env['XDG_CONFIG_HOME'] !== '' ? env['XDG_CONFIG_HOME'] : join(homedir(), '.config');
  return join(config, 'pvskit-host-app');
}

function configError(message: string, userMessage: string): PvsKitError {
  return new PvsKitError('CONFIG', message, { userMessage });
}

/** The secrets file of one data file: one directory can serve several installations. */
export function secretsFileFor(secretsDir: string, dataFile: string): string {
  const dir = resolve(secretsDir);
  const dataDir = dirname(resolve(dataFile));
  const rel = relative(dataDir, dir);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw configError(
      `secrets directory ${dir} lies inside the data directory ${dataDir}; choose another (PVSKIT_SECRETS_DIR)`,
      'Das Verzeichnis für die Schlüssel darf nicht im Datenverzeichnis liegen.',
    );
  }
  const id = createHash('sha256').update(resolve(dataFile)).digest('hex').slice(0, 16);
  return join(dir, `host-app-${id}.json`);
}

function assertPrivate(path: string, mask: number): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & mask) !== 0) {
    throw configError(
      `${path} is readable by others (mode ${mode.toString(8)}); run chmod go-rwx on it`,
      'Die Schlüsseldatei der Praxissoftware ist für andere Benutzer lesbar. Bitte Zugriffsrechte einschränken.',
    );
  }
}

/** Reads the secrets; undefined when none exist yet. Refuses files or directories others may read. */
export function readSecrets(file: string): HostSecrets | undefined {
  if (!existsSync(file)) return undefined;
  if (process.platform !== 'win32') {
    assertPrivate(dirname(file), 0o077);
    assertPrivate(file, 0o077);
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HostSecrets>;
  if (parsed.v !== 2 || typeof parsed.serverSecret !== 'string' || typeof parsed.signalingSecret !== 'string' || parsed.device === undefined) {
    throw configError(`${file} is not a pvskit host-app secrets file (v2)`, 'Die Schlüsseldatei der Praxissoftware ist beschädigt.');
  }
  return parsed as HostSecrets;
}

export function writeSecrets(file: string, secrets: HostSecrets): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
}

export function removeSecrets(file: string): void {
  rmSync(file, { force: true });
}
