import { PvsKitError } from '@pvskit/core';
import { CLOSE_CODES, serverMessageSchema, type ServerMessage } from '../signaling/protocol.js';
import type { CallRole } from './e2e.js';
import type { WebSocketConstructorLike, WebSocketLike } from './types.js';

/*
 * The connection to the signaling relay: hello (with ticket and resume token), an outbox until we are in a
 * room, reconnects with backoff, and the resume token kept fresh. It knows nothing of handshakes or media.
 */

const OPEN = 1;
/** Messages kept while not in a room (reconnecting); beyond it they are dropped. */
const MAX_OUTBOX = 1000;

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructorLike | undefined;
  appointmentId: string;
  role: CallRole;
  ticket: string | undefined;
  /** Reconnect attempts after a drop. Default 30. */
  maxReconnectAttempts: number | undefined;
  /** First reconnect delay, doubling up to 2 s. Default 100 ms. */
  reconnectDelayMs: number | undefined;
}

export interface ConnectionHandlers {
  message(msg: ServerMessage): void;
  /** The connection is gone for good (refused, left, unreachable). */
  failed(error: PvsKitError): void;
  reconnecting(attempt: number): void;
  /** A handler threw. */
  error(error: PvsKitError): void;
}

export class SignalingConnection {
  /** Our participant id once the relay welcomed us. */
  peerId: string | undefined;
  private ws: WebSocketLike | undefined;
  private readonly outbox: string[] = [];
  private resumeToken: string | undefined;
  private reconnectAttempt = 0;
  private fatalError: PvsKitError | undefined;
  private stopped = false;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {}

  open(): void {
    const Ctor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (Ctor === undefined) {
      this.handlers.failed(new PvsKitError('CONFIG', 'No WebSocket implementation: pass options.WebSocket'));
      return;
    }
    const ws = new Ctor(this.options.url);
    this.ws = ws;
    ws.onopen = () => {
      const hello: Record<string, unknown> = { t: 'hello', appointmentId: this.options.appointmentId, role: this.options.role };
      if (this.options.ticket !== undefined) hello.ticket = this.options.ticket;
      if (this.resumeToken !== undefined) hello.resume = this.resumeToken;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      let msg: ServerMessage;
      try {
        msg = serverMessageSchema.parse(JSON.parse(text));
      } catch {
        return;
      }
      try {
        this.handlers.message(msg);
      } catch (cause) {
        this.handlers.error(cause instanceof PvsKitError ? cause : new PvsKitError('INTERNAL', String(cause)));
      }
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.onClosed(event.code);
    };
  }

  /** The relay welcomed us: our id and token; what waited in the outbox goes now. */
  joined(peerId: string, resumeToken: string): void {
    this.peerId = peerId;
    this.resumeToken = resumeToken;
    this.reconnectAttempt = 0;
    for (const text of this.outbox.splice(0)) this.ws?.send(text);
  }

  /** A fresh resume token (on admission, and with every heartbeat). */
  refreshToken(resumeToken: string): void {
    this.resumeToken = resumeToken;
  }

  /** The relay announced a fatal error; it explains the close that follows. */
  fatal(error: PvsKitError): void {
    this.fatalError = error;
  }

  send(msg: Record<string, unknown>): void {
    const text = JSON.stringify(msg);
    if (this.ws !== undefined && this.ws.readyState === OPEN && this.peerId !== undefined) this.ws.send(text);
    else if (this.outbox.length < MAX_OUTBOX) this.outbox.push(text);
  }

  /** Closes for good; with `leave` the relay frees our slot at once (hang-up), otherwise it keeps it for resume. */
  stop(reason: string, leave = false): void {
    this.stopped = true;
    const ws = this.ws;
    if (ws === undefined) return;
    if (leave && ws.readyState === OPEN) ws.send(JSON.stringify({ t: 'leave' }));
    ws.close(1000, reason);
  }

  private onClosed(code: number): void {
    if (this.stopped) return;
    const fatalCodes: number[] = [CLOSE_CODES.refused, CLOSE_CODES.rateLimited, CLOSE_CODES.protocol, CLOSE_CODES.left];
    if (fatalCodes.includes(code) || this.peerId === undefined) {
      this.handlers.failed(
        this.fatalError ?? new PvsKitError('TRANSPORT', `Signaling connection closed (${code})`, { userMessage: 'Verbindung zum Server getrennt.' }),
      );
      return;
    }
    if (this.reconnectAttempt >= (this.options.maxReconnectAttempts ?? 30)) {
      this.handlers.failed(new PvsKitError('TRANSPORT', 'Signaling server unreachable', { userMessage: 'Der Server ist nicht erreichbar.' }));
      return;
    }
    const attempt = ++this.reconnectAttempt;
    this.handlers.reconnecting(attempt);
    const delay = Math.min(2000, (this.options.reconnectDelayMs ?? 100) * 2 ** (attempt - 1));
    setTimeout(() => {
      if (!this.stopped) this.open();
    }, delay);
  }
}
