import { request } from 'node:http';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// Defines case-edit, the hook these tests serve (the handler itself serves whatever hooks the host loaded).
import '@pvskit/billing';
import { createPvsKit, type PvsKit, type PvsKitPlugin } from '@pvskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCdsHooksHandler } from './handler.js';
import { cdsDiscoverySchema, cdsResponseSchema } from './schemas.js';
import { startCdsHooksServer, type CdsHooksServer } from './server.js';

/** Flags every service entered without a time, with a suggestion to remove it. */
const timeCheckPlugin: PvsKitPlugin = {
  id: 'zeitcheck',
  title: 'Zeitprüfung',
  description: 'Prüft, ob jede Leistung eine Uhrzeit hat.',
  hooks: {
    'case-edit': (context) => {
      const services = 'case' in context ? context.case.services : context.bundle.cases.flatMap((c) => c.services);
      return services.flatMap((service, index) =>
        service.time === undefined
          ? [
              {
                summary: `${service.gop} am ${service.date} ohne Uhrzeit`,
                indicator: 'critical' as const,
                source: { label: 'Zeitprüfung' },
                ruleId: 'NFD-TIME-MISSING',
                suggestions: [
                  {
                    label: 'Leistung entfernen',
                    actions: [{ type: 'delete' as const, description: 'entfernen', fix: { op: 'remove' as const, service: index } }],
                  },
                ],
                overrideReasons: [{ code: 'time-unknown', display: 'Uhrzeit unbekannt' }],
              },
            ]
          : [],
      );
    },
    'patient-view': ({ patient }) => [{ summary: `Patient ${patient.lastName}`, indicator: 'info', source: { label: 'Zeitprüfung' } }],
  },
};

function caseContext(services: unknown[] = [{ gop: '01212', date: '2026-01-09' }]): Record<string, unknown> {
  return {
    case: {
      id: 'c-1',
      patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
      services,
    },
  };
}

const TOKEN = 'test-token-0123456789-abcdefghijklmnop';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

async function send(base: string, path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const post = (base: string, path: string, value: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  send(base, path, { body: JSON.stringify(value), headers });

function errorOf(reply: Reply): { code: string; message: string; path?: string } {
  return (reply.json as { error: { code: string; message: string; path?: string } }).error;
}

/** Sends raw bytes and resolves with what came back and whether the server closed the socket. */
function rawExchange(port: number, writes: (write: (s: string | Buffer) => boolean) => void, waitMs: number): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ data, closed });
    });
    socket.on('connect', () => writes((s) => socket.write(s)));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closed });
    }, waitMs);
  });
}

