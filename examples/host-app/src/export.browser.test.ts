import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeIso885915, parseKvdtBytes, validateKvdt } from '@pvskit/adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir, startBrowserEnv, type BrowserEnv } from './browser-harness.js';

let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('billing export', () => {
  it('exports the demo duty as KVDT, the download parses with the adapters reader and the validator finds nothing', async () => {
    const { page } = await env.newPracticePage({ viewport: { width: 1280, height: 900 } });
    // The duty view shows the pseudo case that complete() adds.
    await page.goto(`${env.app.url}/#/duty`);
    await expect.poll(() => page.getByTestId('pseudo-cases').textContent()).toContain('99999');

    await page.goto(`${env.app.url}/#/export`);
    await page.getByTestId('export-kvdt').click();
    const link = page.getByTestId('kvdt-download');
    await link.waitFor();
    await page.getByTestId('kvdt-clean').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^Z01529999900_\d{2}\.\d{2}\.\d{4}_\d{2}\.\d{2}\.con$/);
    const file = join(resultsDir, download.suggestedFilename());
    await download.saveAs(file);
    await page.screenshot({ path: join(resultsDir, 'export.png'), fullPage: true });

    const bytes = await readFile(file);
    const doc = parseKvdtBytes(bytes);
    expect(doc.errors).toEqual([]);
    // Two GKV cases of the seed plus the pseudo case; the private patient is not billed through the KV.
    expect(doc.counts).toMatchObject({ con0: 1, besa: 1, rvsa: 1, adt0: 1, '0104': 3, adt9: 1, con9: 1 });
    const fieldsOf = (satzart: string) => doc.records.filter((r) => r.satzart === satzart).map((r) => new Map(r.fields.map((f) => [f.id, f.value])));
    const cases = fieldsOf('0104');
    expect(cases.map((c) => c.get('3101')).sort()).toEqual(['Muster', 'Mustermann', 'Notfalldienst Arzt 1']);
    const gops = doc.records.filter((r) => r.satzart === '0104').flatMap((r) => r.fields.filter((f) => f.id === '5001').map((f) => f.value));
    expect(gops).toEqual(expect.arrayContaining(['99999', '99909', '01212', '01224', '01418', '40228']));
    // ISO-8859-15 on disk: the practice's "ß" is one byte 0xDF.
    expect(decodeIso885915(bytes)).toContain('Klinikstraße');
    expect(bytes.includes(Buffer.from([0xc3, 0x9f]))).toBe(false);
    expect(await validateKvdt(file)).toEqual([]);
    expect(env.consoleErrors).toEqual([]);
  });
});
