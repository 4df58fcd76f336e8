/*
 * Shared set-up of the browser tests: a fresh host app on a free port of 127.0.0.1 with a temp data file, and
 * Debian's Chromium through playwright-core with fake camera and microphone. Every page's console errors and
 * uncaught exceptions are collected; tests assert there are none.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildClient } from '../scripts/build-client.mjs';
import { startHostApp, type DemoCredentials, type RunningHostApp } from './server/index.js';

/** Where screenshots and downloads go (gitignored; CI keeps them as artefacts). */
export const resultsDir = fileURLToPath(new URL('../../../test-results/host-app/', import.meta.url));

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--lang=de-DE',
];

export interface BrowserEnv {
  app: RunningHostApp;
  browser: Browser;
  /** The demo practice's login (shown once on the app's first start). */
  credentials: DemoCredentials;
  /** Console errors and page errors of every page opened through {@link BrowserEnv.newPage}. */
  consoleErrors: string[];
  /** A fresh browser context without login (the patient's side). */
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** A fresh browser context logged in as the practice through the login form. */
  newPracticePage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  mkdirSync(resultsDir, { recursive: true });
  await buildClient({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-'));
  const app = await startHostApp({ port: 0, host: '127.0.0.1', dataFile: join(dir, 'data', 'host-app.sqlite'), secretsDir: join(dir, 'secrets') });
  if (app.firstStart === undefined) throw new Error('a fresh host app shows its demo login');
  const credentials = app.firstStart;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, timeout: 60_000 });
  const consoleErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  async function newPage(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', acceptDownloads: true, ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('console', (m) => {
      // Chromium logs every 401 as a failed resource: the login page asking whether a session exists is no error.
    if (m.type() === 'error' && !m.text().includes('status of 401')) consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: uncaught ${e.message}`));
    return { context, page };
  }
  return {
    app,
    browser,
    credentials,
    consoleErrors,
    newPage,
    async newPracticePage(options = {}) {
      const opened = await newPage(options);
      await logIn(opened.page, app.url, credentials);
      return opened;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the app's login form and waits for the patient list. */
export async function logIn(page: Page, url: string, credentials: Pick<DemoCredentials, 'organisation' | 'user' | 'password'>): Promise<void> {
  await page.goto(`${url}/`);
  const form = page.getByTestId('login-form');
  await form.getByLabel('Kurzname der Praxis').fill(credentials.organisation);
  await form.getByLabel('Benutzername').fill(credentials.user);
  await form.getByLabel('Passwort').fill(credentials.password);
  await form.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByTestId('patient-row').first().waitFor();
}
