import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserEnv, type BrowserEnv } from './browser-harness.js';

let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('patient list and record', () => {
  it('lists the seeded patients; opening a record fires patient-view and shows the plugin cards', async () => {
    const { page } = await env.newPage();
    await page.goto(`${env.app.url}/`);
    const rows = page.getByTestId('patient-row');
    await expect.poll(() => rows.count()).toBe(6);
    // Keyboard only: the row's name is a link reached with Tab and opened with Enter.
    await page.getByRole('link', { name: 'Muster, Erika' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Muster, Erika' }).waitFor();
    const card = page.getByTestId('patient-card').first();
    await expect.poll(() => card.textContent()).toContain('KVNR und IK gültig');
    // A private patient gets the plugin's KVDT hint instead.
    await page.goto(`${env.app.url}/#/patients/p-6`);
    await expect.poll(() => page.getByTestId('patient-card').first().textContent()).toContain('nicht über KVDT');
    expect(env.consoleErrors).toEqual([]);
  });
});
