import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir, startBrowserEnv, type BrowserEnv } from './browser-harness.js';

let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('login', () => {
  it('shows the login form without a session, refuses a wrong password, lets the practice in and out', async () => {
    const { page } = await env.newPage();
    await page.goto(`${env.app.url}/`);
    const form = page.getByTestId('login-form');
    await form.waitFor();
    expect(await page.getByTestId('patient-row').count()).toBe(0);
    await form.getByLabel('Kurzname der Praxis').fill(env.credentials.organisation);
    await form.getByLabel('Benutzername').fill(env.credentials.user);
    await form.getByLabel('Passwort').fill('falsch');
    await form.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Anmeldung fehlgeschlagen');
    await page.screenshot({ path: `${resultsDir}login-refused.png` });
    await form.getByLabel('Passwort').fill(env.credentials.password);
    await form.getByRole('button', { name: 'Anmelden' }).click();
    await expect.poll(() => page.getByTestId('patient-row').count()).toBe(6);
    // The cookie is out of the page's reach (HttpOnly).
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByTestId('login-form').waitFor();
    await page.reload();
    await page.getByTestId('login-form').waitFor();
    expect(env.consoleErrors).toEqual([]);
  });

  it('serves the patient join page without any login', async () => {
    const { page } = await env.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${env.app.url}/video`);
    await page.getByTestId('join-code').waitFor();
    expect(await page.getByTestId('login-form').count()).toBe(0);
    expect(env.consoleErrors).toEqual([]);
  });
});

describe('patient list and record', () => {
  it('lists the seeded patients; opening a record fires patient-view and shows the plugin cards', async () => {
    const { page } = await env.newPracticePage();
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
