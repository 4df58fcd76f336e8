import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// A complete case as the KVDT writer's own tests use it.
import { sampleCaseInput } from '../../../adapters/test/kvdt-sample.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';
import { createServeCommand, parseServeArgs } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'pvskit-serve-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function memoryIo(env: Record<string, string> = {}): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdin: new PassThrough(), stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir, env, out, err };
}

const secret = (): string => randomBytes(32).toString('base64url');

/** Status of a GET with headers fetch may not set (Host). */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('pvskit serve', () => {
  it('parses port, host, export directory and video store', () => {
    expect(parseServeArgs([])).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(parseServeArgs(['--port', '0', '--host', '::1', '--export-dir', 'out', '--video-store', 'v.sqlite'])).toEqual({ port: 0, host: '::1', exportDir: 'out', videoStore: 'v.sqlite' });
    expect(parseServeArgs(['--port=9000'])).toMatchObject({ port: 9000 });
  });

  const urlOptions = [
    { flag: '--postgres', env: 'PVSKIT_VIDEO_POSTGRES', key: 'videoPostgres', url: 'postgres://video:Geheim@db.internal:5432/video', alternative: 'postgresql://a@b/c', bad: ['video.sqlite', 'mysql://x'], refusal: /must be a postgres:\/\/ or postgresql:\/\/ URL/ },
    { flag: '--redis', env: 'PVSKIT_REDIS_URL', key: 'redis', url: 'redis://:Geheim@redis.internal:6379/2', alternative: 'rediss://r', bad: ['localhost:6379', 'http://x'], refusal: /must be a redis:\/\/ or rediss:\/\/ URL/ },
  ] as const;
  it.each(urlOptions)('takes $key from $flag or $env, the flag first, and names the source of a bad one', ({ flag, env, key, url, alternative, bad, refusal }) => {
    expect(parseServeArgs([flag, url])).toMatchObject({ [key]: url });
    expect(parseServeArgs([], { [env]: url })).toMatchObject({ [key]: url });
    expect(parseServeArgs([flag, alternative], { [env]: url })).toMatchObject({ [key]: alternative });
    expect(parseServeArgs([], { [env]: '' })).not.toHaveProperty(key);
    expect(() => parseServeArgs([flag, bad[0]])).toThrow(new RegExp(`${flag} ${refusal.source}`));
    expect(() => parseServeArgs([], { [env]: bad[1] })).toThrow(new RegExp(`${env} ${refusal.source}`));
  });

  it('refuses two video stores at once', () => {
    expect(() => parseServeArgs(['--video-store', 'v.sqlite', '--postgres', 'postgres://a@b/c'])).toThrow(/two video stores/);
  });

  it('refuses bad options, an exposed address without a long token, and a video store without secrets, with exit code 2', async () => {
    const cases: [string[], Record<string, string>][] = [
      [['--port', 'abc'], {}],
      [['--port', '70000'], {}],
      [['--reset'], {}],
      [['extra'], {}],
      [['--port', '0', '--host', '0.0.0.0'], {}],
      [['--port', '0'], { PVSKIT_CDS_TOKEN: 'short' }],
      [['--port', '0', '--video-store', join(dir, 'v.sqlite')], { PVSKIT_VIDEO_SERVER_SECRET: 'x' }],
    ];
    for (const [args, env] of cases) {
      const io = memoryIo(env);
      let served = false;
      const code = await main(['serve', ...args], io, [createServeCommand(() => ((served = true), Promise.resolve()))]);
      expect(code, args.join(' ')).toBe(2);
      expect(served, args.join(' ')).toBe(false);
      expect(io.err.join(''), args.join(' ')).toMatch(/pvskit serve: /);
    }
  });

  it('serves the CDS Hooks service over real HTTP; remote callers cannot choose the export directory', async () => {
    const io = memoryIo();
    const seen: Record<string, unknown> = {};
    const code = await main(['serve', '--port', '0'], io, [
      createServeCommand(async (url) => {
        const discovery = (await (await fetch(`${url}/cds-services`)).json()) as { services: { id: string; hook: string }[] };
        seen['hooks'] = [...new Set(discovery.services.map((s) => s.hook))].sort();
        const exportService = discovery.services.find((s) => s.hook === 'billing-export');
        const refused = await fetch(`${url}/cds-services/${exportService?.id ?? ''}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hook: 'billing-export', hookInstance: 'x-1', context: { items: [sampleCaseInput(1)], outDir: join(dir, 'stolen') } }),
        });
        seen['refused'] = `${refused.status} ${(await refused.json() as { error: { path: string } }).error.path}`;
        seen['unknown'] = (await fetch(`${url}/api/patients`)).status;
        // A web page whose DNS name points at 127.0.0.1 (DNS rebinding), and one of another origin.
        seen['rebound'] = await statusOf(`${url}/cds-services`, { host: 'evil.example' });
        seen['crossSite'] = await statusOf(`${url}/cds-services`, { origin: 'https://evil.example' });
        seen['signal'] = (await fetch(`${url}/signal/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"x"}' })).status;
      }),
    ]);
    expect(code).toBe(0);
    expect(seen).toEqual({ hooks: ['billing-export', 'case-edit', 'case-sign'], refused: '400 $.context.outDir', unknown: 404, rebound: 421, crossSite: 403, signal: 404 });
    expect(existsSync(join(dir, 'stolen'))).toBe(false);
    expect(io.out.join('')).toMatch(/pvskit serve: http:\/\/127\.0\.0\.1:\d+ \(CDS Hooks: /);
  });

  it('mounts the signaling server on a video store with secrets from the environment, and purges at start', async () => {
    const io = memoryIo({ PVSKIT_VIDEO_SERVER_SECRET: secret(), PVSKIT_SIGNALING_SECRET: secret() });
    let redeem: { status: number; body: unknown } | undefined;
    const code = await main(['serve', '--port', '0', '--video-store', join(dir, 'video.sqlite')], io, [
      createServeCommand(async (url) => {
        const res = await fetch(`${url}/signal/redeem`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'ABCD-EFGH-JKLM' }) });
        redeem = { status: res.status, body: await res.json() };
      }),
    ]);
    expect(code).toBe(0);
    expect(redeem?.status).toBeGreaterThanOrEqual(400);
    expect(redeem?.status).toBeLessThan(500);
    expect(io.out.join('')).toContain('/signal');
    expect(io.err.join('')).toContain('maintenance done');
  });

  it('does not load the sample host app: no file of the CLI names it', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
    for (const f of files(src).filter((f) => !f.endsWith('.test.ts'))) expect(readFileSync(f, 'utf8'), f).not.toContain('host-app');
    expect(readFileSync(join(src, '..', 'package.json'), 'utf8')).not.toContain('host-app');
  });
});
