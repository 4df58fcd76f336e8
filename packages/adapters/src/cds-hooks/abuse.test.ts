import { request } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
// Defines case-edit, the hook the echo plugin serves.
import '@pvskit/billing';
import { createPvsKit } from '@pvskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCdsHooksServer, type CdsHooksServer } from './server.js';

/*
 * Abuse in bulk against one server: every refused request must leave nothing behind — no open connection,
 * no retained memory — and the server must keep answering.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const kit = createPvsKit({
  plugins: [
    {
      id: 'echo',
      title: 'Echo',
      hooks: { 'case-edit': () => [{ summary: 'ok', indicator: 'info', source: { label: 'Echo' }, ruleId: 'ECHO' }] },
    },
  ],
});

const validCase = {
  case: { patient: { lastName: 'M', firstName: 'E', birthDate: '1950-03-01', insurance: { type: 'GKV' } }, services: [{ gop: '01212', date: '2026-01-09', time: '21:00' }] },
};

let server: CdsHooksServer;
beforeAll(async () => {
  server = await startCdsHooksServer({ kit, maxBodyBytes: 256 * 1024, bodyTimeoutMs: 200, headersTimeoutMs: 200 });
});
afterAll(async () => {
  await server.close();
});

function post(body: string | Buffer, contentType = 'application/json'): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${server.url}/cds-services/echo.case-edit`, { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
      res.resume();
      res.on('close', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

function slowBody(): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.resume(); // read the answer and the server's FIN (a paused socket never sees the close)
    socket.write('POST /cds-services/echo.case-edit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{');
    setTimeout(() => socket.destroy(), 5_000);
  });
}

function connections(): Promise<number> {
  return new Promise((resolve, reject) => server.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
}

async function settle(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const n = await connections();
    if (n === 0) return 0;
    await new Promise((r) => setTimeout(r, 50));
  }
  return connections();
}

async function abuseRound(): Promise<number[]> {
  const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
  return Promise.all([
    post('{"hook":'),
    post('['.repeat(100_000) + ']'.repeat(100_000)),
    post(big),
    post(JSON.stringify({ hook: 'case-edit', hookInstance: 'x', context: validCase, extra: true })),
    post('hook=case-edit', 'text/plain'),
    post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])),
    slowBody().then(() => 408),
  ]);
}

describe('abuse in bulk', () => {
  it('refuses every kind of abuse, closes every connection, retains no memory, keeps serving', async () => {
    const first = await abuseRound();
    expect(first.slice(0, 6)).toEqual([400, 400, 413, 400, 415, 400]);
    expect(await settle()).toBe(0);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < 20; round++) await abuseRound();
    expect(await settle()).toBe(0);
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    // 20 rounds push over 80 MB at the server; what stays must be noise, not bodies.
    expect(grownMiB).toBeLessThan(8);
    expect(await post(JSON.stringify({ hook: 'case-edit', hookInstance: 'after', context: validCase }))).toBe(200);
  }, 60_000);
});
