import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { defaultCatalogue } from './catalogue.js';
import { checkInput as check } from '../test/pipeline.js';
import { completeCaseInput as completeOne } from '../test/pipeline.js';
import { loadSdebm, parseSdebm } from './sdebm.js';
import { baseCase } from '../test/fixtures.js';

const fixture = readFileSync(new URL('./fixtures/sdebm-mini.xml', import.meta.url));

describe('SDEBM loader', () => {
  it('reads the ISO-8859-15 fixture: texts with umlauts, points, validity, period; skips cross references', async () => {
    expect(fixture.includes(Buffer.from('für', 'latin1'))).toBe(true);
    const file = await parseSdebm(fixture);
    expect(file.period).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(file.entries.map((e) => e.gop)).toEqual(['01210', '01451', '99001']);
    expect(file.entries[0]).toMatchObject({ title: 'Notfallpauschale (Testwert für Überlagerung)', points: 125 });
    expect(file.entries[1]).toMatchObject({ validFrom: '2019-10-01', validTo: '2021-09-30' });
    expect(file.entries[1]?.points).toBeUndefined();
    expect(file.entries[2]).toMatchObject({ title: 'KV-Testziffer Säuglingsversorgung', points: 77, validFrom: '2026-01-01', validTo: '2026-12-31' });
  });

  it('overlays points for the file period only and adds unknown GOPs', async () => {
    const catalogue = await loadSdebm(fixture);
    expect(catalogue.lookup('01210', '2026-02-01')?.points).toBe(125);
    expect(catalogue.lookup('01210', '2026-04-01')?.points).toBe(120);
    expect(catalogue.definition('01210')?.title).toContain('Überlagerung');
    expect(catalogue.lookup('99001', '2026-02-01')?.points).toBe(77);
    expect(defaultCatalogue.lookup('99001', '2026-02-01')).toBeUndefined();
    expect(defaultCatalogue.lookup('01210', '2026-02-01')?.points).toBe(120);

    const input = baseCase({ services: [{ gop: '99001', date: '2026-02-02' }] });
    expect(check(input).findings.map((f) => f.rule)).toContain('EBM-UNKNOWN-GOP');
    expect(check(input, { catalogue }).findings.map((f) => f.rule)).not.toContain('EBM-UNKNOWN-GOP');
    const done = completeOne(baseCase({ contacts: [{ date: '2026-02-04', time: '10:00' }] }), { catalogue });
    expect(done.case.services[0]).toMatchObject({ gop: '01210', points: 125, euro: 15.93 });
  });

  it('keeps the video valuation when the master file overlays 01210 (10 % off the file\'s points)', async () => {
    const catalogue = await loadSdebm(fixture);
    // The file says 125 points for Q1/2026: video-only cases get 125 − 10 % = 112.5 → 113, not the full 125.
    expect(catalogue.lookup('01210', '2026-02-01', 'video')?.points).toBe(113);
    // Outside the file period the built-in 120/108 hold.
    expect(catalogue.lookup('01210', '2026-04-01', 'video')?.points).toBe(108);
    // Near-miss: a personal 01210 keeps the file's full points.
    expect(catalogue.lookup('01210', '2026-02-01', 'personal')?.points).toBe(125);
    const { defaultCatalogue: built } = await import('./catalogue.js');
    expect((await loadSdebm(fixture, built)).lookup('01212', '2026-02-01', 'video')?.points).toBe(176);
  });

  it('decodes € (0xA4 in ISO-8859-15, not ¤)', async () => {
    const xml = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-15"?><ehd xmlns:go="urn:ehd/go/001"><go:gnr V="40220"><go:allgemein><go:legende><go:kurztext V="Wegepauschale 4,44 ', 'latin1'),
      Buffer.from([0xa4]),
      Buffer.from('"/></go:legende></go:allgemein></go:gnr></ehd>', 'latin1'),
    ]);
    expect((await parseSdebm(xml)).entries[0]?.title).toBe('Wegepauschale 4,44 €');
  });

  it('rejects malformed XML and files without the SDEBM namespace', async () => {
    await expect(parseSdebm('<ehd xmlns:go="urn:ehd/go/001"><go:gnr V="1">')).rejects.toBeInstanceOf(PvsKitError);
    await expect(parseSdebm('<ehd><gnr V="01210"><allgemein/></gnr></ehd>')).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
  });
});

describe('SDEBM loader on arbitrary input', () => {
  it('either reads or fails with PvsKitError, never anything else', async () => {
    const { fc } = await import('@fast-check/vitest');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 300 }),
          fc.string().map((s) => `<ehd xmlns:go="urn:ehd/go/001"><go:gnr V="${s}"><go:allgemein>${s}</go:allgemein></go:gnr></ehd>`),
        ),
        async (input) => {
          try {
            const file = await parseSdebm(input);
            expect(Array.isArray(file.entries)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(PvsKitError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
