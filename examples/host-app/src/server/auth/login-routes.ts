import type { IncomingMessage } from 'node:http';
import { isPvsKitError, parseWith, type Logger } from '@pvskit/core';
import type { PracticeSession } from '@pvskit/video';
import { z } from 'zod';
import type { LoginResponse } from '../../shared/api.js';
import { HttpError, sendJson, type Router } from '../http.js';
import type { KnownBrowsers } from './known-browsers.js';
import type { SessionStore } from './sessions.js';
import { userKey, type LoginThrottle } from './throttle.js';

const loginBodySchema = z.strictObject({
  organisation: z.string().trim().min(1).max(64),
  user: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

/** Logins waiting for Argon2id at most; beyond that the server is busy rather than out of memory. */
const MAX_WAITING_LOGINS = 4;

export interface LoginDeps {
  sessions: SessionStore;
  throttle: LoginThrottle;
  knownBrowsers: KnownBrowsers;
  /** The keyring login; undefined when the video module (which holds the keyring) is unavailable. */
  login: ((c: { organisation: string; user: string; password: string }) => Promise<PracticeSession>) | undefined;
  addressOf(req: IncomingMessage): string;
  logger: Logger;
}

const wrongLogin = (): HttpError =>
  new HttpError(401, 'AUTH', 'login failed', 'Anmeldung fehlgeschlagen: Kurzname der Praxis, Benutzername oder Passwort ist falsch.');

/** `POST /api/login`, `POST /api/logout`, `GET /api/session`. */
export function registerLoginRoutes(router: Router, deps: LoginDeps): void {
  const { sessions, throttle, knownBrowsers } = deps;
  // One Argon2id derivation at a time: each takes tens of MiB, and parallel tries must not exhaust the machine.
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  router.on('POST', '/api/login', async ({ req, res, body }) => {
    const input = parseWith(loginBodySchema, await body(), 'login');
    const who = userKey(`${input.organisation}|${input.user}`);
    const address = deps.addressOf(req);
    const browser = knownBrowsers.idOf(req, who);
    const wait = throttle.waitMs(who, address, browser);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      res.setHeader('retry-after', String(seconds));
      throw new HttpError(429, 'RATE_LIMITED', `too many failed logins; retry in ${seconds} s`, `Zu viele Fehlversuche. Bitte in ${seconds} Sekunden erneut versuchen.`);
    }
    const login = deps.login;
    if (login === undefined) throw new HttpError(503, 'UNAVAILABLE', 'keyring unavailable', 'Die Anmeldung ist derzeit nicht möglich (Videomodul nicht verfügbar).');
    if (waiting >= MAX_WAITING_LOGINS) {
      res.setHeader('retry-after', '2');
      throw new HttpError(503, 'BUSY', 'too many logins at once', 'Der Server ist gerade beschäftigt. Bitte gleich erneut versuchen.');
    }
    waiting++;
    const attempt = queue.then(() => login(input));
    queue = attempt.catch(() => undefined);
    let practice: PracticeSession;
    try {
      practice = await attempt;
    } catch (error) {
      if (!isPvsKitError(error) || (error.code !== 'AUTH' && error.code !== 'FORBIDDEN')) throw error;
      throttle.failed(who, address, browser);
      deps.logger.warn('host-app: failed login', { address, knownBrowser: browser !== undefined, code: error.code });
      if (error.code === 'FORBIDDEN') throw new HttpError(403, 'DEVICE', error.message, error.userMessage);
      throw wrongLogin();
    } finally {
      waiting--;
    }
    throttle.succeeded(who, address, browser);
    // A session the browser already carried ends here: a login always gets a fresh token (no fixation).
    sessions.close(req);
    res.setHeader('set-cookie', [sessions.open(practice), knownBrowsers.issue(who)]);
    const response: LoginResponse = { user: practice.userShortName, role: practice.role };
    sendJson(res, 200, response);
  });

  router.on('POST', '/api/logout', ({ req, res }) => {
    res.setHeader('set-cookie', sessions.close(req));
    sendJson(res, 200, { loggedOut: true });
  });
}
