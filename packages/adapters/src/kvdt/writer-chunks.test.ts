/**
 * How the writer hands out its bytes: never part of a refused case, nothing of an array before every case is
 * checked (also past the bytes kept between check and write), a failing write stops the export.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PvsKitError, type Case, type CaseOrBundle } from '@pvskit/core';
import { sampleCase, SAMPLE_SOFTWARE } from '../../test/kvdt-sample.js';
import { writeKvdtBytes, writeKvdtFile, writeKvdtTo, type KvdtWriteOptions } from './writer.js';

const OPTIONS: KvdtWriteOptions = { clock: () => new Date('2026-02-01T12:00:00Z'), software: SAMPLE_SOFTWARE };
const base = sampleCase(0);
const item = (i: number, patch: Partial<Case['patient']> = {}): CaseOrBundle => ({
  kind: 'case',
  case: { ...base, id: `c-${i}`, patient: { ...base.patient, id: `p-${i}`, ...patch } },
});
const items = (n: number, bad?: number): CaseOrBundle[] => Array.from({ length: n }, (_, i) => item(i, i === bad ? { lastName: 'Şahin' } : {}));
async function* streamOf(list: readonly CaseOrBundle[]) {
  for (const x of list) yield x;
}

describe('KVDT writer chunks', () => {
  it('a case refused mid-stream leaves none of its bytes in what was handed out', async () => {
    // ~640 bytes a case: chunk boundaries (1 MiB) fall inside cases many times before case 5000.
    const chunks: Buffer[] = [];
    await expect(writeKvdtTo(streamOf(items(6000, 5000)), (c) => void chunks.push(c), OPTIONS)).rejects.toMatchObject({
      code: 'ENCODING',
      details: { caseId: 'c-5000', field: '3101' },
    });
    const handedOut = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(1);
    const { bytes: good } = await writeKvdtBytes(items(5000), OPTIONS);
    // What went out is exactly the start of the file of the good cases, ending at a case boundary.
    expect(good.subarray(0, handedOut.length).equals(handedOut)).toBe(true);
    // … and the next byte starts a 0104 record (8000 = 0104).
    expect(good.subarray(handedOut.length, handedOut.length + 11).toString('latin1')).toBe('01380000104');
  });

  it('an array is checked completely before its first byte, also beyond the bytes kept for writing (32 MiB)', async () => {
    const n = 56_000; // ~35 MiB
    const chunks: Buffer[] = [];
    await expect(writeKvdtTo(items(n, n - 1), (c) => void chunks.push(c), OPTIONS)).rejects.toBeInstanceOf(PvsKitError);
    expect(chunks).toEqual([]);
    const fromArray = await writeKvdtBytes(items(n), OPTIONS);
    const fromStream = await writeKvdtBytes(streamOf(items(n)), OPTIONS);
    expect(fromArray.stats).toEqual(fromStream.stats);
    expect(fromArray.bytes.equals(fromStream.bytes)).toBe(true);
    expect(fromArray.stats.cases).toBe(n);
  });

  it('a failing write stops the export with its error and is not called again', async () => {
    let calls = 0;
    const broken = new Error('disk full');
    const write = async (): Promise<void> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (calls === 2) throw broken;
    };
    await expect(writeKvdtTo(streamOf(items(8000)), write, OPTIONS)).rejects.toBe(broken);
    expect(calls).toBe(2);
  });

  it('a file of many chunks (their memory reused while the next ones are built) has the same bytes as in memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kvdt-chunks-'));
    try {
      // ~7.5 MiB: several chunks, written while later ones are encoded; values repeat in runs and change, so
      // lines kept for repeated values meet chunks whose memory was used before.
      // Values no other test uses, so no line kept from another export can hide a wrong one.
      const list = Array.from({ length: 12_000 }, (_, i) => {
        const c = item(i, { lastName: `Name${i % 13}`, city: `Ort ${Math.floor(i / 700)}`, insurance: { ...base.patient.insurance, name: `Kasse ${Math.floor(i / 1500)}`, vknr: '61177' } });
        if (c.kind !== 'case') throw new Error('case expected');
        return { kind: 'case' as const, case: { ...c.case, practice: { ...c.case.practice, bsnr: '529999977' }, physician: { contractedPhysician: true, lanr: '123456777', name: 'Dr. Chunk' } } };
      });
      const file = await writeKvdtFile(streamOf(list), join(dir, 'out.con'), OPTIONS);
      const { bytes } = await writeKvdtBytes(list, OPTIONS);
      expect(file.bytes).toBe(bytes.length);
      expect((await readFile(file.path)).equals(bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
