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

/** The name part of a Host header: `[::1]:8080` → `[::1]`, `localhost:8080` → `localhost`. */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}

/** Refuses a request not addressed to a loopback name, or sent by a web page of another origin. */
export function requireLoopbackRequest(req: IncomingMessage): void {
  const host = req.headers.host;
  if (host === undefined || !isLoopbackHost(hostName(host))) {
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
  const foreignOrigin = origin !== undefined && origin !== 'null' && !isLoopbackHost(originHost(origin) ?? '');
  if (foreignOrigin || origin === 'null' || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    throw new CdsHttpError(
      403,
      'CROSS_SITE',
      `request from a web page of another origin refused (Origin ${origin ?? '(none)'}, Sec-Fetch-Site ${site ?? '(none)'})`,
      'Anfragen fremder Webseiten an den pvskit-Dienst werden abgelehnt.',
    );
  }
}
