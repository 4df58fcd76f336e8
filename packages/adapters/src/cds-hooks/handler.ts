import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  formatJsonPath,
  hookDefinition,
  isHookName,
  isPvsKitError,
  safeParseWith,
  silentLogger,
  ValidationError,
  validationIssueToJson,
  type HookName,
  type JsonPath,
  type Logger,
  type ValidationIssue,
} from '@pvskit/core';
import { tokenDigest, requireBearer } from './auth.js';
import { parseJsonBody, readBody, requireJsonContentType, type BodyLimits } from './body.js';
import { sendJson } from './answer.js';
import { CdsHttpError, type CdsErrorIssue } from './errors.js';
import { requireLoopbackRequest } from './loopback.js';
import {
  cdsFeedbackRequestSchema,
  cdsRequestSchema,
  readCdsRequest,
  servedSchemaJson,
  servedSchemaNames,
  type CdsDiscovery,
  type CdsRequest,
  type CdsService,
} from './schemas.js';
import type { CdsHooksKit } from './types.js';

/** The kit's description of one service (plugin × hook). */
type KitService = ReturnType<CdsHooksKit['services']>[number];

/** Options of {@link createCdsHooksHandler}. */
export interface CdsHooksHandlerOptions {
  /** The kit whose plugins are served; one CDS Hooks service per plugin × hook. */
  kit: CdsHooksKit;
  /**
   * Shared secret: when set, every request must carry `Authorization: Bearer <token>` (compared in constant
   * time). Required by {@link startCdsHooksServer} on a non-loopback address.
   */
  token?: string;
  /** Largest accepted request body in bytes; default 1 MiB. Larger bodies get 413 and are not read. */
  maxBodyBytes?: number;
  /** Deepest accepted JSON nesting; default 64. */
  maxDepth?: number;
  /** Time to receive a request body, in ms; default 10 000 (slow senders get 408). */
  bodyTimeoutMs?: number;
  /** Path the routes live under, e.g. `/api` → `/api/cds-services`; default none. */
  basePath?: string;
  /**
   * CDS Hooks prefetch templates per hook, published in discovery. pvskit contexts carry the whole case,
   * so none are needed by default; a host with a FHIR server may add them.
   */
  prefetch?: Partial<Record<HookName, Record<string, string>>>;
  /** Where unexpected errors are logged; silent by default. */
  logger?: Logger;
  /**
   * Write the JSON answers of one event-loop turn together at its end instead of each at once; default false.
   * Under load this saves the client's wake-up per answer (about 30 % of the service's CPU time on loopback);
   * an answer waits at most for the rest of its turn. The handler's promise may then resolve before the answer
   * is written, so a host that inspects `res` after it (status, headers) leaves this off.
   * {@link startCdsHooksServer} turns it on.
   */
  batchAnswers?: boolean;
  /**
   * Answer only requests addressed to a loopback name (`Host` localhost, 127.0.0.1, [::1]; 421 `HOST`) and not
   * sent by a web page of another origin (`Origin`, `Sec-Fetch-Site`; 403 `CROSS_SITE`): without a token, a page
   * whose DNS name points at 127.0.0.1 could otherwise call the service (DNS rebinding). Default: on without
   * `token`, off with one. A host that checks Host and Origin itself for every request (as the sample host app
   * does for its public name) may turn it off.
   */
  loopbackOnly?: boolean;
}

/**
 * A request handler for `node:http`. Resolves `true` when it answered the request, `false` when the path is
 * not one of its routes (so a host server can try its own). Never rejects.
 */
export type CdsHooksHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Default body limit (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** How long a refused request's connection stays open (not read from) after the answer before it is cut. */
const LINGER_MS = 1_000;

/**
 * Answers with `Connection: close`, but closes gently: Node would drain the rest of the body and then destroy
 * the socket at once, and a client still sending would get a reset and lose the answer. Instead reading
 * stops, the answer is followed by a FIN, and the socket is cut after LINGER_MS.
 */
function lingerThenClose(req: IncomingMessage): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  socket.destroySoon = (): void => {
    req.pause();
    socket.pause();
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once('close', () => clearTimeout(timer));
  };
}

