import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
// Defines case-edit, the hook these tests serve.
import '@pvskit/billing';
import { createPvsKit, type PvsKitPlugin } from '@pvskit/core';
import { describe, expect, it } from 'vitest';
import { createCdsHooksHandler } from './handler.js';
import { startCdsHooksServer } from './server.js';

/** Answers each call with one card naming its case: an answer on the wrong connection shows at once. */
const echoPlugin: PvsKitPlugin = {
  id: 'echo',
  title: 'Echo',
  hooks: {
    'case-edit': (context) => [
      { summary: `Fall ${'case' in context ? context.case.id : context.bundle.cases[0]?.id}`, indicator: 'info', source: { label: 'Echo' } },
    ],
  },
};

const callBody = (caseId: string): string =>
  JSON.stringify({
    hook: 'case-edit',
    hookInstance: `h-${caseId}`,
    context: {
      case: {
        id: caseId,
        patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
        services: [{ gop: '01212', date: '2026-01-09' }],
      },
    },
  });

/** The raw HTTP/1.1 request of one call. */
const callRequest = (body: string): string =>
  `POST /cds-services/echo.case-edit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

/** One call on its own connection, written in one piece; resolves with the raw answer once it is complete. */
function rawCall(port: number, caseId: string): Promise<{ status: number; contentLength: number; body: string }> {
  const body = callBody(caseId);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer for ${caseId}`));
    }, 5_000);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const headEnd = data.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const head = data.subarray(0, headEnd).toString('latin1');
      const contentLength = Number(/content-length: (\d+)/i.exec(head)?.[1]);
      if (data.length < headEnd + 4 + contentLength) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(head.slice(9, 12)), contentLength, body: data.subarray(headEnd + 4).toString('utf8') });
    });
    socket.write(
      callRequest(body),
    );
  });
}

describe('answers written together at the end of the event-loop turn', () => {
  it('gives every call its own answer when many arrive at once (no answer on a foreign connection)', async () => {
    const kit = createPvsKit({ plugins: [echoPlugin] });
    const server = await startCdsHooksServer({ kit });
    try {
      const ids = Array.from({ length: 48 }, (_, i) => `c-${i}`);
      const answers = await Promise.all(ids.map((id) => rawCall(server.port, id)));
      for (const [i, answer] of answers.entries()) {
        expect(answer.status).toBe(200);
        expect(Buffer.byteLength(answer.body)).toBe(answer.contentLength);
        expect((JSON.parse(answer.body) as { cards: { summary: string }[] }).cards.map((c) => c.summary)).toEqual([`Fall ${ids[i]}`]);
      }
    } finally {
      await server.close();
    }
  });

  it('answers calls pipelined on one connection in their order', async () => {
    const kit = createPvsKit({ plugins: [echoPlugin] });
    const server = await startCdsHooksServer({ kit });
    try {
      const ids = ['p-1', 'p-2', 'p-3'];
      const text = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        let data = '';
        const timer = setTimeout(() => reject(new Error(`incomplete: ${data}`)), 5_000);
        socket.on('error', reject);
        socket.on('data', (chunk: Buffer) => {
          data += chunk.toString('utf8');
          if ((data.match(/HTTP\/1\.1 200/g) ?? []).length === ids.length && data.endsWith('}]}')) {
            clearTimeout(timer);
            socket.destroy();
            resolve(data);
          }
        });
        socket.write(ids.map((id) => callRequest(callBody(id))).join(''));
      });
      expect([...text.matchAll(/"summary":"Fall ([^"]+)"/g)].map((m) => m[1])).toEqual(ids);
    } finally {
      await server.close();
    }
  });

  it('lets no 400 for a malformed request overtake the answer to the call before it on the same connection', async () => {
    const kit = createPvsKit({ plugins: [echoPlugin] });
    const server = await startCdsHooksServer({ kit });
    try {
      const body = callBody('c-first');
      const text = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        let data = '';
        socket.on('error', () => {});
        socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        socket.on('close', () => resolve(data));
        setTimeout(() => socket.destroy(), 5_000);
        socket.write(
          callRequest(body) +
            'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n',
        );
      });
      expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
      expect(text).toContain('"summary":"Fall c-first"');
      expect(text).not.toContain('400 Bad Request');
    } finally {
      await server.close();
    }
  });

  it('answers when the handler resolves without batchAnswers, at the end of the turn with it', async () => {
    for (const batchAnswers of [false, true]) {
      const kit = createPvsKit({ plugins: [echoPlugin] });
      const cds = createCdsHooksHandler({ kit, batchAnswers });
      const sentWhenResolved: boolean[] = [];
      const sentAfterTurn: Promise<boolean>[] = [];
      const server = createServer((req, res: ServerResponse) => {
        void cds(req, res).then(() => {
          sentWhenResolved.push(res.headersSent);
          sentAfterTurn.push(new Promise((resolve) => setImmediate(() => resolve(res.writableEnded))));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const answer = await rawCall((server.address() as AddressInfo).port, 'c-7');
        expect(JSON.parse(answer.body)).toMatchObject({ cards: [{ summary: 'Fall c-7' }] });
        expect(sentWhenResolved, `batchAnswers ${batchAnswers}`).toEqual([!batchAnswers]);
        expect(await Promise.all(sentAfterTurn)).toEqual([true]);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('keeps serving when clients hang up before their answers leave', async () => {
    const kit = createPvsKit({ plugins: [echoPlugin] });
    const server = await startCdsHooksServer({ kit });
    try {
      for (let i = 0; i < 20; i++) {
        const body = callBody(`gone-${i}`);
        const socket = connect(server.port, '127.0.0.1');
        socket.on('error', () => {});
        socket.end(
          callRequest(body),
          () => socket.destroy(),
        );
      }
      const answer = await rawCall(server.port, 'c-after');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ cards: [{ summary: 'Fall c-after' }] });
    } finally {
      await server.close();
    }
  });
});
