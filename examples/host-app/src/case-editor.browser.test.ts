import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir, startBrowserEnv, type BrowserEnv } from './browser-harness.js';

let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('Notfalldienst case editor', () => {
  it('shows NFD-TIME-BAND while typing a weekday 01210 on a Saturday, and the fix removes it', async () => {
    const { page } = await env.newPracticePage({ viewport: { width: 1400, height: 1000 } });
    const state = (await (await page.request.get(`${env.app.url}/api/state`)).json()) as { duty: { start: string } };
    const saturday = state.duty.start.slice(0, 10);
    expect(new Date(`${saturday}T12:00:00Z`).getUTCDay()).toBe(6);

    await page.goto(`${env.app.url}/#/patients/p-5`);
    await page.getByRole('button', { name: 'Neuer Notfalldienst-Fall' }).click();
    const editor = page.getByTestId('case-editor');
    await editor.waitFor();

    await page.getByRole('button', { name: 'Kontakt hinzufügen' }).click();
    await page.getByLabel('Kontakt 1: Datum').fill(saturday);
    await page.getByLabel('Kontakt 1: Uhrzeit').fill('10:00');
    await page.getByRole('button', { name: 'Diagnose hinzufügen' }).click();
    await page.getByLabel('Diagnose 1: ICD-10-GM-Code').fill('J06.9');
    await page.getByTestId('add-service').click();
    // Typed key by key like a user; findings must follow without a reload.
    await page.getByTestId('service-gop').first().pressSequentially('01210', { delay: 30 });
    await page.getByTestId('service-date').first().fill(saturday);
    await page.getByTestId('service-time').first().fill('10:00');
    await page.getByTestId('service-mode').first().selectOption('personal');

    const band = page.locator('[data-testid="finding"][data-rule="NFD-TIME-BAND"]');
    await band.waitFor();
    const text = (await band.textContent()) ?? '';
    expect(text).toContain('NFD-TIME-BAND');
    expect(text).toContain('01210');
    await page.screenshot({ path: join(resultsDir, 'case-editor-findings.png'), fullPage: true });

    await band.getByTestId('apply-fix').click();
    await band.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('service-gop').first().inputValue()).toBe('01212');
    // The fixed case was saved by the live check.
    await expect
      .poll(async () => {
        const id = decodeURIComponent(page.url().split('/').pop() ?? '');
        const saved = (await (await page.request.get(`${env.app.url}/api/cases/${id}`)).json()) as { case: { services: { gop: string }[] } };
        return saved.case.services.map((s) => s.gop);
      })
      .toEqual(['01212']);
    await page.screenshot({ path: join(resultsDir, 'case-editor-fixed.png'), fullPage: true });
    expect(env.consoleErrors).toEqual([]);
  });

  it('"Vervollständigen" derives services from the contacts, and closing fires case-sign', async () => {
    const { page } = await env.newPracticePage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${env.app.url}/#/patients/p-4`);
    await page.getByRole('button', { name: 'Neuer Notfalldienst-Fall' }).click();
    await page.getByTestId('case-editor').waitFor();
    const state = (await (await page.request.get(`${env.app.url}/api/state`)).json()) as { duty: { start: string } };
    const sunday = new Date(`${state.duty.start.slice(0, 10)}T12:00:00Z`);
    sunday.setUTCDate(sunday.getUTCDate() + 1);
    const day = sunday.toISOString().slice(0, 10);
    await page.getByRole('button', { name: 'Kontakt hinzufügen' }).click();
    await page.getByLabel('Kontakt 1: Datum').fill(day);
    await page.getByLabel('Kontakt 1: Uhrzeit').fill('22:30');
    await page.getByLabel('Kontakt 1: Hausbesuch, Entfernung in km (leer = kein Besuch)').fill('12');
    await page.getByRole('button', { name: 'Vervollständigen' }).click();
    // Sunday night home visit, 12 km: Pauschale 01212, visit 01418, night Wegepauschale 40192.
    await expect
      .poll(async () => Promise.all((await page.getByTestId('service-gop').all()).map((l) => l.inputValue())))
      .toEqual(expect.arrayContaining(['01212', '01418', '40192']));
    await page.getByRole('button', { name: 'Fall abschließen' }).click();
    await page.getByRole('heading', { name: 'Fall abgeschlossen' }).waitFor();
    await page.getByText('abgeschlossen', { exact: true }).waitFor();
    expect(env.consoleErrors).toEqual([]);
  });
});
