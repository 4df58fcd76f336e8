import { billingPlugin, complete } from '@pvskit/billing';
import { checkKvdtFile, kvdtExportPlugin } from '@pvskit/adapters';
import type { Logger } from '@pvskit/core';
import type { Integrations } from './integrations.js';
import type { HostStore } from './store.js';

/** Builds the ports to the other pvskit packages. */
export function loadIntegrations(deps: { store: HostStore; logger: Logger; exportDir: string }): Promise<Integrations> {
  return Promise.resolve({
    billing: {
      plugins: [billingPlugin()],
      completeCase: (input) => complete({ kind: 'case', case: input }),
      completeBundle: (input) => complete({ kind: 'bundle', bundle: input }),
    },
    kvdt: {
      plugins: [kvdtExportPlugin({ outDir: deps.exportDir })],
      check: (path) => checkKvdtFile(path),
    },
  });
}
