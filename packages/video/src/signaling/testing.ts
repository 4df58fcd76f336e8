import { WebSocket } from 'ws';

/*
 * Test support for the signaling tests (not exported from the package): a bare WebSocket speaking the wire
 * protocol, without the call client's handshakes.
 */

/** A bare socket on a signaling server; every message it received is kept in order. */
export interface RawSocket {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  /** Resolves with the close code. */
  closed: Promise<number>;
  send(msg: unknown): void;
  /** The first received message matching `pred` (waits up to 5 s). */
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** Opens a bare socket; `cleanups` gets its termination. */
export async function rawSocket(url: string, cleanups: (() => unknown)[], options: { autoPong?: boolean } = {}): Promise<RawSocket> {
  const ws = new WebSocket(url, options);
  cleanups.push(() => ws.terminate());
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return {
    ws,
    messages,
    closed,
    send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    async next(pred) {
      for (const deadline = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 10))) {
        const found = messages.find(pred);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no matching message in 5 s; received: ${JSON.stringify(messages).slice(0, 500)}`);
      }
    },
  };
}
