import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http.js';

/*
 * Checks every request passes before any route runs (issue 12):
 * - the Host header is one of ours: a page on evil.example that re-points its DNS name to 127.0.0.1 (DNS
 *   rebinding) still sends `Host: evil.example` and is refused;
 * - a state-changing request comes from our own pages: `Origin` and `Sec-Fetch-Site` are set by the browser,
 *   not by the page, so a cross-site form or fetch is refused even before the cookie is looked at;
 * - a body-carrying method declares JSON, which no HTML form can send and no cross-site fetch can send without
 *   a CORS preflight we never answer.
 */

/** Where the server is reachable, from the browser's point of view. */
export interface Reachability {
  port: number;
  /** The address listened on. */
  listenHost: string;
  /** The name (with `:port` unless 443/80) browsers use when it is not a loopback name, e.g. `praxis.example.de`. */
  publicHost?: string;
  /** The app speaks TLS itself. */
  tls: boolean;
  /** Browsers reach `publicHost` through a TLS-terminating reverse proxy. */
  behindProxy: boolean;
  /** The patient pages' own origin, e.g. `https://video.praxis.example.de` (see {@link Audience}). */
  patientOrigin?: string;
}

/**
 * Whom a Host name serves. With a patient origin configured, the patient pages live on their own origin and
 * the PVS on its own: script on one can never read the other (same-origin policy), and the practice's session
 * cookie (host-only) never travels to the patient name.
 */
export type Audience = 'practice' | 'patient';

export interface RequestGuard {
  /** Host header values of the PVS (lower case). */
  readonly hosts: ReadonlySet<string>;
  /** Origins of the PVS, accepted on its state-changing requests. */
  readonly origins: ReadonlySet<string>;
  /** Host header value and origin of the patient pages when they have their own origin. */
  readonly patient?: { host: string; origin: string };
}

/** Parses a patient origin: `http(s)://name[:port]`, nothing after it. */
export function parsePatientOrigin(value: string): { host: string; origin: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`patient origin "${value}" is not a URL such as https://video.praxis.example.de`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new Error(`patient origin "${value}" must be http(s)://name[:port] and nothing else`);
  }
  return { host: url.host.toLowerCase(), origin: url.origin.toLowerCase() };
}

const bracket = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export function requestGuard(r: Reachability): RequestGuard {
  const hosts = new Set<string>();
  const origins = new Set<string>();
  const scheme = r.tls ? 'https' : 'http';
  const add = (name: string, port: number, s: string): void => {
    const withPort = `${bracket(name)}:${port}`.toLowerCase();
    hosts.add(withPort);
    origins.add(`${s}://${withPort}`);
    if (port === (s === 'https' ? 443 : 80)) {
      hosts.add(bracket(name).toLowerCase());
      origins.add(`${s}://${bracket(name).toLowerCase()}`);
    }
  };
  for (const name of ['localhost', '127.0.0.1', '::1']) add(name, r.port, scheme);
  if (isIP(r.listenHost.replace(/^\[|\]$/g, '')) !== 0 && !['0.0.0.0', '::'].includes(r.listenHost)) add(r.listenHost.replace(/^\[|\]$/g, ''), r.port, scheme);
  if (r.publicHost !== undefined) {
    const publicScheme = r.tls || r.behindProxy ? 'https' : 'http';
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(r.publicHost.toLowerCase());
    if (m === null) throw new Error(`public host "${r.publicHost}" is not a host name with optional :port`);
    const name = (m[1] ?? '').replace(/^\[|\]$/g, '');
    add(name, m[2] === undefined ? (publicScheme === 'https' ? 443 : 80) : Number(m[2]), publicScheme);
  }
  if (r.patientOrigin === undefined) return { hosts, origins };
  const patient = parsePatientOrigin(r.patientOrigin);
  // The patient name is the patients' only: the PVS is not served under it.
  hosts.delete(patient.host);
  origins.delete(patient.origin);
  return { hosts, origins, patient };
}

function refused(status: number, code: string, message: string, userMessage: string): HttpError {
  return new HttpError(status, code, message, userMessage);
}

const badTarget = (): HttpError => new HttpError(400, 'PATH', 'malformed request target', 'Die Adresse ist ungültig.');

/**
 * The request target as a URL on `base`. An origin-form target is a path: `//evil/api/x` is the path
 * `//evil/api/x`, not a URL naming the host `evil`. An absolute-form target (`GET http://name/path`) keeps its own
 * authority, which is the request's host (RFC 9112 §3.2.2: the Host header is ignored then); {@link checkHost}
 * checks that one.
 */
