import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPvsKit } from '@pvskit/core';
import { checkKvdtFile, exportKvdt, readKvdtFile } from './cli.js';
import { kvdtExportPlugin } from './plugin.js';
import { parsedItems, sampleCaseInput } from '../../test/kvdt-sample.js';

const FIXTURE = new URL('../../../../test/fixtures/kbv/Z05123456699_27.10.2023_12.00.con', import.meta.url).pathname;
const CLOCK = () => new Date('2026-01-12T09:05:00Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvdt-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CLI functions', () => {
  it('export → read → check round trip', async () => {
    const result = await exportKvdt({ items: parsedItems([sampleCaseInput(1), sampleCaseInput(2)]), out: dir, clock: CLOCK });
    expect(result).toMatchObject({ cases: 2, records: 8, path: join(dir, 'Z01529999900_12.01.2026_10.05.con') });
    const view = await readKvdtFile(result.path);
    expect(view.counts).toEqual({ con0: 1, besa: 1, rvsa: 1, adt0: 1, '0104': 2, adt9: 1, con9: 1 });
    expect(view.bytes).toBe(result.bytes);
    expect(view.records[4]?.fields[2]).toEqual({ line: view.records[4]?.fields[2]?.line, id: '3101', value: 'Müller', label: 'Name des Versicherten' });
    expect((await checkKvdtFile(result.path)).findings).toEqual([]);
  });

  it('reads the KBV test file with counts and checks it', async () => {
    const view = await readKvdtFile(FIXTURE);
    expect(view.counts['0104']).toBe(3);
    expect(view.counts['0109']).toBe(1);
    expect(view.errors).toEqual([]);
    const { findings } = await checkKvdtFile(FIXTURE);
    expect(findings.some((f) => f.rule === 'ID-KVNR')).toBe(true);
  });

  it('throws INPUT_UNREADABLE for a missing file or a directory, and reports garbage as findings', async () => {
    await expect(readKvdtFile(join(dir, 'nope.con'))).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
    await expect(checkKvdtFile(dir)).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
    const garbage = join(dir, 'g.con');
    await writeFile(garbage, Buffer.from([0x00, 0xff, 0x0a, 0x41]));
    const { findings } = await checkKvdtFile(garbage);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]?.line).toBe(1);
  });
});

describe('kvdtExportPlugin on the billing-export hook', () => {
  it('writes the file and returns its path as data', async () => {
    const kit = createPvsKit({ plugins: [kvdtExportPlugin({ clock: CLOCK, outDir: dir })], timeoutsMs: { 'billing-export': 20_000 } });
    const result = await kit.callHook('billing-export', { items: [sampleCaseInput(1)], quarter: '12026' });
    const own = result.results[0];
    expect(own?.status).toBe('ok');
    expect(own?.data).toMatchObject({ path: join(dir, 'Z01529999900_12.01.2026_10.05.con'), cases: 1, records: 7 });
    expect(result.cards[0]?.summary).toContain('1/2026');
    expect(await readdir(dir)).toEqual(['Z01529999900_12.01.2026_10.05.con']);
  });

  it('answers a refused export with a critical card naming the field, and writes nothing', async () => {
    const kit = createPvsKit({ plugins: [kvdtExportPlugin({ clock: CLOCK, outDir: dir })], timeoutsMs: { 'billing-export': 20_000 } });
    const c = sampleCaseInput(1);
    const items = [{ ...c, patient: { ...c.patient, lastName: 'Şahin' } }];
    const result = await kit.callHook('billing-export', { items });
    expect(result.results[0]?.status).toBe('ok');
    expect(result.cards[0]?.indicator).toBe('critical');
    expect(result.cards[0]?.detail).toContain('3101');
    expect(await readdir(dir)).toEqual([]);
  });
});
