import type { Logger } from '@pvskit/core';

/*
 * Retention (Anlage 31b: video metadata at most three months): the purge runs at start and then on an interval,
 * and logs what it deleted, so an operator can see that it runs. A failing run is logged and retried next time.
 */

/** Default interval: hourly. Deletion dates are days apart, so an hour late is never a retention breach. */
export const MAINTENANCE_INTERVAL_MS = 3600_000;

export interface Maintenance {
  /** Runs one pass now (as of `now`, default the clock); its counts (also logged). */
  runNow(now?: Date): Record<string, number>;
  stop(): void;
}

/** Starts the maintenance loop; the first pass runs before this returns. */
export function startMaintenance(options: { pass: (now?: Date) => Record<string, number>; intervalMs?: number; logger: Logger }): Maintenance {
  const runNow = (now?: Date): Record<string, number> => {
    const counts = options.pass(now);
    options.logger.info('host-app: maintenance done', counts);
    return counts;
  };
  runNow();
  const timer = setInterval(() => {
    try {
      runNow();
    } catch (error) {
      options.logger.error('host-app: maintenance failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }, options.intervalMs ?? MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return { runNow, stop: () => clearInterval(timer) };
}
