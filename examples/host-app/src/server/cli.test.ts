import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from '../testing/http-client.js';
import { parseHostAppArgs, runHostAppCli, type HostAppIo } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function memoryIo(env: NodeJS.ProcessEnv = {}): HostAppIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, out, err };
}

describe('pvskit-host-app command line', () => {
  it('parses the flags; the CDS token only from the environment', () => {
    expect(parseHostAppArgs([])).toEqual({ port: 8080, host: '127.0.0.1', reset: false });
    expect(
      parseHostAppArgs(['--port', '0', '--host', '::1', '--data', 'x.sqlite', '--reset', '--trust-proxy', '127.0.0.1,::1', '--public-host', 'praxis.example.de', '--secrets-dir', '/s'], {
        PVSKIT_CDS_TOKEN: 't'.repeat(40),
      }),
    ).toEqual({ port: 0, host: '::1', dataFile: 'x.sqlite', reset: true, trustedProxies: ['127.0.0.1', '::1'], publicHost: 'praxis.example.de', secretsDir: '/s', cdsToken: 't'.repeat(40) });
  });

  it('takes the video store and signaling URLs from --postgres/--redis or the environment, the flag first, and names the source of a bad one', () => {
    const pg = 'postgres://video:Geheim@db.internal/video';
    const redis = 'redis://:Geheim@redis.internal:6379/2';
    expect(parseHostAppArgs(['--postgres', pg, '--redis', redis])).toMatchObject({ videoPostgres: pg, redis });
    expect(parseHostAppArgs([], { PVSKIT_VIDEO_POSTGRES: pg, PVSKIT_REDIS_URL: redis })).toMatchObject({ videoPostgres: pg, redis });
    expect(parseHostAppArgs(['--postgres', 'postgresql://a@b/c'], { PVSKIT_VIDEO_POSTGRES: pg })).toMatchObject({ videoPostgres: 'postgresql://a@b/c' });
    expect(parseHostAppArgs([], { PVSKIT_VIDEO_POSTGRES: '', PVSKIT_REDIS_URL: '' })).toEqual({ port: 8080, host: '127.0.0.1', reset: false });
    expect(() => parseHostAppArgs(['--postgres', 'video.sqlite'])).toThrow(/--postgres must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => parseHostAppArgs([], { PVSKIT_REDIS_URL: 'localhost:6379' })).toThrow(/PVSKIT_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('refuses bad flags, a lone --tls-cert, unreadable files and an exposed host without TLS with exit code 2', async () => {
    for (const args of [['--port', 'abc'], ['--verbose'], ['extra'], ['--tls-cert', 'c.pem'], ['--tls-cert', join(dir, 'none.pem'), '--tls-key', join(dir, 'none.pem')], ['--host', '0.0.0.0', '--data', join(dir, 'x', 'd.sqlite'), '--secrets-dir', join(dir, 'xs')]]) {
      const io = memoryIo();
      expect(await runHostAppCli(args, io, () => Promise.resolve()), args.join(' ')).toBe(2);
      expect(io.err.join(''), args.join(' ')).toMatch(/^pvskit-host-app: /);
      expect(io.out).toEqual([]);
    }
  });

  it('starts, prints the URL and the demo login once (first start only), and stops', async () => {
    const args = ['--port', '0', '--data', join(dir, 'data', 'd.sqlite'), '--secrets-dir', join(dir, 'secrets')];
    const first = memoryIo();
    let served = 0;
    const stopAfterServing = async (io: { out: string[] }) => {
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(io.out.join(''))?.[1] ?? '';
      served = (await request(`${url}/api/state`)).status;
    };
    expect(await runHostAppCli(args, first, () => stopAfterServing(first))).toBe(0);
    expect(served).toBe(401);
    const text = first.out.join('');
    expect(text).toMatch(/Passwort: +Demo-/);
    expect(text).toContain('nur dieses eine Mal');
    // The log (stderr) never carries the password.
    const password = /Passwort: +(\S+)/.exec(text)?.[1] ?? '';
    expect(first.err.join('')).not.toContain(password);
    const second = memoryIo();
    expect(await runHostAppCli(args, second, () => Promise.resolve())).toBe(0);
    expect(second.out.join('')).not.toContain('Passwort');
  });
});
