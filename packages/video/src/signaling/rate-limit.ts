/** A sliding-window limit keyed by string (IP key, appointment id); shared by all instances when in Redis. */
export interface Limiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Records one event for `key`; false if that exceeds the limit (the event is then not counted). */
  take(key: string, now: number): boolean | Promise<boolean>;
  /** Forgets keys with no event inside the window. */
  sweep(now: number): void;
}

/**
 * Sliding-window counters in this process. Memory is bounded: keys whose window has passed are dropped on sweep.
 */
export class RateLimiter implements Limiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    /** Allowed events per window. */
    readonly limit: number,
    /** Window length in ms. */
    readonly windowMs: number,
  ) {}

  /** Records one event for `key`; false if that exceeds the limit (the event is then not counted). */
  take(key: string, now: number): boolean {
    const since = now - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now);
    this.hits.set(key, list);
    return true;
  }

  /** Forgets keys with no event inside the window. */
  sweep(now: number): void {
    const since = now - this.windowMs;
    for (const [key, list] of this.hits) if (!list.some((t) => t > since)) this.hits.delete(key);
  }

  /** Number of tracked keys (for capacity figures). */
  get size(): number {
    return this.hits.size;
  }
}
