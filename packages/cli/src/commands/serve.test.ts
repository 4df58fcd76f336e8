import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { main } from '../main.js';
import { createServeCommand, parseServeArgs, type HostAppStarter } from './serve.js';

function memoryIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { stdin: new PassThrough(), stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: process.cwd(), env: {}, out, err };
}

describe('pvskit serve', () => {
  it('parses port, host, data file and reset', () => {
    expect(parseServeArgs([])).toEqual({ port: 8080, host: '127.0.0.1', reset: false });
    expect(parseServeArgs(['--port', '0', '--host', '::1', '--data', 'x.sqlite', '--reset'])).toEqual({ port: 0, host: '::1', dataFile: 'x.sqlite', reset: true });
    expect(parseServeArgs(['--port=9000'])).toMatchObject({ port: 9000 });
  });

  const urlOptions = [
    {
      flag: '--postgres',
      env: 'PVSKIT_VIDEO_POSTGRES',
      key: 'videoPostgres',
      url: 'postgres://video:Geheim@db.internal:5432/video',
      alternative: 'postgresql://a@b/c',
      bad: ['video.sqlite', 'mysql://x'],
      refusal: /must be a postgres:\/\/ or postgresql:\/\/ URL/,
      said: 'Videosprechstunde in PostgreSQL',
    },
    {
      flag: '--redis',
      env: 'PVSKIT_REDIS_URL',
      key: 'redis',
      url: 'redis://:Geheim@redis.internal:6379/2',
      alternative: 'rediss://r',
      bad: ['localhost:6379', 'http://x'],
      refusal: /must be a redis:\/\/ or rediss:\/\/ URL/,
      said: 'Signalisierung über Redis',
    },
  ] as const;

  it.each(urlOptions)('takes $key from $flag or $env, the flag first, and never prints the URL', async ({ flag, env, key, url, alternative, bad, refusal, said }) => {
    expect(parseServeArgs([flag, url])).toMatchObject({ [key]: url });
    expect(parseServeArgs([], { [env]: url })).toMatchObject({ [key]: url });
    expect(parseServeArgs([flag, alternative], { [env]: url })).toMatchObject({ [key]: alternative });
    expect(parseServeArgs([], { [env]: '' })).not.toHaveProperty(key);
    expect(() => parseServeArgs([flag, bad[0]])).toThrow(new RegExp(`${flag} ${refusal.source}`));
    expect(() => parseServeArgs([], { [env]: bad[1] })).toThrow(new RegExp(`${env} ${refusal.source}`));

    const io = { ...memoryIo(), env: { [env]: url } };
    const seen: unknown[] = [];
    const starter: HostAppStarter = (o) => {
      seen.push(o[key]);
      return Promise.resolve({ url: 'http://127.0.0.1:1', dataFile: 'd', close: () => Promise.resolve() });
    };
    expect(await main(['serve'], io, [createServeCommand(() => Promise.resolve(starter), () => Promise.resolve())])).toBe(0);
    expect(seen).toEqual([url]);
    expect(io.out.join('')).toContain(said);
    expect(io.out.join('') + io.err.join('')).not.toContain('Geheim');
  });

  it('refuses a bad port and unknown options with exit code 2', async () => {
    for (const args of [['--port', 'abc'], ['--port', '70000'], ['--verbose'], ['extra']]) {
      const io = memoryIo();
      const started: unknown[] = [];
      const starter: HostAppStarter = (o) => {
        started.push(o);
        return Promise.resolve({ url: 'x', dataFile: 'y', close: () => Promise.resolve() });
      };
      const code = await main(['serve', ...args], io, [createServeCommand(() => Promise.resolve(starter), () => Promise.resolve())]);
      expect(code).toBe(2);
      expect(started).toEqual([]);
      expect(io.err.join('')).toMatch(/pvskit serve: /);
    }
  });

  it('starts the host app with the options, prints the URL and closes it when stopped', async () => {
    const io = memoryIo();
    const events: string[] = [];
    const starter: HostAppStarter = (o) => {
      events.push(`start ${o.host}:${o.port} ${o.dataFile ?? '-'} ${o.reset}`);
      return Promise.resolve({ url: `http://${o.host}:${o.port}`, dataFile: o.dataFile ?? 'default', close: () => (events.push('close'), Promise.resolve()) });
    };
    const code = await main(['serve', '--port', '8181', '--data', 'd.sqlite', '--reset'], io, [
      createServeCommand(() => Promise.resolve(starter), () => (events.push('stopped'), Promise.resolve())),
    ]);
    expect(code).toBe(0);
    expect(events).toEqual(['start 127.0.0.1:8181 d.sqlite true', 'stopped', 'close']);
    expect(io.out.join('')).toContain('http://127.0.0.1:8181');
  });

  it('reports a port in use as an input error', async () => {
    const io = memoryIo();
    const starter: HostAppStarter = () => Promise.reject(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }));
    const code = await main(['serve', '--port', '8080'], io, [createServeCommand(() => Promise.resolve(starter), () => Promise.resolve())]);
    expect(code).toBe(2);
    expect(io.err.join('')).toContain('already in use');
  });
});
