import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { KNOWN_BROWSER_MAX_AGE_S, KnownBrowsers } from './known-browsers.js';
import { addressKey, Backoff, LOGIN_BACKOFF, LoginThrottle } from './throttle.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('login backoff', () => {
  it('waits only after the free failures, doubles the wait, and never beyond the cap', () => {
    const c = clock();
    const b = new Backoff({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 3600_000 }, c.now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.fail('k');
      waits.push(b.waitMs('k'));
    }
    expect(waits).toEqual([0, 0, 1000, 2000, 4000, 8000, 8000, 8000]);
    c.advance(8000);
    expect(b.waitMs('k')).toBe(0);
    b.succeed('k');
    b.fail('k');
    expect(b.waitMs('k')).toBe(0);
  });

  it('forgets a key after a quiet period', () => {
    const c = clock();
    const b = new Backoff({ freeFailures: 0, baseDelayMs: 1000, maxDelayMs: 1000, forgetAfterMs: 60_000 }, c.now);
    b.fail('k');
    b.fail('k');
    c.advance(60_001);
    b.fail('k');
    expect(b.waitMs('k')).toBe(1000);
  });

  it('a stranger guessing the practice user delays it by at most a minute per try, never for good', () => {
    const c = clock();
    const t = new LoginThrottle(LOGIN_BACKOFF, c.now);
    // A thousand wrong passwords from a thousand addresses against the practice's user.
    for (let i = 0; i < 1000; i++) t.failed('demo-x|abeispiel', `10.0.${i >> 8}.${i & 255}`);
    const wait = t.waitMs('demo-x|abeispiel', '192.168.1.20');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(LOGIN_BACKOFF.user.maxDelayMs);
    // Short names compare without case.
    expect(t.waitMs('DEMO-X|ABeispiel', '192.168.1.20')).toBe(wait);
    c.advance(LOGIN_BACKOFF.user.maxDelayMs);
    expect(t.waitMs('demo-x|abeispiel', '192.168.1.20')).toBe(0);
  });

  it('one address guessing many users is held back by its address', () => {
    const c = clock();
    const t = new LoginThrottle(LOGIN_BACKOFF, c.now);
    for (let i = 0; i < 12; i++) t.failed(`org|user${i}`, '10.9.9.9');
    expect(t.waitMs('org|fresh-user', '10.9.9.9')).toBeGreaterThan(60_000);
    expect(t.waitMs('org|fresh-user', '10.9.9.10')).toBe(0);
  });

  it('counts an IPv6 client per /64, an IPv4 client per address', () => {
    expect(addressKey('2001:db8:1:2::7')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:1:2:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('holds a known browser back by its own failures only', () => {
    const c = clock();
    const t = new LoginThrottle(LOGIN_BACKOFF, c.now);
    for (let i = 0; i < 20; i++) t.failed('org|user', '10.0.0.1');
    expect(t.waitMs('org|user', '10.0.0.1')).toBeGreaterThan(0);
    expect(t.waitMs('org|user', '10.0.0.1', 'browser-1')).toBe(0);
    for (let i = 0; i < 6; i++) t.failed('org|user', '10.0.0.1', 'browser-1');
    expect(t.waitMs('org|user', '10.0.0.1', 'browser-1')).toBeGreaterThan(0);
  });
});

describe('known browsers', () => {
  const withCookie = (setCookie: string) => ({ headers: { cookie: setCookie.split(';')[0] } }) as unknown as IncomingMessage;

  it('knows a browser for the user it logged in as, until the cookie is too old', () => {
    const c = clock();
    const known = new KnownBrowsers(Buffer.alloc(32, 7), { secure: true }, c.now);
    const set = known.issue('org|anna');
    expect(set).toMatch(/^__Host-pvskit-known-browser=.*; Secure$/);
    expect(known.idOf(withCookie(set), 'org|anna')).toMatch(/^[\w-]{22}$/);
    expect(known.idOf(withCookie(set), 'org|bert')).toBeUndefined();
    expect(new KnownBrowsers(Buffer.alloc(32, 8), { secure: true }, c.now).idOf(withCookie(set), 'org|anna')).toBeUndefined();
    c.advance(KNOWN_BROWSER_MAX_AGE_S * 1000 + 1000);
    expect(known.idOf(withCookie(set), 'org|anna')).toBeUndefined();
  });
});
