import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/*
 * The storage port is synchronous (better-sqlite3 set its shape, and every service call relies on it), while
 * `pg` only speaks promises. This bridge keeps one `pg` connection in a worker thread and blocks the calling
 * thread on Atomics.wait until the worker has the answer, then takes it with receiveMessageOnPort. Each query
 * therefore stalls the event loop for one database round trip, as SQLite does for its disk access; a provider
 * that outgrows that needs an async port, which is a larger, separate change.
 *
 * The worker is eval'd source rather than a file so that it runs the same from the built package and from
 * the TypeScript sources under test; `pg` is resolved here and handed over as a file URL.
 */

const WORKER_SOURCE = String.raw`
// Only dynamic import(): the same text then runs whether Node evaluates it as a script or as a module
// (an eval worker inherits --input-type from its parent).
(async () => {
  const { workerData } = await import('node:worker_threads');
  const pg = (await import(workerData.pgUrl)).default;
  const { port, url } = workerData;
  const flag = new Int32Array(workerData.signal);
  let broken = null;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: workerData.timeoutMs });
  client.on('error', (e) => { broken = e; });
  const connected = client.connect();
  connected.catch(() => {});
  const reply = (message) => {
    port.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  // bytea parameters arrive as plain Uint8Array after the structured clone; pg sends only Buffers as bytea.
  const param = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
  port.on('message', async (request) => {
    try {
      await connected;
      if (broken) throw broken;
      if (request.close) {
        await client.end();
        reply({ ok: true, rows: [], rowCount: 0 });
        port.close();
        return;
      }
      const result = await client.query(request.sql, request.params.map(param));
      reply({ ok: true, rows: result.rows, rowCount: result.rowCount ?? 0 });
    } catch (e) {
      reply({ ok: false, message: e && e.message ? String(e.message) : String(e), code: e && e.code ? String(e.code) : undefined });
    }
  });
})().catch(async (e) => {
  // Nothing to answer on yet: the caller's wait runs into its timeout and says so.
  (await import('node:fs')).writeSync(2, 'pvskit PostgreSQL worker failed to start: ' + String(e && e.stack ? e.stack : e) + '\n');
});
`;

/** A row as `pg` returns it: bigint as string, bytea as bytes. */
export type SqlRow = Record<string, unknown>;

/** Result of one statement. */
export interface SqlResult {
  rows: SqlRow[];
  rowCount: number;
}

/** A failed statement, with PostgreSQL's SQLSTATE when the server sent one (e.g. 23505 unique violation). */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

/** One PostgreSQL connection that answers synchronously. */
export interface SyncConnection {
  query(sql: string, params?: readonly unknown[]): SqlResult;
  close(): void;
}

type Reply = { ok: true; rows: SqlRow[]; rowCount: number } | { ok: false; message: string; code?: string };

/** Opens the connection; the first statement surfaces a wrong URL or an unreachable server. */
export function openSyncConnection(url: string, options: { timeoutMs: number }): SyncConnection {
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { pgUrl: pathToFileURL(createRequire(import.meta.url).resolve('pg')).href, port: port2, signal, url, timeoutMs: options.timeoutMs },
    transferList: [port2],
  });
  // The worker lives as long as the store; it must not keep a finished process alive.
  worker.unref();
  let closed = false;

  const call = (request: { sql: string; params: readonly unknown[] } | { close: true }): SqlResult => {
    if (closed) throw new SqlError('connection is closed', undefined);
    Atomics.store(flag, 0, 0);
    port1.postMessage(request);
    if (Atomics.wait(flag, 0, 0, options.timeoutMs) === 'timed-out') {
      closed = true;
      void worker.terminate();
      throw new SqlError(`no answer from PostgreSQL within ${options.timeoutMs} ms`, undefined);
    }
    const reply = receiveMessageOnPort(port1)?.message as Reply | undefined;
    if (reply === undefined) throw new SqlError('PostgreSQL worker answered without a result', undefined);
    if (!reply.ok) throw new SqlError(reply.message, reply.code);
    return { rows: reply.rows, rowCount: reply.rowCount };
  };

  return {
    query: (sql, params = []) => call({ sql, params }),
    close: () => {
      if (closed) return;
      try {
        call({ close: true });
      } catch {
        // A connection that never opened or already broke has nothing left to end.
      } finally {
        closed = true;
        port1.close();
        void worker.terminate();
      }
    },
  };
}
