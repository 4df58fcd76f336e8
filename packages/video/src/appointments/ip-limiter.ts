import { clientAddressKey } from '../base/client-address.js';

/*
 * Per-client throttle for code look-ups without an appointment id (a patient typing a code on the join page).
 * Per-appointment locking cannot catch a guesser spraying codes across all appointments; this can. Kept in
 * memory only (IP addresses are personal data and need not outlive the process), swept once per window so
 * addresses that never come back do not pile up; IPv6 counts per /64.
 */

export interface IpLimiter {
  isBlocked(ip: string, now: number): boolean;
  recordFailure(ip: string, now: number): void;
  /** Addresses currently tracked. */
  readonly size: number;
}

export function createIpLimiter(maxFailures: number, windowMs: number): IpLimiter {
  const failures = new Map<string, { count: number; since: number }>();
  let lastSweep = 0;
  const sweep = (now: number): void => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, entry] of failures) if (now - entry.since > windowMs) failures.delete(key);
  };
  const current = (key: string, now: number): { count: number; since: number } | undefined => {
    const entry = failures.get(key);
    if (entry !== undefined && now - entry.since > windowMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    isBlocked: (ip, now) => (current(clientAddressKey(ip), now)?.count ?? 0) >= maxFailures,
    recordFailure: (ip, now) => {
      sweep(now);
      const key = clientAddressKey(ip);
      const entry = current(key, now);
      if (entry === undefined) failures.set(key, { count: 1, since: now });
      else entry.count += 1;
    },
    get size() {
      return failures.size;
    },
  };
}
