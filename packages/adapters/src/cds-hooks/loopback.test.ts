import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPvsKit } from '@pvskit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kvdtExportPlugin } from '../kvdt/plugin.js';
import { sampleCaseInput } from '../../test/kvdt-sample.js';
import { createCdsHooksHandler } from './handler.js';
import { startCdsHooksServer, type CdsHooksServer } from './server.js';

/*
 * The attacker is a web page: its own DNS name re-pointed to 127.0.0.1 (DNS rebinding) makes its requests
 * same-origin to the page while they reach the practice's pvskit service, which runs without a token on
 * loopback. It tries to have billing-export write a KVDT file of made-up cases into the export directory.
 */

let dir: string;
let server: CdsHooksServer;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cds-loopback-'));
  const kit = createPvsKit({ plugins: [kvdtExportPlugin({ outDir: dir, clock: () => new Date('2026-01-12T09:05:00Z') })], timeoutsMs: { 'billing-export': 20_000 } });
  server = await startCdsHooksServer({ kit });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const exportCall = JSON.stringify({ hook: 'billing-export', hookInstance: 'h-1', context: { items: [sampleCaseInput(1)], quarter: '12026' } });

/** POSTs the export call with the given headers (Host among them, as a browser would send it). */
function post(headers: Record<string, string>, path = '/cds-services/pvskit.kvdt-export.billing-export', port = server.port): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error?: { code: string } }).error?.code }));
    });
    req.on('error', reject);
    req.end(exportCall);
  });
}

describe('pvskit service without a token answers only this machine', () => {
  it('refuses a page whose DNS name points at 127.0.0.1 (Host evil.example): 421, and no file is written', async () => {
    for (const host of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1.evil.example:${server.port}`, `localhost.evil.example:${server.port}`]) {
      expect(await post({ host }), host).toEqual({ status: 421, code: 'HOST' });
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses requests a browser marks as coming from another origin: 403', async () => {
    const local = { host: `127.0.0.1:${server.port}` };
    for (const headers of [
      { ...local, origin: 'https://evil.example' },
      { ...local, origin: 'null' },
      { ...local, 'sec-fetch-site': 'cross-site' },
      { ...local, 'sec-fetch-site': 'same-site' },
    ]) {
      expect(await post(headers), JSON.stringify(headers)).toEqual({ status: 403, code: 'CROSS_SITE' });
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('serves the PVS on this machine by every loopback name (the attack above works without the check)', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, 'LOCALHOST']) {
      expect(await post({ host }), host).toEqual({ status: 200 });
    }
    expect(await post({ host: `localhost:${server.port}`, origin: `http://localhost:${server.port}`, 'sec-fetch-site': 'same-origin' })).toEqual({ status: 200 });
    expect((await readdir(dir)).length).toBeGreaterThan(0);
  });

  it('leaves Host to the token where one is set', async () => {
    await server.close();
    const kit = createPvsKit({ plugins: [kvdtExportPlugin({ outDir: dir })], timeoutsMs: { 'billing-export': 20_000 } });
    const token = 'loopback-test-token-0123456789abcdef';
    server = await startCdsHooksServer({ kit, token });
    expect(await post({ host: 'pvs.praxis.example', authorization: `Bearer ${token}` })).toEqual({ status: 200 });
    expect(await post({ host: 'evil.example' })).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('reads Host as the URL parser does: loopback spellings pass, anything with more in it is refused', async () => {
    for (const host of ['localhost.', `127.1:${server.port}`, '0x7f.1', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', 'praxis.localhost']) {
      expect(await post({ host }), host).toEqual({ status: 200 });
    }
    for (const host of ['[::1]evil.example', 'evil@localhost', 'localhost/evil', 'localhost.localdomain']) {
      expect(await post({ host }), host).toEqual({ status: 421, code: 'HOST' });
    }
    // An absolute request target names the host too (it takes precedence over Host).
    expect(await post({ host: 'localhost' }, 'http://evil.example/cds-services/pvskit.kvdt-export.billing-export')).toEqual({ status: 421, code: 'HOST' });
    // Another page on this machine (another port) is another origin.
    expect(await post({ host: `localhost:${server.port}`, origin: 'http://localhost:3000' })).toEqual({ status: 403, code: 'CROSS_SITE' });
  });

  it('guards a mounted handler without a token by default; a host with its own guard may turn it off', async () => {
    for (const loopbackOnly of [undefined, false]) {
      const kit = createPvsKit({ plugins: [kvdtExportPlugin({ outDir: dir })], timeoutsMs: { 'billing-export': 20_000 } });
      const cds = createCdsHooksHandler({ kit, ...(loopbackOnly === undefined ? {} : { loopbackOnly }) });
      const mounted = createServer((req, res) => void cds(req, res));
      await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
      try {
        const port = (mounted.address() as AddressInfo).port;
        expect(await post({ host: 'evil.example' }, undefined, port), String(loopbackOnly)).toEqual(loopbackOnly === false ? { status: 200 } : { status: 421, code: 'HOST' });
      } finally {
        mounted.closeAllConnections();
        await new Promise((resolve) => mounted.close(resolve));
      }
    }
  });
});
