/*
 * Failed logins slow down further tries, per user and per client address, with a bounded backoff. Bounded on
 * purpose: a stranger who types wrong passwords for the practice's user name can delay the practice by at most
 * `maxDelayMs` per try, never lock it out (issue 12). The address limit is stricter because it only ever hurts
 * the one trying. Nothing here runs Argon2id: a throttled try is refused before the keyring is asked.
 */

import { isIP } from 'node:net';

/** How one kind of key backs off. */
export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** Wait after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  /** The wait never grows beyond this. */
  maxDelayMs: number;
  /** A key without failures for this long starts afresh. */
  forgetAfterMs: number;
}

/** The app server's policies: the per-user wait stays short (see above), the per-address wait may grow. */
export const LOGIN_BACKOFF: { user: BackoffPolicy; address: BackoffPolicy } = {
  user: { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, forgetAfterMs: 24 * 3600_000 },
  address: { freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 24 * 3600_000 },
};

/** Keys remembered at most; the oldest are forgotten first, so a flood of addresses cannot exhaust memory. */
const MAX_KEYS = 10_000;

interface Entry {
  failures: number;
  lastFailureAt: number;
}

/** Exponential backoff per key. */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string): number {
    const entry = this.live(key);
    if (entry === undefined) return 0;
    const over = entry.failures - this.policy.freeFailures;
    if (over <= 0) return 0;
    const delay = Math.min(this.policy.baseDelayMs * 2 ** Math.min(over - 1, 30), this.policy.maxDelayMs);
    return Math.max(0, entry.lastFailureAt + delay - this.now());
  }

  fail(key: string): void {
    const entry = this.live(key) ?? { failures: 0, lastFailureAt: 0 };
    this.entries.delete(key);
    this.entries.set(key, { failures: entry.failures + 1, lastFailureAt: this.now() });
    if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && this.now() - entry.lastFailureAt > this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * The login throttle: one backoff per user (practice short name + user short name), one per client address, and
 * one per known browser (see known-browsers.ts). A browser the practice logged in from before is held back by its
 * own failures only: neither a stranger's guesses at the user nor one from the same address (a shared NAT, the
 * same machine) can keep it out.
 */
export class LoginThrottle {
  private readonly users: Backoff;
  private readonly addresses: Backoff;
  private readonly browsers: Backoff;

  constructor(policies = LOGIN_BACKOFF, now: () => number = Date.now) {
    this.users = new Backoff(policies.user, now);
    this.addresses = new Backoff(policies.address, now);
    this.browsers = new Backoff(policies.user, now);
  }

  /** Milliseconds until this user from this address (and known browser, if any) may try again; 0 when now. */
  waitMs(user: string, address: string, knownBrowser?: string): number {
    if (knownBrowser !== undefined) return this.browsers.waitMs(knownBrowser);
    return Math.max(this.users.waitMs(userKey(user)), this.addresses.waitMs(addressKey(address)));
  }

  failed(user: string, address: string, knownBrowser?: string): void {
    this.users.fail(userKey(user));
    this.addresses.fail(addressKey(address));
    if (knownBrowser !== undefined) this.browsers.fail(knownBrowser);
  }

  succeeded(user: string, address: string, knownBrowser?: string): void {
    this.users.succeed(userKey(user));
    this.addresses.succeed(addressKey(address));
    if (knownBrowser !== undefined) this.browsers.succeed(knownBrowser);
  }
}

/**
 * The throttle's key of a client address: an IPv4 address itself, an IPv6 address its /64. One IPv6 subscriber
 * holds a whole /64 (2^64 addresses); counted per address, each guess could come from a fresh one.
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  if (isIP(bare) !== 6) return address;
  const [head = '', tail] = bare.split('::');
  const groupsOf = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  // An embedded IPv4 address (`::ffff:1.2.3.4`) stands for two groups.
  const width = (groups: string[]): number => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const before = groupsOf(head);
  const after = groupsOf(tail);
  const groups = tail === undefined ? before : [...before, ...Array<string>(8 - width(before) - width(after)).fill('0'), ...after];
  return `${groups
    .slice(0, 4)
    .map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)))
    .join(':')}::/64`;
}

/** Short names compare case-insensitively here, so `Demo|A` and `demo|a` share one counter. */
export const userKey = (user: string): string => user.trim().toLowerCase();
