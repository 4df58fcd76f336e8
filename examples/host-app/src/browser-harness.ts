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
import { startHostApp, type RunningHostApp } from './server/index.js';

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
  /** Console errors and page errors of every page opened through {@link BrowserEnv.newPage}. */
  consoleErrors: string[];
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  mkdirSync(resultsDir, { recursive: true });
  await buildClient({ quiet: true });
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-host-app-'));
  const app = await startHostApp({ port: 0, host: '127.0.0.1', dataFile: join(dir, 'host-app.sqlite') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, timeout: 60_000 });
  const consoleErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    app,
    browser,
    consoleErrors,
    async newPage(options = {}) {
      const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', acceptDownloads: true, ...options });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: uncaught ${e.message}`));
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
