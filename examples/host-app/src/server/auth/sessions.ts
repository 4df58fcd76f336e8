import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PvsKitError } from '@pvskit/core';
import type { PracticeSession } from '@pvskit/video';

/*
 * Login sessions of the app server. The cookie carries a random token only; the practice session behind it
 * (and with it the practice data key) lives in this process's memory and is wiped at logout, expiry or stop.
 * Nothing of it is written to disk: after a restart the practice logs in again.
 */

/** Idle time after which a session ends. */
export const SESSION_IDLE_MS = 8 * 3600_000;
/** A session ends after this long however busy (one working day plus a Notfalldienst night). */
export const SESSION_MAX_MS = 16 * 3600_000;

interface LiveSession {
  practice: PracticeSession;
  createdAt: number;
  lastSeenAt: number;
}

/** Cookie attributes follow the transport: `Secure` and the `__Host-` prefix only where the browser gets TLS. */
export interface CookiePolicy {
  secure: boolean;
}

export function cookieName(policy: CookiePolicy): string {
  // __Host-: the browser accepts it only with Secure, Path=/ and no Domain, so no sibling host can set it.
  return policy.secure ? '__Host-pvskit-session' : 'pvskit-session';
}

export function sessionCookie(policy: CookiePolicy, token: string): string {
  return `${cookieName(policy)}=${token}; Path=/; HttpOnly; SameSite=Strict${policy.secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(policy: CookiePolicy): string {
  return `${cookieName(policy)}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${policy.secure ? '; Secure' : ''}`;
}

/** The value of the first cookie called `name` that has the form `pattern`. */
export function cookieValue(req: IncomingMessage, name: string, pattern: RegExp): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      if (pattern.test(value)) return value;
    }
  }
  return undefined;
}

const tokenFrom = (req: IncomingMessage, policy: CookiePolicy): string | undefined => cookieValue(req, cookieName(policy), /^[A-Za-z0-9_-]{43}$/);

export class SessionStore {
  private readonly live = new Map<string, LiveSession>();

  constructor(
    private readonly policy: CookiePolicy,
    private readonly endPractice: (session: PracticeSession) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session; the answer's `Set-Cookie` value. */
  open(practice: PracticeSession): string {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    this.live.set(token, { practice, createdAt: t, lastSeenAt: t });
    return sessionCookie(this.policy, token);
  }

  /** The practice session of a request's cookie, if live; touches it. */
  lookup(req: IncomingMessage): PracticeSession | undefined {
    const token = tokenFrom(req, this.policy);
    if (token === undefined) return undefined;
    const s = this.live.get(token);
    if (s === undefined) return undefined;
    const t = this.now();
    if (t - s.lastSeenAt > SESSION_IDLE_MS || t - s.createdAt > SESSION_MAX_MS) {
      this.end(token);
      return undefined;
    }
    s.lastSeenAt = t;
    return s.practice;
  }

  /** Ends the request's session (if any); the answer's `Set-Cookie` value that clears the cookie. */
  close(req: IncomingMessage): string {
    const token = tokenFrom(req, this.policy);
    if (token !== undefined) this.end(token);
    return clearedSessionCookie(this.policy);
  }

  /** Ends sessions past their time; returns how many. */
  sweep(): number {
    let n = 0;
    const t = this.now();
    for (const [token, s] of this.live) {
      if (t - s.lastSeenAt > SESSION_IDLE_MS || t - s.createdAt > SESSION_MAX_MS) {
        this.end(token);
        n++;
      }
    }
    return n;
  }

  closeAll(): void {
    for (const token of [...this.live.keys()]) this.end(token);
  }

  private end(token: string): void {
    const s = this.live.get(token);
    this.live.delete(token);
    if (s !== undefined) this.endPractice(s.practice);
  }
}

/*
 * The practice session of the request being handled. Route handlers and the video plugin (called through the
 * kit) read it from here, so code that needs the data key never sees a session it was not handed by a login.
 */
const current = new AsyncLocalStorage<PracticeSession>();

export function runAsPractice<T>(session: PracticeSession, fn: () => T): T {
  return current.run(session, fn);
}

/** The logged-in practice of this request; AUTH outside a practice request. */
export function currentPracticeSession(): PracticeSession {
  const session = current.getStore();
  if (session === undefined) {
    throw new PvsKitError('AUTH', 'no practice session in this request', { userMessage: 'Bitte melden Sie sich an.' });
  }
  return session;
}
