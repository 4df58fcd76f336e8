import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPvsKit } from '@pvskit/core';
import { kvdtExportPlugin } from './plugin.js';
import { sampleCaseInput } from '../../test/kvdt-sample.js';

const CLOCK = () => new Date('2026-01-12T09:05:00Z');
const FILE = 'Z01529999900_12.01.2026_10.05.con';

let dir: string;
let root: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kvdt-confine-'));
  root = join(dir, 'exports');
  outside = join(dir, 'elsewhere');
  await mkdir(outside);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function kit(outDir?: string) {
  return createPvsKit({ plugins: [kvdtExportPlugin({ clock: CLOCK, ...(outDir === undefined ? {} : { outDir }) })], timeoutsMs: { 'billing-export': 20_000 } });
}

describe('billing-export is confined to the export directory', () => {
  it('writes into the directory, or below it where the context points, and the card names the file only', async () => {
    const a = await kit(root).callHook('billing-export', { items: [sampleCaseInput(1)] });
    expect(a.results[0]?.data).toMatchObject({ path: join(root, FILE) });
    expect(a.cards[0]?.detail).toBe(FILE);
    expect(JSON.stringify(a.cards)).not.toContain(dir);
    const b = await kit(root).callHook('billing-export', { items: [sampleCaseInput(1)], outDir: 'q1' });
    expect(b.results[0]?.data).toMatchObject({ path: join(root, 'q1', FILE) });
    const c = await kit(root).callHook('billing-export', { items: [sampleCaseInput(1)], outDir: join(root, 'q2') });
    expect(c.results[0]?.data).toMatchObject({ path: join(root, 'q2', FILE) });
    // Directories it creates are the user's only: the files name patients.
    if (process.platform !== 'win32') for (const d of [root, join(root, 'q1')]) expect((await stat(d)).mode & 0o077, d).toBe(0);
  });

  it('refuses a path outside (absolute, ../, through a symbolic link) and writes or creates nothing there', async () => {
    await mkdir(root);
    await symlink(outside, join(root, 'link'));
    const victim = join(outside, FILE);
    await writeFile(victim, 'precious');
    for (const outDir of [outside, '../elsewhere', join(root, '..', 'elsewhere', 'deeper'), 'link', 'link/sub']) {
      const r = await kit(root).callHook('billing-export', { items: [sampleCaseInput(1)], outDir });
      expect(r.cards[0], outDir).toMatchObject({ indicator: 'critical' });
      expect(r.cards[0]?.summary).toContain('außerhalb des Exportverzeichnisses');
      expect(r.results[0]?.data).toEqual({ refused: [] });
    }
    expect(await readdir(outside)).toEqual([FILE]);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await readdir(root)).sort()).toEqual(['link']);
  });

  it('writes nothing without a configured directory, whatever the context says', async () => {
    const r = await kit().callHook('billing-export', { items: [sampleCaseInput(1)], outDir: outside });
    expect(r.cards[0]?.indicator).toBe('critical');
    expect(await readdir(outside)).toEqual([]);
  });
});
