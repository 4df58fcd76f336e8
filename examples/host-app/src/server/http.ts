import type { IncomingMessage, ServerResponse } from 'node:http';
import { PvsKitError, ValidationError, validationIssueToJson } from '@pvskit/core';

/** Largest JSON body the API accepts; a case is a few kB, an export request lists case ids. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP error with a German message for the UI. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  body: () => Promise<unknown>;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** A route as listed by {@link Router.routes}: what the access rules and the route-enumeration test see. */
export interface RouteInfo {
  method: string;
  /** The pattern as registered, e.g. `/api/cases/:id`. */
  path: string;
}

/** A request matched to its route; `run` calls the handler. */
export interface MatchedRoute extends RouteInfo {
  run(): Promise<void>;
}

/** A minimal router: `/api/cases/:id` style patterns, exact method match. */
export class Router {
  private readonly table: Route[] = [];

  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\/:([A-Za-z]+)/g, (_m, key: string) => {
        keys.push(key);
        return '/([^/]+)';
      })}$`,
    );
    this.table.push({ method, path, pattern, keys, handler });
    return this;
  }

  /** Every registered route, in registration order. */
  routes(): RouteInfo[] {
    return this.table.map(({ method, path }) => ({ method, path }));
  }

  /**
   * The route for this request, undefined when no pattern matches the path, 405 when one matches but not the
   * method. Matching is separate from running so the server can check access before any handler runs.
   */
  match(req: IncomingMessage, res: ServerResponse, url: URL): MatchedRoute | undefined {
    let pathMatched = false;
    for (const route of this.table) {
      const m = route.pattern.exec(url.pathname);
      if (m === null) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      try {
        route.keys.forEach((key, i) => {
          params[key] = decodeURIComponent(m[i + 1] ?? '');
        });
      } catch {
        throw malformedPath();
      }
      let cached: Promise<unknown> | undefined;
      const body = (): Promise<unknown> => (cached ??= readJsonBody(req));
      return { method: route.method, path: route.path, run: async () => route.handler({ req, res, url, params, body }) };
    }
    if (pathMatched) throw new HttpError(405, 'METHOD', `method ${req.method ?? '?'} not allowed`, 'Diese Aktion ist hier nicht erlaubt.');
    return undefined;
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new HttpError(415, 'MEDIA_TYPE', 'expected Content-Type application/json', 'Die Anfrage hat ein unerwartetes Format.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'TOO_LARGE', `body larger than ${MAX_BODY_BYTES} bytes`, 'Die Anfrage ist zu groß.');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'JSON', 'body is not valid JSON', 'Die Anfrage ist kein gültiges JSON.');
  }
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Maps anything thrown by a route to a JSON error; internal errors keep their details out of the response. */
export function sendError(res: ServerResponse, error: unknown, log: (message: string, error: unknown) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: { code: error.code, message: error.message, userMessage: error.userMessage } });
  } else if (error instanceof ValidationError) {
    sendJson(res, 400, { error: { code: error.code, message: error.message, userMessage: 'Die Eingabe ist unvollständig oder ungültig.', issues: error.issues.map(validationIssueToJson) } });
  } else if (error instanceof PvsKitError) {
    const status = { NOT_FOUND: 404, AUTH: 401, FORBIDDEN: 403, LOCKED: 423, EXPIRED: 410, RATE_LIMITED: 429, CONFLICT: 409, EXPORT_REFUSED: 422 }[error.code as string] ?? 400;
    sendJson(res, status, { error: { code: error.code, message: error.message, userMessage: error.userMessage } });
  } else {
    log('host-app: internal error', error);
    sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal error', userMessage: 'Interner Fehler. Bitte erneut versuchen.' } });
  }
}

export function malformedPath(): HttpError {
  return new HttpError(400, 'PATH', 'malformed percent-encoding in path', 'Die Adresse ist ungültig.');
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `${what} not found`, `${what} nicht gefunden.`);
}