describe('CDS Hooks service over HTTP', () => {
  let kit: PvsKit;
  let server: CdsHooksServer;
  let base: string;

  beforeAll(async () => {
    kit = createPvsKit({ plugins: [timeCheckPlugin] });
    server = await startCdsHooksServer({ kit, token: TOKEN, headersTimeoutMs: 300, bodyTimeoutMs: 300, maxBodyBytes: 64 * 1024 });
    base = server.url;
  });
  afterAll(async () => {
    await server.close();
  });

  it('binds 127.0.0.1 by default', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('discovery lists one service per plugin hook with hookVersion', async () => {
    const reply = await send(base, '/cds-services');
    expect(reply.status).toBe(200);
    const discovery = cdsDiscoverySchema.parse(reply.json);
    expect(discovery.services.map((s) => s.id)).toEqual(['zeitcheck.patient-view', 'zeitcheck.case-edit']);
    expect(discovery.services[1]).toMatchObject({ hook: 'case-edit', hookVersion: '1.0', title: 'Zeitprüfung', pluginId: 'zeitcheck' });
  });

  it('answers a case-edit call with CDS Hooks cards carrying ruleId, and takes feedback on them', async () => {
    const reply = await post(base, '/cds-services/zeitcheck.case-edit', { hook: 'case-edit', hookInstance: 'h-1', context: caseContext() });
    expect(reply.status).toBe(200);
    const { cards } = cdsResponseSchema.parse(reply.json);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ indicator: 'critical', ruleId: 'NFD-TIME-MISSING', source: { label: 'Zeitprüfung' } });
    const card = cards[0]!;
    const suggestion = card.suggestions?.[0]?.uuid;
    expect(card.uuid).toBeTypeOf('string');
    expect(suggestion).toBeTypeOf('string');

    const fb = await post(base, '/cds-services/zeitcheck.case-edit/feedback', {
      feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2026-01-09T21:40:00Z' }],
    });
    expect(fb.status).toBe(200);
    expect(fb.json).toEqual({ recorded: 1 });
    expect(kit.feedbackLog().at(-1)).toMatchObject({ card: card.uuid, outcome: 'accepted', hookInstance: 'h-1', pluginId: 'zeitcheck' });

    const unknown = await post(base, '/cds-services/zeitcheck.case-edit/feedback', {
      feedback: [{ card: 'no-such-card', outcome: 'overridden', outcomeTimestamp: '2026-01-09T21:40:00Z' }],
    });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).path).toBe('$.feedback[0].card');
  });

  it('refuses bad input with 400 naming the JSON path', async () => {
    const unknownTop = await post(base, '/cds-services/zeitcheck.case-edit', { hook: 'case-edit', hookInstance: 'h', context: caseContext(), extra: 1 });
    expect(unknownTop.status).toBe(400);
    expect(errorOf(unknownTop)).toMatchObject({ code: 'VALIDATION', path: '$.extra' });

    const unknownDeep = await post(base, '/cds-services/zeitcheck.case-edit', {
      hook: 'case-edit',
      hookInstance: 'h',
      context: caseContext([{ gop: '01212', date: '2026-01-09', gopp: 'x' }]),
    });
    expect(unknownDeep.status).toBe(400);
    expect(errorOf(unknownDeep).path).toBe('$.context.case.services[0].gopp');

    const badDate = await post(base, '/cds-services/zeitcheck.case-edit', {
      hook: 'case-edit',
      hookInstance: 'h',
      context: caseContext([{ gop: '01212', date: '09.01.2026' }]),
    });
    expect(errorOf(badDate).path).toBe('$.context.case.services[0].date');

    const wrongHook = await post(base, '/cds-services/zeitcheck.case-edit', { hook: 'patient-view', hookInstance: 'h', context: caseContext() });
    expect(wrongHook.status).toBe(400);
    expect(errorOf(wrongHook).path).toBe('$.hook');

    const missing = await post(base, '/cds-services/zeitcheck.case-edit', { hook: 'case-edit', context: caseContext() });
    expect(errorOf(missing).path).toBe('$.hookInstance');

    const malformed = await send(base, '/cds-services/zeitcheck.case-edit', { body: '{"hook": "case-edit",' });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).code).toBe('INVALID_JSON');

    const deep = await send(base, '/cds-services/zeitcheck.case-edit', { body: '['.repeat(20_000) + ']'.repeat(20_000) });
    expect(deep.status).toBe(400);
    expect(errorOf(deep)).toMatchObject({ code: 'TOO_DEEP', path: '$' });
  });

  it('answers 404, 405, 415 and 401 as JSON', async () => {
    const unknownService = await post(base, '/cds-services/nope.case-edit', { hook: 'case-edit', hookInstance: 'h', context: caseContext() });
    expect(unknownService.status).toBe(404);
    expect(errorOf(unknownService).code).toBe('NOT_FOUND');

    const get = await send(base, '/cds-services/zeitcheck.case-edit');
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect((await send(base, '/cds-services', { method: 'POST', body: '{}' })).status).toBe(405);

    const text = await send(base, '/cds-services/zeitcheck.case-edit', { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(errorOf(text).code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const noToken = await fetch(`${base}/cds-services`);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const wrong = await send(base, '/cds-services', { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });

  it('serves the JSON Schemas and 404 for unknown ones', async () => {
    const index = await send(base, '/schemas');
    expect((index.json as { schemas: string[] }).schemas).toContain('/schemas/case-edit-request.json');
    const schema = await send(base, '/schemas/case.json');
    expect(schema.status).toBe(200);
    expect(schema.headers['content-type']).toContain('application/schema+json');
    expect((schema.json as Record<string, unknown>)['$schema']).toContain('2020-12');
    expect((await send(base, '/schemas/nope.json')).status).toBe(404);
  });

  it('refuses a body over the limit with 413, by Content-Length and by stream, without reading it all', async () => {
    const declared = await rawExchange(
      server.port,
      (write) => {
        write(
          `POST /cds-services/zeitcheck.case-edit HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
        );
        write('{"hook":');
      },
      2_000,
    );
    expect(declared.data).toMatch(/^HTTP\/1\.1 413/);
    expect(declared.data).toContain('PAYLOAD_TOO_LARGE');
    expect(declared.closed).toBe(true);

    // Chunked, 10 MB in 64 KiB pieces, stop as soon as an answer arrives.
    const streamed = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request(`${base}/cds-services/zeitcheck.case-edit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
      });
      req.on('error', (e) => (answered ? undefined : reject(e)));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!answered && sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(streamed.status).toBe(413);
    expect(streamed.sent).toBeLessThan(10 * 1024 * 1024);
  });

  it('closes slow-loris connections (headers and body) by timeout', async () => {
    const slowHeaders = await rawExchange(
      server.port,
      (write) => {
        write('POST /cds-services/zeitcheck.case-edit HTTP/1.1\r\nHost: x\r\n');
        let n = 0;
        const drip = setInterval(() => {
          if (n++ > 40 || !write(`X-Slow-${n}: a\r\n`)) clearInterval(drip);
        }, 50);
      },
      5_000,
    );
    expect(slowHeaders.closed).toBe(true);

    const silent = await rawExchange(server.port, () => undefined, 5_000);
    expect(silent.closed).toBe(true);

    const slowBody = await rawExchange(
      server.port,
      (write) => {
        write(
          `POST /cds-services/zeitcheck.case-edit HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"hook":`,
        );
      },
      5_000,
    );
    expect(slowBody.closed).toBe(true);
    expect(slowBody.data).toMatch(/^HTTP\/1\.1 408/);
  });

  it('keeps serving after all of the above', async () => {
    const reply = await post(base, '/cds-services/zeitcheck.case-edit', { hook: 'case-edit', hookInstance: 'h-after', context: caseContext() });
    expect(reply.status).toBe(200);
  });
});

describe('createCdsHooksHandler mounted in a host server', () => {
  it('handles its routes under basePath and leaves every other path to the host', async () => {
    const kit = createPvsKit({ plugins: [timeCheckPlugin] });
    const cds = createCdsHooksHandler({ kit, basePath: '/api' });
    const server = createServer((req, res) => {
      void cds(req, res).then((handled) => {
        if (!handled) res.end('host app');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/`)).text()).toBe('host app');
      expect(await (await fetch(`${base}/cds-services`)).text()).toBe('host app');
      const discovery = (await (await fetch(`${base}/api/cds-services`)).json()) as { services: { extension: Record<string, string> }[] };
      expect(discovery.services[0]?.extension['de.pvskit.contextSchema']).toBe('/api/schemas/patient-view-context.json');
      const reply = await fetch(`${base}/api/cds-services/zeitcheck.case-edit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hook: 'case-edit', hookInstance: 'm-1', context: caseContext([{ gop: '01212', date: '2026-01-09', time: '21:00' }]) }),
      });
      expect(await reply.json()).toEqual({ cards: [] });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('startCdsHooksServer', () => {
  it('refuses a non-loopback address without a long enough token', async () => {
    const kit = createPvsKit({ plugins: [timeCheckPlugin] });
    await expect(startCdsHooksServer({ kit, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'CONFIG' });
    await expect(startCdsHooksServer({ kit, host: '192.168.1.10', token: 'short' })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('a client that hangs up mid-call', () => {
  it('stops the plugin (its signal aborts), gives it no strike, and the next call on a new connection is served', async () => {
    let calls = 0;
    let aborted = 0;
    const entered: (() => void)[] = [];
    const slowPlugin: PvsKitPlugin = {
      id: 'langsam',
      title: 'Langsame Prüfung',
      hooks: {
        'case-edit': (_context, call) =>
          new Promise((resolve) => {
            calls++;
            const signal = call.signal;
            if (calls > 1) resolve([]);
            else signal.addEventListener('abort', () => (aborted++, resolve([])));
            entered.shift()?.();
          }),
      },
    };
    const kit = createPvsKit({ plugins: [slowPlugin], maxStrikes: 1, timeoutsMs: { 'case-edit': 5_000 } });
    const server = await startCdsHooksServer({ kit });
    try {
      const body = JSON.stringify({ hook: 'case-edit', hookInstance: 'h-1', context: caseContext() });
      const inPlugin = new Promise<void>((resolve) => entered.push(resolve));
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(
        `POST /cds-services/langsam.case-edit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await inPlugin;
      socket.destroy();
      await expect.poll(() => aborted, { timeout: 3_000 }).toBe(1);
      const next = await fetch(`${server.url}/cds-services/langsam.case-edit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hook: 'case-edit', hookInstance: 'h-2', context: caseContext() }),
      });
      expect(next.status).toBe(200);
      expect(await next.json()).toEqual({ cards: [] });
      expect(calls).toBe(2);
    } finally {
      await server.close();
    }
  });
});
