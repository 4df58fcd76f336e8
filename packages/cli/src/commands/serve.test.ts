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

  it('takes the video store\'s PostgreSQL URL from --postgres or PVSKIT_VIDEO_POSTGRES, the flag first', async () => {
    const url = 'postgres://video@db.internal:5432/video';
    expect(parseServeArgs(['--postgres', url])).toMatchObject({ videoPostgres: url });
    expect(parseServeArgs([], { PVSKIT_VIDEO_POSTGRES: url })).toMatchObject({ videoPostgres: url });
    expect(parseServeArgs(['--postgres', 'postgresql://a@b/c'], { PVSKIT_VIDEO_POSTGRES: url })).toMatchObject({ videoPostgres: 'postgresql://a@b/c' });
    expect(parseServeArgs([], { PVSKIT_VIDEO_POSTGRES: '' })).not.toHaveProperty('videoPostgres');
    expect(() => parseServeArgs(['--postgres', 'video.sqlite'])).toThrow(/--postgres must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => parseServeArgs([], { PVSKIT_VIDEO_POSTGRES: 'mysql://x' })).toThrow(/PVSKIT_VIDEO_POSTGRES must be/);

    const io = { ...memoryIo(), env: { PVSKIT_VIDEO_POSTGRES: 'postgres://video:Geheim@db.internal/video' } };
    const seen: unknown[] = [];
    const starter: HostAppStarter = (o) => {
      seen.push(o.videoPostgres);
      return Promise.resolve({ url: 'http://127.0.0.1:1', dataFile: 'd', close: () => Promise.resolve() });
    };
    expect(await main(['serve'], io, [createServeCommand(() => Promise.resolve(starter), () => Promise.resolve())])).toBe(0);
    expect(seen).toEqual(['postgres://video:Geheim@db.internal/video']);
    expect(io.out.join('')).toContain('Videosprechstunde in PostgreSQL');
    expect(io.out.join('') + io.err.join('')).not.toContain('Geheim');
  });

  it('takes the signaling Redis URL from --redis or PVSKIT_REDIS_URL, the flag first, and never prints it', async () => {
    const url = 'redis://:Geheim@redis.internal:6379/2';
    expect(parseServeArgs(['--redis', url])).toMatchObject({ redis: url });
    expect(parseServeArgs([], { PVSKIT_REDIS_URL: url })).toMatchObject({ redis: url });
    expect(parseServeArgs(['--redis', 'rediss://r'], { PVSKIT_REDIS_URL: url })).toMatchObject({ redis: 'rediss://r' });
    expect(parseServeArgs([], { PVSKIT_REDIS_URL: '' })).not.toHaveProperty('redis');
    expect(() => parseServeArgs(['--redis', 'localhost:6379'])).toThrow(/--redis must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseServeArgs([], { PVSKIT_REDIS_URL: 'http://x' })).toThrow(/PVSKIT_REDIS_URL must be/);

    const io = { ...memoryIo(), env: { PVSKIT_REDIS_URL: url } };
    const seen: unknown[] = [];
    const starter: HostAppStarter = (o) => {
      seen.push(o.redis);
      return Promise.resolve({ url: 'http://127.0.0.1:1', dataFile: 'd', close: () => Promise.resolve() });
    };
    expect(await main(['serve'], io, [createServeCommand(() => Promise.resolve(starter), () => Promise.resolve())])).toBe(0);
    expect(seen).toEqual([url]);
    expect(io.out.join('')).toContain('Signalisierung über Redis');
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
