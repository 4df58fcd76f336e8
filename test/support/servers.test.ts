import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgresBin, findRedisServer, startPostgres, startRedis } from './servers.js';

/** One raw RESP round trip, so this test needs no Redis client library. */
function redisCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5000, () => socket.destroy(new Error('redis timeout')));
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('utf8'));
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('throw-away test servers', () => {
  it('PostgreSQL: starts on loopback, gives fresh databases, and stops', async () => {
    const server = await startPostgres();
    try {
      const url = await server.createDatabase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ db: string; who: string }>('SELECT current_database() AS db, current_user AS who');
      await client.end();
      expect(rows[0]).toEqual({ db: expect.stringMatching(/^test_/), who: 'pvskit' });
    } finally {
      await server.stop();
    }
    expect(await refused(server.port)).toBe(true);
  });

  it('Redis: starts on loopback without persistence, and stops', async () => {
    const server = await startRedis();
    try {
      expect(await redisCommand(server.port, 'PING')).toBe('+PONG\r\n');
      expect(await redisCommand(server.port, 'CONFIG', 'GET', 'save')).toContain('save\r\n$0\r\n');
    } finally {
      await server.stop();
    }
    expect(await refused(server.port)).toBe(true);
  });

  it('a missing server binary fails with the Debian package to install, not a skip', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pvskit-nobin-'));
    try {
      expect(() => findPostgresBin(empty)).toThrow(/Debian package "postgresql"/);
      expect(() => findRedisServer([join(empty, 'redis-server')])).toThrow(/Debian package "redis-server"/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
