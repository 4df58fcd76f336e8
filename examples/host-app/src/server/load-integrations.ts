import { billingPlugin, complete, completeOne } from '@pvskit/billing';
import { checkKvdtFile, kvdtExportPlugin } from '@pvskit/adapters';
import type { Logger } from '@pvskit/core';
import type { Integrations } from './integrations.js';
import type { HostStore } from './store.js';

/** Builds the ports to the other pvskit packages. */
export function loadIntegrations(_deps: { store: HostStore; logger: Logger }): Promise<Integrations> {
  return Promise.resolve({
    billing: {
      plugins: [billingPlugin()],
      completeCase: (input) => completeOne(input),
      completeBundle: (input) => complete(input),
    },
    kvdt: {
      plugins: [kvdtExportPlugin()],
      check: (path) => checkKvdtFile(path),
    },
  });
}