const hangUps = new WeakMap<Socket, AbortSignal>();

/**
 * Aborted when the client's connection closes: a client that hangs up mid-call stops the plugins (no strike
 * for them). One per connection, not per request (an AbortController and two listener changes per call are
 * a measurable part of a fast one); an answered call no longer listens, so only unanswered calls stop.
 */
function hangUpSignal(req: IncomingMessage): AbortSignal {
  const socket = req.socket;
  let signal = hangUps.get(socket);
  if (signal === undefined) {
    const controller = new AbortController();
    signal = controller.signal;
    hangUps.set(socket, signal);
    if (socket.destroyed) controller.abort();
    else socket.once('close', () => controller.abort());
  }
  return signal;
}

// A request target of plain path characters without dot segments, query or fragment is its own pathname.
const PLAIN_PATH = /^(?!\/\/)(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_~.-]*)+$/;

/** The request's pathname; `new URL` (a measurable part of a fast call) only for targets that need it. */
export function pathOf(url: string | undefined): string | undefined {
  const target = url ?? '/';
  if (PLAIN_PATH.test(target)) return target;
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

export type Route =
  | { kind: 'discovery' }
  | { kind: 'service'; id: string }
  | { kind: 'feedback'; id: string }
  | { kind: 'schema-index' }
  | { kind: 'schema'; name: string }
  | { kind: 'unknown' };

const SERVICES = '/cds-services/';

/** The route of a pathname below the base path; undefined when it is none of the service's. */
export function route(path: string): Route | undefined {
  if (path.startsWith(SERVICES) && path.length > SERVICES.length) return serviceRoute(path.slice(SERVICES.length));
  if (path === '/cds-services' || path === SERVICES) return { kind: 'discovery' };
  if (path === '/schemas' || path === '/schemas/') return { kind: 'schema-index' };
  const schema = /^\/schemas\/([A-Za-z0-9-]+)\.json$/.exec(path);
  if (schema?.[1] !== undefined) return { kind: 'schema', name: schema[1] };
  if (path.startsWith('/schemas/')) return { kind: 'unknown' };
  return undefined;
}

/** `{id}` or `{id}/feedback` below `/cds-services/` (the calls: checked first, without regex or split). */
function serviceRoute(rest: string): Route {
  const slash = rest.indexOf('/');
  const raw = slash === -1 ? rest : rest.slice(0, slash);
  let id: string;
  try {
    id = raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return { kind: 'unknown' };
  }
  if (id === '') return { kind: 'unknown' };
  if (slash === -1) return { kind: 'service', id };
  if (rest.slice(slash + 1) === 'feedback') return { kind: 'feedback', id };
  return { kind: 'unknown' };
}

function methodNotAllowed(method: string | undefined, allowed: string): CdsHttpError {
  return new CdsHttpError(405, 'METHOD_NOT_ALLOWED', `method ${method ?? '?'} not allowed here; use ${allowed}`, 'Diese Anfrageart ist hier nicht erlaubt.', {
    headers: { allow: allowed },
  });
}

function notFound(what: string): CdsHttpError {
  return new CdsHttpError(404, 'NOT_FOUND', `${what} not found`, 'Nicht gefunden.');
}

function validationHttpError(validationIssues: readonly ValidationIssue[], subject: string): CdsHttpError {
  const issues: CdsErrorIssue[] = validationIssues.map(validationIssueToJson);
  const first = issues[0];
  return new CdsHttpError(
    400,
    'VALIDATION',
    `${subject} is invalid${first === undefined ? '' : ` at ${first.path}: ${first.message}`}`,
    `Die Anfrage ist ungültig${first === undefined ? '' : ` bei ${first.path}`}.`,
    { ...(first === undefined ? {} : { path: first.path }), issues: [...issues] },
  );
}

/** The envelope as zod reads it: for what the fast reader refused, so zod names the problems. */
function zodRequest(body: unknown): CdsRequest {
  const envelope = safeParseWith(cdsRequestSchema, body);
  if (!envelope.ok) throw validationHttpError(envelope.issues, 'request');
  return envelope.value;
}

/** Issues of a part of the request (e.g. its `context`), located from the request's root. */
function under(prefix: JsonPath, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message }));
}

