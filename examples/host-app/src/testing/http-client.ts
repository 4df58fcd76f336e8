/*
 * Test clients of the app server over real HTTP: `request` sends exactly the headers given (a foreign Host, a
 * form's Content-Type, no cookie), `AppClient` is a logged-in practice browser with its cookie.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { DemoCredentials } from '../server/index.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** CA certificate for an HTTPS server with a test certificate. */
  ca?: string | Buffer;
  /** Local address to connect from, e.g. `127.0.0.2` to be another machine than the proxy at 127.0.0.1. */
  localAddress?: string;
}

/** One HTTP(S) request with exactly these headers (plus Content-Length for a body). */
export function request(url: string, init: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: init.method ?? 'GET',
        headers: { ...(init.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(init.body)) }), ...init.headers },
        ...(init.ca === undefined ? {} : { ca: init.ca }),
        ...(init.localAddress === undefined ? {} : { localAddress: init.localAddress }),
        timeout: 20_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text: bytes.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * Bytes written as they are to a plain-HTTP server on 127.0.0.1: request lines no HTTP client sends (an
 * absolute-form target, `..` in the path, no Host). Resolves with the status and the body after the headers.
 */
export function rawRequest(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // Written, not ended: a half-closed socket may be dropped before an asynchronous answer. `Connection: close` ends it.
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const head = answer.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0), body: head < 0 ? '' : answer.slice(head + 4) });
    });
  });
}

/** The `name=value` part of a Set-Cookie header. */
export function cookieOf(res: RawResponse): string | undefined {
  const set = res.headers['set-cookie']?.[0];
  return set?.split(';')[0];
}

/** A practice user's browser: same-origin JSON requests with the session cookie. */
export class AppClient {
  cookie: string | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly ca?: string | Buffer,
  ) {}

  async login(credentials: Pick<DemoCredentials, 'organisation' | 'user' | 'password'>): Promise<RawResponse> {
    const res = await this.send('POST', '/api/login', { organisation: credentials.organisation, user: credentials.user, password: credentials.password });
    if (res.status === 200) this.cookie = cookieOf(res);
    return res;
  }

  /** A JSON request as the app's own page sends it (Origin and Sec-Fetch-Site of the app). */
  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return request(`${this.baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json', origin: this.baseUrl, 'sec-fetch-site': 'same-origin' }),
        ...(this.cookie === undefined ? {} : { cookie: this.cookie }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(this.ca === undefined ? {} : { ca: this.ca }),
    });
  }

  /** GET without a body, POST with one (default `{}`); status and parsed JSON. */
  async json<T>(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: T }> {
    const method = init?.method ?? (init?.body === undefined ? 'GET' : 'POST');
    const res = await this.send(method, path, method === 'GET' ? undefined : (init?.body ?? {}));
    return { status: res.status, body: (res.text === '' ? undefined : JSON.parse(res.text)) as T };
  }
}
