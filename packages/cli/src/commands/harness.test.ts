import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIo } from '../../test/memory-io.js';
import { main } from '../main.js';
import { harnessCommand } from './harness.js';

describe('pvskit harness', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pvskit-cli-harness-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the default scenarios in-process, prints a report and progress, writes JUnit XML', async () => {
    const io = memoryIo('', dir);
    const code = await main(['harness', '--junit', 'report.xml'], io, [harnessCommand]);
    expect(io.out()).toMatch(/\d+ passed, 0 failed/);
    expect(code).toBe(0);
    expect(io.err()).toMatch(/\[\d+\/\d+\] near-misses\//);
    const xml = await readFile(join(dir, 'report.xml'), 'utf8');
    expect(xml).toContain('failures="0"');
    expect(xml).toContain('kvbw-fallbeispiele/01-pneumonie-hausbesuch-mittwoch.json');
  });

  it('exits 1 when a scenario fails and names the unmet expectation', async () => {
    const scenarios = join(dir, 'failing');
    await import('node:fs/promises').then((fs) => fs.mkdir(scenarios, { recursive: true }));
    await writeFile(
      join(scenarios, 'wrong.json'),
      JSON.stringify({
        name: 'Erwartung absichtlich falsch: 01210 um 06:59 ohne Befund',
        context: {
          case: {
            patient: { lastName: 'M', firstName: 'E', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
            physician: { lanr: '123456601' },
            practice: { bsnr: '529999900' },
            contacts: [{ date: '2026-01-08', time: '06:59' }],
            services: [{ gop: '01210', date: '2026-01-08', time: '06:59' }],
          },
        },
        expect: { absent: ['NFD-TIME-BAND'] },
      }),
    );
    const io = memoryIo('', dir);
    expect(await main(['harness', 'failing', '--quiet'], io, [harnessCommand])).toBe(1);
    expect(io.out()).toContain('FAIL  wrong.json');
    expect(io.out()).toContain('finding NFD-TIME-BAND must not be reported');
    expect(io.err()).toBe('');
  });

  it('exits 2 for an invalid scenario file, naming file and path', async () => {
    const bad = join(dir, 'bad');
    await import('node:fs/promises').then((fs) => fs.mkdir(bad, { recursive: true }));
    await writeFile(join(bad, 'typo.json'), JSON.stringify({ name: 'x', context: {}, expect: { findigns: [] } }));
    const io = memoryIo('', dir);
    expect(await main(['harness', 'bad'], io, [harnessCommand])).toBe(2);
    expect(io.err()).toContain('typo.json: $.expect.findigns');
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'VALIDATION', file: 'typo.json', path: '$.expect.findigns' } });
  });

  it('exits 2 for a missing directory or a bad endpoint URL', async () => {
    const io = memoryIo('', dir);
    expect(await main(['harness', 'nope'], io, [harnessCommand])).toBe(2);
    const io2 = memoryIo('', dir);
    expect(await main(['harness', '--endpoint', 'localhost:8080'], io2, [harnessCommand])).toBe(2);
    expect(io2.err()).toContain('--endpoint must be an http(s) URL');
  });
});