export function requestTarget(req: IncomingMessage, base: string): URL {
  const target = req.url ?? '/';
  try {
    if (target.startsWith('/')) return new URL(`${base}${target}`);
    if (/^https?:\/\//i.test(target)) return new URL(target);
  } catch {
    throw badTarget();
  }
  throw badTarget();
}

/** The host a request names: the absolute-form target's authority, else the Host header (lower case). */
function hostOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  if (target.startsWith('/')) return (req.headers.host ?? '').toLowerCase();
  const m = /^https?:\/\/([^/?#]*)/i.exec(target);
  return (m?.[1] ?? '').toLowerCase();
}

/** Whom the request's host names; refuses a name that is not ours (421: not served here). */
export function checkHost(req: IncomingMessage, guard: RequestGuard): Audience {
  const host = hostOf(req);
  if (guard.hosts.has(host)) return 'practice';
  if (guard.patient?.host === host) return 'patient';
  throw refused(421, 'HOST', `host "${host.slice(0, 100)}" is not served here`, 'Diese Adresse wird von der Praxissoftware nicht bedient.');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses a foreign origin (WebSocket upgrades and state-changing requests); `audience` from {@link checkHost}. */
export function checkOrigin(req: IncomingMessage, guard: RequestGuard, audience: Audience = 'practice'): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    throw refused(403, 'CROSS_SITE', `cross-site request refused (Sec-Fetch-Site: ${site})`, 'Anfragen von fremden Webseiten werden abgelehnt.');
  }
  const origin = req.headers.origin;
  const allowed = audience === 'patient' ? origin?.toLowerCase() === guard.patient?.origin : guard.origins.has(origin?.toLowerCase() ?? '');
  if (origin !== undefined && !allowed) {
    throw refused(403, 'CROSS_SITE', `origin "${origin.slice(0, 100)}" refused`, 'Anfragen von fremden Webseiten werden abgelehnt.');
  }
}

/**
 * Reads of PVS data come from the PVS's own pages or a typed address / bookmark (`Sec-Fetch-Site` same-origin
 * or none). A page of another port on the same machine is same-site, and SameSite cookies travel to it: it cannot
 * read the answer, but it can tell 200 from 404 (which patient ids exist) by a script or image tag.
 */
export function checkPracticeRead(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw refused(403, 'CROSS_SITE', `request from another site refused (Sec-Fetch-Site: ${site})`, 'Anfragen von fremden Webseiten werden abgelehnt.');
  }
}

/** Checks of a state-changing request: same origin, JSON body. */
export function checkStateChange(req: IncomingMessage, guard: RequestGuard, audience: Audience = 'practice'): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  checkOrigin(req, guard, audience);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw refused(415, 'MEDIA_TYPE', `${req.method ?? '?'} requests must send Content-Type application/json`, 'Die Anfrage hat ein unerwartetes Format.');
  }
}

/**
 * In reverse-proxy mode only the proxies may connect: a client on the network talking to the app directly would
 * speak plain HTTP and pass by whatever the proxy enforces (TLS, client certificates, address rules).
 * `proxies` is empty when the app is not behind a proxy (or speaks TLS itself).
 */
export function checkPeer(req: IncomingMessage, proxies: ReadonlySet<string>): void {
  if (proxies.size === 0) return;
  const peer = normaliseAddress(req.socket.remoteAddress ?? '');
  if (!proxies.has(peer)) {
    throw refused(403, 'PROXY', `${peer} is not a trusted proxy; connect through the reverse proxy`, 'Die Praxissoftware ist nur über ihre Adresse (Reverse-Proxy) erreichbar.');
  }
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted reverse proxy, the last address in
 * `X-Forwarded-For` the proxy appended. Untrusted peers cannot choose their address by sending the header.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = normaliseAddress(req.socket.remoteAddress ?? '');
  if (!trustedProxies.has(peer)) return peer;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => normaliseAddress(withoutPort(a.trim())))
    .filter((a) => a !== '');
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const a = forwarded[i] as string;
    if (!trustedProxies.has(a)) return a;
  }
  return peer;
}

/**
 * An `X-Forwarded-For` entry without the port some proxies append (`203.0.113.7:51234`, `[2001:db8::7]:51234`):
 * with the port, every connection of one client would be a fresh address to the throttles.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed !== null) return bracketed[1] ?? entry;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(entry);
  return v4 === null ? entry : (v4[1] ?? entry);
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 peers on a dual-stack socket match their configured form. */
export function normaliseAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1').toLowerCase();
}
