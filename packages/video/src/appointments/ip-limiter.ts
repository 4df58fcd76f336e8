/*
 * Per-client throttle for code look-ups without an appointment id (a patient typing a code on the join page).
 * Per-appointment locking cannot catch a guesser spraying codes across all appointments; this can. Kept in
 * memory only: IP addresses are personal data and need not outlive the process.
 */

export interface IpLimiter {
  isBlocked(ip: string, now: number): boolean;
  recordFailure(ip: string, now: number): void;
}

export function createIpLimiter(maxFailures: number, windowMs: number): IpLimiter {
  const failures = new Map<string, { count: number; since: number }>();
  const current = (ip: string, now: number): { count: number; since: number } | undefined => {
    const entry = failures.get(ip);
    if (entry !== undefined && now - entry.since > windowMs) {
      failures.delete(ip);
      return undefined;
    }
    return entry;
  };
  return {
    isBlocked: (ip, now) => (current(ip, now)?.count ?? 0) >= maxFailures,
    recordFailure: (ip, now) => {
      const entry = current(ip, now);
      if (entry === undefined) failures.set(ip, { count: 1, since: now });
      else entry.count += 1;
    },
  };
}
