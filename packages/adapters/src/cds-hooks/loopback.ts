import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './auth.js';
import { CdsHttpError } from './errors.js';

/*
 * Without a token the service trusts whoever can reach it, and on loopback that is meant to be this machine's
 * PVS. A web page is not: a page on evil.example whose DNS name is re-pointed to 127.0.0.1 (DNS rebinding) can
 * call the service as its own origin, e.g. have billing-export write KVDT files it made up into the practice's
 * export directory. The browser still sends `Host: evil.example`, and it marks cross-site requests with
 * `Origin` and `Sec-Fetch-Site`, which pages cannot change; a PVS calling from a program sends neither.
 */

const PLAIN_LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/**
 * The host name of a Host header as the URL parser normalises it (`127.1` and `0x7f.1` → 127.0.0.1,
 * `[0:0:0:0:0:0:0:1]` → [::1], upper case → lower case, a trailing dot dropped); undefined unless the header is a
 * host with an optional port and nothing else.
 */
function hostNameOf(host: string): string | undefined {
  // The forms a PVS sends, without the URL parser (a measurable part of a fast call).
  const plain = PLAIN_LOCAL_HOST.exec(host);
  if (plain !== null) return (plain[1] ?? '').toLowerCase();
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
  return url.hostname.replace(/\.$/, '');
}

/** Names that reach this machine only: loopback addresses, `localhost` and its subdomains (RFC 6761). */
const isLocalName = (name: string): boolean => isLoopbackHost(name) || name.endsWith('.localhost');

/**
 * Refuses a request not addressed to a loopback name (Host, and the request target when it names a host), or
 * sent by a web page: an `Origin` other than the service's own (`http://` + Host), or a `Sec-Fetch-Site` other
 * than same-origin or none (typed by the user).
 */
export function requireLoopbackRequest(req: IncomingMessage): void {
  const host = req.headers.host;
  const name = host === undefined ? undefined : hostNameOf(host);
  // An absolute request target (`POST http://name/…`) names the host too, and takes precedence (RFC 9112 3.2.2).
  const target = req.url !== undefined && !req.url.startsWith('/') ? hostNameOf(req.url.replace(/^https?:\/\//i, '').split('/')[0] ?? '') : name;
  if (host === undefined || name === undefined || !isLocalName(name) || target === undefined || !isLocalName(target)) {
    throw new CdsHttpError(
      421,
      'HOST',
      `Host ${host === undefined ? '(none)' : JSON.stringify(host)} is not a loopback name: without a token the service answers only requests to localhost, 127.0.0.1 or [::1]`,
      'Die Anfrage war nicht an diesen Rechner (localhost) gerichtet und wurde abgelehnt.',
      { closeConnection: true },
    );
  }
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const foreignOrigin = origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`;
  if (foreignOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    throw new CdsHttpError(
      403,
      'CROSS_SITE',
      `request from a web page of another origin refused (Origin ${origin ?? '(none)'}, Sec-Fetch-Site ${site ?? '(none)'})`,
      'Anfragen fremder Webseiten an den pvskit-Dienst werden abgelehnt.',
    );
  }
}
