/** A minimal typed event emitter (browser-safe; Node's `events` is not assumed). */
export class TypedEmitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly handlers = new Map<keyof Events, Set<(...args: never[]) => void>>();

  /** Adds a handler; returns a function that removes it. */
  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => this.off(event, handler);
  }

  /** Adds a handler that runs once. */
  once<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    const wrapped = ((...args: Parameters<Events[K]>) => {
      this.off(event, wrapped as Events[K]);
      (handler as (...a: Parameters<Events[K]>) => void)(...args);
    }) as Events[K];
    return this.on(event, wrapped);
  }

  /** Removes a handler. */
  off<K extends keyof Events>(event: K, handler: Events[K]): void {
    this.handlers.get(event)?.delete(handler);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        (handler as (...a: Parameters<Events[K]>) => void)(...args);
      } catch {
        // A failing UI handler must not break the call machinery.
      }
    }
  }
}
