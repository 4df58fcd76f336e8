import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFileOf, loadScript, writeCodeCache } from './code-cache.js';

// Two scripts of the same length: V8 checks a cache against the source's length only, so a cache made
// from the second one is accepted for the first and runs the second's code. (Once V8 has compiled a
// source in this process it reuses that compile and ignores any cache: each case has its own file.)
const GENUINE = 'exports.answer = function () { return "genuine"; };';
const PLANTED = 'exports.answer = function () { return "planted"; };';

function bundleDir(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pvskit-code-cache-'));
  const file = join(dir, 'verb.cjs');
  writeFileSync(file, GENUINE);
  return { dir, file };
}

function answer(file: string): { answer: string; cache: string } {
  const loaded = loadScript(file);
  return { answer: (loaded.exports['answer'] as () => string)(), cache: loaded.cache };
}

/** Writes, as `file`'s cache, the code cache of `source` after calling its `answer` (so that is compiled too). */
function cacheFrom(source: string, file: string): void {
  const other = `${file}.source.cjs`;
  writeFileSync(other, source);
  const loaded = loadScript(other, { useCache: false });
  (loaded.exports['answer'] as () => string)();
  writeCodeCache(other, loaded.script);
  writeFileSync(cacheFileOf(file), readFileSync(cacheFileOf(other)));
}

describe('code cache', () => {
  it('runs the same code with and without its cache', () => {
    const { file } = bundleDir();
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'none' });
    cacheFrom(GENUINE, file);
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'used' });
    expect(loadScript(file, { useCache: false }).cache).toBe('none');
  });

  it('ignores a damaged cache: a flipped byte, a cut file, garbage, an empty file', () => {
    const { file } = bundleDir();
    cacheFrom(GENUINE, file);
    const good = readFileSync(cacheFileOf(file));
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] ?? 0) ^ 0x55;
    for (const damaged of [flipped, good.subarray(0, good.length >> 2), Buffer.from('not a code cache at all'), Buffer.alloc(0)]) {
      writeFileSync(cacheFileOf(file), damaged);
      expect(answer(file)).toEqual({ answer: 'genuine', cache: 'damaged' });
    }
  });

  it("ignores a cache V8 rejects: another script's, of another length", () => {
    const { file } = bundleDir();
    cacheFrom('exports.answer = () => "a longer script with another source length";', file);
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'rejected' });
  });

  it.skipIf(process.platform === 'win32')('attack: a cache planted where others may write is not run', () => {
    const { dir, file } = bundleDir();
    cacheFrom(PLANTED, file);
    // Where only the bundle's owner writes, the cache is the owner's code, as the bundle is (and V8 runs it).
    expect(answer(file)).toEqual({ answer: 'planted', cache: 'used' });
    chmodSync(cacheFileOf(file), 0o666);
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'untrusted' });
    chmodSync(cacheFileOf(file), 0o644);
    chmodSync(dir, 0o777);
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'untrusted' });
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() === 0)('attack: a cache owned by another user than the bundle is not run', () => {
    const { file } = bundleDir();
    cacheFrom(PLANTED, file);
    chownSync(cacheFileOf(file), 1, 1);
    expect(answer(file)).toEqual({ answer: 'genuine', cache: 'untrusted' });
  });
});
