import type { Logger } from '@pvskit/core';
import type { Integrations } from './integrations.js';
import type { HostStore } from './store.js';

/** Builds the ports to the other pvskit packages. */
export function loadIntegrations(_deps: { store: HostStore; logger: Logger }): Promise<Integrations> {
  return Promise.resolve({});
}
