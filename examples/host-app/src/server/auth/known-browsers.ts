import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookieValue, type CookiePolicy } from './sessions.js';

/*
 * A browser the practice has logged in from carries a signed "known browser" cookie for that user (OWASP's
 * device cookies). The login throttle holds such a browser back by its own failures only: a stranger who keeps
 * typing wrong passwords for the practice's user name, from however many addresses, slows down unknown browsers,
 * never the practice's own (issue 12: a stranger must not lock the practice out). The cookie carries no secret
 * of the practice and opens nothing by itself; a password is still needed.
 */

/** A known browser stays known this long after its last login. */
export const KNOWN_BROWSER_MAX_AGE_S = 180 * 24 * 3600;

const VALUE = /^[A-Za-z0-9_-]{22}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/;

export class KnownBrowsers {
  constructor(
    /** HMAC key; kept with the server's secrets so browsers stay known across restarts. */
    private readonly key: Uint8Array,
    private readonly policy: CookiePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  private name(): string {
    return this.policy.secure ? '__Host-pvskit-known-browser' : 'pvskit-known-browser';
  }

  private mac(user: string, id: string, issuedAt: string): Buffer {
    return createHmac('sha256', this.key).update(`${user}\n${id}\n${issuedAt}`).digest();
  }

  /** The `Set-Cookie` value marking this browser as known for `user` (the throttle's user key). */
  issue(user: string): string {
    const id = randomBytes(16).toString('base64url');
    const issuedAt = String(Math.floor(this.now() / 1000));
    const value = `${id}.${issuedAt}.${this.mac(user, id, issuedAt).toString('base64url')}`;
    return `${this.name()}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${KNOWN_BROWSER_MAX_AGE_S}${this.policy.secure ? '; Secure' : ''}`;
  }

  /** The browser's id when the request carries a valid, unexpired cookie for `user`; undefined otherwise. */
  idOf(req: IncomingMessage, user: string): string | undefined {
    const value = cookieValue(req, this.name(), VALUE);
    if (value === undefined) return undefined;
    const [id = '', issuedAt = '', mac = ''] = value.split('.');
    if (this.now() / 1000 - Number(issuedAt) > KNOWN_BROWSER_MAX_AGE_S) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(user, id, issuedAt);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }
}
