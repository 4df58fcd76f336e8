import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { defaultScenariosDir, endpointTarget, formatReport, loadScenarios, runHarness } from '@pvskit/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * A non-JS PVS's view of pvskit: `pvskit serve` runs as a child process and everything goes over real HTTP
 * on 127.0.0.1 — discovery, a check, feedback, the JSON Schemas, every error case, and the partner harness.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'pvskit-serve-'));
const contractCase = JSON.parse(readFileSync(join(root, 'test/fixtures/contract/case.json'), 'utf8')) as Record<string, unknown>;

let child: ChildProcess;
let base: string;
let serviceId: string;

function startServe(): Promise<string> {
  child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`pvskit serve did not start in time\n${out}\n${err}`)), 25_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pvskit serve exited with ${code}\n${out}\n${err}`));
    });
  });
}

interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

async function http(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    signal: AbortSignal.timeout(15_000),
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const postJson = (path: string, value: unknown): Promise<Reply> => http(path, { body: JSON.stringify(value) });
const errorOf = (r: Reply): { code: string; message: string; path?: string } => (r.json as { error: { code: string; message: string; path?: string } }).error;

/** Saturday 10.01.2026 11:00 with 01210 (a working-day GOP): NFD-TIME-BAND, fix 01212. */
const saturdayCase = {
  ...contractCase,
  id: 'sat-1',
  duty: { id: 'd-sa', start: '2026-01-10T08:00', end: '2026-01-10T20:00' },
  contacts: [{ date: '2026-01-10', time: '11:00' }],
  services: [{ gop: '01210', date: '2026-01-10', time: '11:00' }],
};

beforeAll(async () => {
  expect(spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).status).toBe(0);
  base = await startServe();
  const discovery = (await http('/cds-services')).json as { services: { id: string; hook: string; pluginId: string }[] };
  const billing = discovery.services.find((s) => s.hook === 'case-edit' && s.pluginId === 'pvskit-billing');
  if (billing === undefined) throw new Error(`no billing case-edit service in ${JSON.stringify(discovery)}`);
  serviceId = billing.id;
  // Like a PVS at start-up: one call warms the plugin (catalogue, holiday tables) so that the first real
  // call is not judged against the 500 ms budget while this shared machine is busy loading code.
  await postJson(`/cds-services/${serviceId}`, { hook: 'case-edit', hookInstance: 'warm-up', context: { case: contractCase } });
}, 240_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('pvskit serve: CDS Hooks over real HTTP', () => {
  it('discovery lists the billing hooks with hookVersion and the context schema', async () => {
    const reply = await http('/cds-services');
    expect(reply.status).toBe(200);
    const services = (reply.json as { services: Record<string, unknown>[] }).services;
    const caseEdit = services.find((s) => s['id'] === serviceId);
    expect(caseEdit).toMatchObject({ hook: 'case-edit', hookVersion: '1.0', pluginId: 'pvskit-billing' });
    expect(typeof caseEdit?.['description']).toBe('string');
    expect(services.some((s) => s['hook'] === 'case-sign' && s['pluginId'] === 'pvskit-billing')).toBe(true);
  });

  it('checks a case: CDS Hooks 2.0 cards with ruleId, valid against the served response schema', async () => {
    const reply = await postJson(`/cds-services/${serviceId}`, { hook: 'case-edit', hookInstance: 'c2b1f9f4-0000-4000-8000-000000000001', context: { case: saturdayCase } });
    expect(reply.status).toBe(200);
    const schema = (await http('/schemas/cds-response.json')).json as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(reply.json), JSON.stringify(validate.errors)).toBe(true);
    const cards = (reply.json as { cards: { ruleId?: string; indicator: string; summary: string; suggestions?: { actions?: { fix?: unknown }[] }[] }[] }).cards;
    const band = cards.find((c) => c.ruleId === 'NFD-TIME-BAND');
    expect(band?.indicator).toBe('critical');
    expect(band?.summary).toContain('01210');
    expect(band?.suggestions?.[0]?.actions?.[0]?.fix).toEqual({ op: 'replace', service: 0, gop: '01212' });
  });

  it('records feedback (accepted and overridden) and refuses feedback on unknown cards', async () => {
    const reply = await postJson(`/cds-services/${serviceId}`, { hook: 'case-edit', hookInstance: 'fb-1', context: { case: saturdayCase } });
    const cards = (reply.json as { cards: { uuid: string; ruleId?: string; suggestions?: { uuid: string }[]; overrideReasons?: { code: string }[] }[] }).cards;
    const band = cards.find((c) => c.ruleId === 'NFD-TIME-BAND');
    const suggestion = band?.suggestions?.[0]?.uuid;
    expect(band?.uuid).toBeTypeOf('string');
    const accepted = await postJson(`/cds-services/${serviceId}/feedback`, {
      feedback: [{ card: band?.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: '2026-01-10T11:05:00+01:00' }],
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({ recorded: 1 });
    const overridden = await postJson(`/cds-services/${serviceId}/feedback`, {
      feedback: [
        {
          card: band?.uuid,
          hookInstance: 'fb-1',
          outcome: 'overridden',
          overrideReason: { reason: band?.overrideReasons?.[0], userComment: 'Praxis hatte geöffnet' },
          outcomeTimestamp: '2026-01-10T11:06:00+01:00',
        },
      ],
    });
    expect(overridden.status).toBe(200);
    const unknown = await postJson(`/cds-services/${serviceId}/feedback`, {
      feedback: [{ card: 'not-a-card', outcome: 'accepted', outcomeTimestamp: '2026-01-10T11:05:00+01:00' }],
    });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'NOT_FOUND', path: '$.feedback[0].card' });
    const malformed = await postJson(`/cds-services/${serviceId}/feedback`, { feedback: [{ card: 'x', outcome: 'maybe', outcomeTimestamp: 't' }] });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).path).toBe('$.feedback[0].outcome');
  });

  it('serves JSON Schemas that accept the contract examples (ajv, draft 2020-12)', async () => {
    const index = (await http('/schemas')).json as { schemas: string[] };
    for (const name of ['case', 'bundle', 'finding', 'card', 'feedback', 'case-edit-request', 'cds-discovery', 'cds-feedback']) {
      expect(index.schemas).toContain(`/schemas/${name}.json`);
    }
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const name of ['case', 'bundle', 'finding']) {
      const reply = await http(`/schemas/${name}.json`);
      expect(reply.status).toBe(200);
      const validate = ajv.compile(reply.json as Record<string, unknown>);
      const example = JSON.parse(readFileSync(join(root, `test/fixtures/contract/${name}.json`), 'utf8')) as unknown;
      expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(validate({ ...(example as object), gopp: '01210' })).toBe(false);
    }
    const request = ajv.compile((await http('/schemas/case-edit-request.json')).json as Record<string, unknown>);
    expect(request({ hook: 'case-edit', hookInstance: 'x', context: { case: contractCase } }), JSON.stringify(request.errors)).toBe(true);
    expect(request({ hook: 'case-edit', hookInstance: 'x', context: { case: { ...contractCase, servicez: [] } } })).toBe(false);
    const discovery = ajv.compile((await http('/schemas/cds-discovery.json')).json as Record<string, unknown>);
    expect(discovery((await http('/cds-services')).json), JSON.stringify(discovery.errors)).toBe(true);
  });

  it('answers every error case as JSON with the right status', async () => {
    const malformed = await http(`/cds-services/${serviceId}`, { body: '{"hook":"case-edit",' });
    expect([malformed.status, errorOf(malformed).code]).toEqual([400, 'INVALID_JSON']);

    const unknownField = await postJson(`/cds-services/${serviceId}`, { hook: 'case-edit', hookInstance: 'e-1', context: { case: { ...saturdayCase, servicez: [] } } });
    expect([unknownField.status, errorOf(unknownField).path]).toEqual([400, '$.context.case.servicez']);

    const badValue = await postJson(`/cds-services/${serviceId}`, {
      hook: 'case-edit',
      hookInstance: 'e-2',
      context: { case: { ...saturdayCase, services: [{ gop: '01212', date: '2026-01-10', time: '25:00' }] } },
    });
    expect([badValue.status, errorOf(badValue).path]).toEqual([400, '$.context.case.services[0].time']);

    const deep = await http(`/cds-services/${serviceId}`, { body: '['.repeat(100_000) + ']'.repeat(100_000) });
    expect([deep.status, errorOf(deep).code]).toEqual([400, 'TOO_DEEP']);

    const unknownService = await postJson('/cds-services/nope.case-edit', { hook: 'case-edit', hookInstance: 'e-3', context: { case: saturdayCase } });
    expect([unknownService.status, errorOf(unknownService).code]).toEqual([404, 'NOT_FOUND']);

    const wrongMethod = await http(`/cds-services/${serviceId}`, { method: 'GET' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST']);

    const wrongType = await http(`/cds-services/${serviceId}`, { body: 'hook=case-edit', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([wrongType.status, errorOf(wrongType).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);

    const unknownSchema = await http('/schemas/nope.json');
    expect(unknownSchema.status).toBe(404);
  });

  it('refuses a 10 MB body with 413 without reading it (declared and streamed)', async () => {
    const url = new URL(`/cds-services/${serviceId}`, base);
    const declared = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(data));
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{"hook":`);
      setTimeout(() => socket.destroy(), 5_000);
    });
    expect(declared).toMatch(/^HTTP\/1\.1 413/);
    expect(declared).toContain('"PAYLOAD_TOO_LARGE"');

    const streamed = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
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

  it('closes a connection whose body trickles in (slow-loris) by timeout', async () => {
    const url = new URL(`/cds-services/${serviceId}`, base);
    const result = await new Promise<{ data: string; closed: boolean }>((resolve) => {
      const socket = connect(Number(url.port), '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d.toString('latin1')));
      socket.on('error', () => {});
      const drip = setInterval(() => socket.write(' '), 500);
      const timer = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        resolve({ data, closed: false });
      }, 20_000);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(timer);
        resolve({ data, closed: true });
      });
      socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    });
    expect(result.closed).toBe(true);
    expect(result.data).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);

  it('closes a connection whose headers never end (slow-loris on the app server) by its headers timeout', async () => {
    const url = new URL('/', base);
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(url.port), '127.0.0.1');
      socket.on('error', () => {});
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
      const timer = setTimeout(() => {
        clearInterval(drip);
        socket.destroy();
        resolve(false);
      }, 25_000);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(timer);
        resolve(true);
      });
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    });
    expect(closed).toBe(true);
  }, 35_000);

  it('keeps serving after the abuse, and the process is still up', async () => {
    expect(child.exitCode).toBeNull();
    const reply = await postJson(`/cds-services/${serviceId}`, { hook: 'case-edit', hookInstance: 'after-1', context: { case: contractCase } });
    expect(reply.status).toBe(200);
  });
});

describe('pvskit harness against the running service', () => {
  it('passes the default scenarios through endpointTarget', async () => {
    const report = await runHarness(endpointTarget(base), await loadScenarios(defaultScenariosDir));
    expect(formatReport(report)).toContain(`${report.results.length} passed, 0 failed`);
  });

  it('passes them through the pvskit harness command (child process) with JUnit XML', () => {
    const r = spawnSync(process.execPath, [bin, 'harness', '--endpoint', base, '--junit', join(dir, 'junit.xml')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('failures="0"');
  });
});
