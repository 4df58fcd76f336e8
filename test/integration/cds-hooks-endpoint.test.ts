import { createPvsKit } from '@pvskit/core';
import { billingPlugin } from '@pvskit/billing';
import { startCdsHooksServer, type CdsHooksServer } from '@pvskit/adapters';
import { runCdsBench } from '../../packages/adapters/bench/cds-hooks.js';
import { defaultScenariosDir, endpointTarget, formatReport, loadScenarios, runHarness } from '@pvskit/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The CDS Hooks service started through the adapters API with the billing plugin (no host app): the partner
 * harness against it with a bearer token, and the load bench (figures printed, not asserted: shared machine).
 */
const TOKEN = 'integration-token-0123456789abcdefghij';

describe('CDS Hooks service with the billing plugin (adapters API)', () => {
  let server: CdsHooksServer;
  beforeAll(async () => {
    // A generous plugin budget: the machine running tests is shared, and a cold first call must not count
    // as a plugin timeout here (budgets are the host kit's business, tested in core).
    server = await startCdsHooksServer({ kit: createPvsKit({ plugins: [billingPlugin()], defaultTimeoutMs: 10_000 }), token: TOKEN });
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes the default harness scenarios over HTTP with a bearer token', async () => {
    const report = await runHarness(endpointTarget(server.url, { token: TOKEN }), await loadScenarios(defaultScenariosDir));
    expect(formatReport(report)).toContain(`${report.results.length} passed, 0 failed`);
  });

  it('fails every scenario without the token (401), and says so', async () => {
    const scenarios = (await loadScenarios(defaultScenariosDir)).slice(0, 2);
    const report = await runHarness(endpointTarget(server.url), scenarios);
    expect(report.failed).toBe(2);
    expect(report.results[0]?.failures[0]).toMatch(/HTTP 401/);
  });
});

describe('load: 1,000 concurrent case-edit calls on 127.0.0.1', () => {
  it('answers every call with 200 and reports req/s and p99', async () => {
    const kit = createPvsKit({ plugins: [billingPlugin()], defaultTimeoutMs: 30_000 });
    const result = await runCdsBench({ kit, concurrency: 1000, requests: 3000 });
    console.log(`cds-hooks bench: ${JSON.stringify(result)}`);
    expect(result.statuses).toEqual({ 200: 3000 });
    expect(result.errors).toBe(0);
    expect(result.cardsPerAnswer).toBeGreaterThanOrEqual(0);
  }, 180_000);
});
