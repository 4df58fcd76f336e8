import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/*
 * Throw-away PostgreSQL and Redis servers for tests: real servers from the Debian packages, on a free loopback
 * port, with all their files in a temp directory that is removed when they stop. A missing binary fails the
 * test with the package to install — a silent skip would let CI go green without ever touching the server.
 */

const STARTUP_MS = 30_000;
const SHUTDOWN_MS = 10_000;

/** Where the Debian package `postgresql` puts its server binaries: /usr/lib/postgresql/<major>/bin. */
export function findPostgresBin(root = '/usr/lib/postgresql'): string {
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres')) && existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = majors[0];
  if (newest === undefined) {
    throw new Error(
      `PostgreSQL server binaries (initdb, postgres) not found under ${root}/<version>/bin: ` +
        'install the Debian package "postgresql" (apt-get install -y --no-install-recommends postgresql)',
    );
  }
  return join(root, newest, 'bin');
}

/** The Debian package `redis-server` installs /usr/bin/redis-server. */
export function findRedisServer(candidates: readonly string[] = ['/usr/bin/redis-server', '/usr/sbin/redis-server']): string {
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(
      `redis-server not found (looked at ${candidates.join(', ')}): ` +
        'install the Debian package "redis-server" (apt-get install -y --no-install-recommends redis-server)',
    );
  }
  return found;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; tests run as root in CI, so the server runs as the package's `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root but there is no "postgres" system user: install the Debian package "postgresql"');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

interface Run {
  child: ChildProcess;
  output: () => string;
}

function run(command: string, args: readonly string[], options: { user?: { uid: number; gid: number } | undefined; env?: NodeJS.ProcessEnv } = {}): Run {
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'], LANG: 'C', LC_ALL: 'C', ...options.env },
    ...(options.user ?? {}),
  });
  let text = '';
  const collect = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => text };
}

function exited(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${String(child.spawnfile)} did not exit within ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function runToEnd(command: string, args: readonly string[], options: Parameters<typeof run>[2]): Promise<void> {
  const r = run(command, args, options);
  const code = await exited(r.child, STARTUP_MS);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${String(code)}):\n${r.output()}`);
}

/** Waits for `ready` to succeed, failing early when the server process has already died. */
async function waitUntil(r: Run, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (r.child.exitCode !== null) throw new Error(`${what} exited during start-up (exit ${r.child.exitCode}):\n${r.output()}`);
    if (await ready()) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  r.child.kill('SIGKILL');
  throw new Error(`${what} not ready within ${STARTUP_MS} ms:\n${r.output()}`);
}

async function stopProcess(r: Run, signal: NodeJS.Signals): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  r.child.kill(signal);
  try {
    await exited(r.child, SHUTDOWN_MS);
  } catch {
    r.child.kill('SIGKILL');
    await exited(r.child, SHUTDOWN_MS);
  }
}

/** A running throw-away PostgreSQL server. */
export interface TestPostgres {
  /** Connection URL of the `postgres` database (superuser `pvskit`, trust auth on loopback). */
  url: string;
  port: number;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Fast shutdown, then the data directory is removed. */
  stop(): Promise<void>;
}

/** Starts PostgreSQL: initdb into a temp dir, the server on a free 127.0.0.1 port, its socket in the temp dir. */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  if (user !== undefined) for (const p of [dir, sockets]) chownSync(p, user.uid, user.gid);
  const env = { HOME: dir };
  try {
    await runToEnd(join(bin, 'initdb'), ['-D', data, '-U', 'pvskit', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], { user, env });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const server = run(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    { user, env },
  );
  const url = `postgres://pvskit@127.0.0.1:${port}/postgres`;
  const canQuery = async (target: string): Promise<boolean> => {
    const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    await waitUntil(server, 'postgres', () => canQuery(url));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let databases = 0;
  return {
    url,
    port,
    async createDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://pvskit@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: open sessions are disconnected, no wait for clients.
      await stopProcess(server, 'SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A running throw-away Redis server (no persistence). */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free 127.0.0.1 port with persistence off, its working dir a temp dir. */
export async function startRedis(): Promise<TestRedis> {
  const binary = findRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-redis-'));
  const port = await freePort();
  const server = run(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
  try {
    await waitUntil(server, 'redis-server', () => Promise.resolve(server.output().includes('Ready to accept connections')));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stopProcess(server, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
