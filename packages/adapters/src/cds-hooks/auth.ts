import * as crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CdsHttpError } from './errors.js';

// The one-shot crypto.hash (Node ≥ 20.12) costs a third of a Hash object per request; older Node 20 lacks it.
const oneShot: typeof crypto.hash | undefined = crypto.hash;
const digest = (value: string): Buffer =>
  oneShot === undefined ? crypto.createHash('sha256').update(value, 'utf8').digest() : oneShot('sha256', value, 'buffer');

/**
 * Checks `Authorization: Bearer <token>` against the shared secret in constant time (both sides hashed to
 * equal length first, so neither content nor length leaks through timing).
 */
export function requireBearer(req: IncomingMessage, expected: Buffer): void {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = match?.[1];
  if (given === undefined || !crypto.timingSafeEqual(digest(given), expected)) {
    throw new CdsHttpError(
      401,
      'UNAUTHORIZED',
      header === undefined ? 'missing bearer token' : 'wrong bearer token',
      'Zugriff verweigert: Zugangsschlüssel fehlt oder ist falsch.',
      { headers: { 'www-authenticate': 'Bearer realm="pvskit"' } },
    );
  }
}

/** The digest a handler keeps instead of the token itself. */
export function tokenDigest(token: string): Buffer {
  return digest(token);
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  // ::ffff:7fxx:xxxx is how the URL parser writes an IPv4-mapped 127.x.y.z.
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)
  );
}