/**
 * Creates the CDS Hooks HTTP handler: `GET /cds-services` (discovery), `POST /cds-services/{id}` (cards),
 * `POST /cds-services/{id}/feedback`, `GET /schemas/<name>.json` (JSON Schemas) and `GET /schemas` (their
 * names). Errors are JSON `{ "error": { code, message, userMessage, path?, issues? } }`.
 *
 * @example
 * ```ts
 * const cds = createCdsHooksHandler({ kit });
 * http.createServer(async (req, res) => {
 *   if (await cds(req, res)) return;
 *   serveMyApp(req, res);
 * });
 * ```
 */
export function createCdsHooksHandler(options: CdsHooksHandlerOptions): CdsHooksHandler {
  const { kit } = options;
  const limits: BodyLimits = {
    maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxDepth: options.maxDepth ?? 64,
    timeoutMs: options.bodyTimeoutMs ?? 10_000,
  };
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const secret = options.token === undefined ? undefined : tokenDigest(options.token);
  const logger = options.logger ?? silentLogger;
  const atEndOfTurn = options.batchAnswers === true;
  const loopbackOnly = options.loopbackOnly ?? options.token === undefined;
  const answer = (res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>): void =>
    sendJson(res, status, value, headers, atEndOfTurn);

  const cdsService = (s: KitService): CdsService => {
    const prefetch = options.prefetch?.[s.hook];
    return {
      hook: s.hook,
      hookVersion: hookDefinition(s.hook).version,
      title: s.title,
      description: s.description,
      id: s.id,
      ...(prefetch === undefined ? {} : { prefetch }),
      pluginId: s.pluginId,
      extension: { 'de.pvskit.contextSchema': `${basePath}/schemas/${s.hook}-context.json` },
    };
  };
  const discovery = (): CdsDiscovery => ({ services: kit.services().map(cdsService) });
  // A call needs only the kit's descriptor of its service, not the discovery entry.
  const findService = (id: string): KitService | undefined => {
    for (const s of kit.services()) if (s.id === id) return s;
    return undefined;
  };

  async function jsonBody(req: IncomingMessage): Promise<unknown> {
    requireJsonContentType(req);
    return parseJsonBody(await readBody(req, limits), limits.maxDepth);
  }

  async function callService(req: IncomingMessage, res: ServerResponse, service: KitService): Promise<void> {
    const body = await jsonBody(req);
    const { hook, hookInstance, context } = readCdsRequest(body) ?? zodRequest(body);
    if (hook !== service.hook || !isHookName(hook)) {
      throw validationHttpError([{ path: ['hook'], message: `service "${service.id}" serves hook "${service.hook}", got "${hook}"` }], 'request');
    }
    // Where files go is the host's decision, never a remote caller's (billing-export writes below its own directory).
    if (hook === 'billing-export' && typeof context === 'object' && context !== null && 'outDir' in context) {
      throw validationHttpError([{ path: ['context', 'outDir'], message: 'remote callers cannot choose the export directory' }], 'request');
    }
    try {
      const result = await kit.relayHook(hook, context, { hookInstance, pluginIds: [service.pluginId], signal: hangUpSignal(req) });
      answer(res, 200, { cards: result.cards });
    } catch (error) {
      if (error instanceof ValidationError) {
        const inContext = error.subject.endsWith('context');
        throw validationHttpError(inContext ? under(['context'], error.issues) : error.issues, 'request');
      }
      if (isPvsKitError(error) && error.code === 'PLUGIN_NOT_FOUND') throw notFound(`service "${service.id}"`);
      throw error;
    }
  }

  async function feedback(req: IncomingMessage, res: ServerResponse, service: KitService): Promise<void> {
    const body = await jsonBody(req);
    const parsed = safeParseWith(cdsFeedbackRequestSchema, body);
    if (!parsed.ok) throw validationHttpError(parsed.issues, 'feedback');
    let recorded = 0;
    for (const [index, entry] of parsed.value.feedback.entries()) {
      try {
        kit.feedback(entry);
        recorded++;
      } catch (error) {
        if (error instanceof ValidationError) {
          throw validationHttpError(under(['feedback', index], error.issues), 'feedback');
        }
        if (isPvsKitError(error) && error.code === 'NOT_FOUND') {
          const field = error.details?.['suggestion'] === undefined ? 'card' : 'acceptedSuggestions';
          throw new CdsHttpError(
            404,
            'NOT_FOUND',
            `${error.message} (service "${service.id}"; ${recorded} earlier entries recorded)`,
            error.userMessage,
            { path: formatJsonPath(['feedback', index, field]) },
          );
        }
        throw error;
      }
    }
    answer(res, 200, { recorded });
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, target: Route): Promise<void> {
    if (loopbackOnly) requireLoopbackRequest(req);
    if (secret !== undefined) requireBearer(req, secret);
    const method = req.method ?? 'GET';
    switch (target.kind) {
      case 'discovery':
        if (method !== 'GET') throw methodNotAllowed(method, 'GET');
        answer(res, 200, discovery());
        return;
      case 'schema-index':
        if (method !== 'GET') throw methodNotAllowed(method, 'GET');
        answer(res, 200, { schemas: servedSchemaNames().map((name) => `${basePath}/schemas/${name}.json`) });
        return;
      case 'schema': {
        if (method !== 'GET') throw methodNotAllowed(method, 'GET');
        const text = servedSchemaJson(target.name);
        if (text === undefined) throw notFound(`schema "${target.name}" (known: ${servedSchemaNames().join(', ')})`);
        res.writeHead(200, {
          'content-type': 'application/schema+json; charset=utf-8',
          'content-length': String(Buffer.byteLength(text)),
          'x-content-type-options': 'nosniff',
        });
        res.end(text);
        return;
      }
      case 'service':
      case 'feedback': {
        if (method !== 'POST') throw methodNotAllowed(method, 'POST');
        const service = findService(target.id);
        if (service === undefined) throw notFound(`CDS service "${target.id}"`);
        await (target.kind === 'service' ? callService(req, res, service) : feedback(req, res, service));
        return;
      }
      case 'unknown':
        throw notFound(`path ${req.url ?? ''}`);
    }
  }

  function answerError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    let http: CdsHttpError;
    if (error instanceof CdsHttpError) {
      http = error;
    } else {
      logger.error('pvskit cds-hooks: unexpected error', { error: error instanceof Error ? error.message : String(error), url: req.url });
      http = new CdsHttpError(500, 'INTERNAL', 'internal error', 'Interner Fehler im pvskit-Dienst.');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body we did not read (refused early or too large) is never read to its end: after the answer the
    // connection lingers unread for a moment, then is cut. Closing at once would make the kernel reset it
    // while the client is still sending, and the client could lose the answer.
    const close = http.extra.closeConnection === true || !req.complete;
    if (close) lingerThenClose(req);
    answer(res, http.status, http.body(), { ...(http.extra.headers ?? {}), ...(close ? { connection: 'close' } : {}) });
  }

  return async (req, res) => {
    let path = pathOf(req.url);
    if (path === undefined) return false;
    if (basePath !== '') {
      if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
      path = path.slice(basePath.length) || '/';
    }
    const target = route(path);
    if (target === undefined) return false;
    try {
      await dispatch(req, res, target);
    } catch (error) {
      answerError(req, res, error);
    }
    return true;
  };
}
