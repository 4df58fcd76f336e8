// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '../logger.js';
import { LOGGER } from './tokens.js';
import type { PvsKitEventName, PvsKitEvents, PvsKitListener } from './types.js';

/** The kit's event emitter. A throwing listener is logged and never reaches the host's hook call. */
@injectable()
export class EventBus {
  private readonly listeners = new Map<PvsKitEventName, Set<(payload: never) => void>>();

  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  on<E extends PvsKitEventName>(event: E, listener: PvsKitListener<E>): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    // Wrapped so the same function registered twice gets two independent subscriptions.
    const entry = (payload: never): void => listener(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<E extends PvsKitEventName>(event: E, payload: PvsKitEvents[E]): void {
    const set = this.listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (p: PvsKitEvents[E]) => void)(payload);
      } catch (error) {
        this.logger.error('pvskit: event listener threw', { event, error: describeError(error) });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** English one-line description of anything thrown; never throws itself, whatever a plugin threw. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
    return `non-Error thrown: ${typeof error === 'string' ? error : JSON.stringify(error)}`;
  } catch {
    try {
      return `non-Error thrown: ${String(error)}`;
    } catch {
      return 'unprintable value thrown';
    }
  }
}
