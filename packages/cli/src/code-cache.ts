/**
 * Runs a CommonJS verb bundle through `vm.Script` with V8's code cache: Node 20 compiles every script on
 * every start, and for `pvskit check` that compile was half of the time above an empty `node`. The cache
 * is written at build time beside the bundle, after a warm-up run, so the functions a typical run calls
 * are in it too.
 *
 * A code cache is code: V8 checks only its own version, flags and the source's length, and runs a cache
 * with a flipped byte as if it were good. So a cache is read only from the bundle's own directory, only
 * when neither it nor that directory is writable by everyone and it belongs to the bundle's owner, and
 * only when the checksum in its header matches. Anything else (no cache, a foreign or damaged one, a Node that
 * rejects it) compiles the source as before: slower, never different.
 */
import { closeSync, fstatSync, openSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** "PVSC": a pvskit code cache, then the CRC-32 of the V8 data, then the data. */
const MAGIC = 0x43535650;
const HEADER_BYTES = 8;
const WORLD_WRITABLE = 0o002;

/**
 * `zlib.crc32` (from Node 20.15; without it no cache is written or trusted). Loaded only when there is a
 * cache to check: loading node:zlib costs more than the check, and `--help` needs neither.
 */
function crc32Of(file: string): ((data: Uint8Array) => number) | undefined {
  return (createRequire(file)('node:zlib') as { crc32?: (data: Uint8Array) => number }).crc32;
}

/** How a verb script was compiled. */
export type CacheUse = 'used' | 'none' | 'untrusted' | 'damaged' | 'rejected';

export interface LoadedScript {
  readonly exports: Record<string, unknown>;
  readonly script: Script;
  readonly cache: CacheUse;
}

/** The cache file of a bundle file: always beside it, never anywhere a caller could choose. */
export function cacheFileOf(file: string): string {
  return `${file}.cache`;
}

/**
 * Whether only those who may change the bundle may have written its cache: same owner, neither the cache
 * nor the directory writable by everyone. On Windows the mode bits say nothing (every writable file shows
 * as 0o666) and ownership is not in `stat`: there the cache is as trusted as the bundle directory it sits in.
 */
function ownedLikeBundle(file: string, cache: Stats): boolean {
  if (process.platform === 'win32') return true;
  const bundle = statSync(file);
  const dir = statSync(dirname(file));
  return cache.uid === bundle.uid && (cache.mode & WORLD_WRITABLE) === 0 && (dir.mode & WORLD_WRITABLE) === 0;
}

/** The V8 data of `file`'s cache when it may be trusted, else why not. */
function readTrustedCache(file: string): Buffer | Exclude<CacheUse, 'used' | 'rejected'> {
  let fd: number;
  try {
    fd = openSync(cacheFileOf(file), 'r');
  } catch {
    return 'none';
  }
  try {
    const crc32 = crc32Of(file);
    if (crc32 === undefined) return 'none';
    const cache = fstatSync(fd);
    if (!cache.isFile() || !ownedLikeBundle(file, cache)) return 'untrusted';
    const bytes = readFileSync(fd);
    if (bytes.length <= HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) return 'damaged';
    const data = bytes.subarray(HEADER_BYTES);
    return crc32(data) === bytes.readUInt32LE(4) ? data : 'damaged';
  } finally {
    closeSync(fd);
  }
}

/** The module wrapper Node puts around CommonJS code, so the bundle runs exactly as if `require`d. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * Loads the CommonJS bundle `file` (with its code cache unless `useCache` is false) and returns its
 * exports. The bundle must not use `import()` (Node 20 allows it in a `vm.Script` only behind a flag): the
 * build turns dynamic imports into `require`.
 */
export function loadScript(file: string, { useCache = true }: { useCache?: boolean } = {}): LoadedScript {
  const source = readFileSync(file, 'utf8');
  const trusted = useCache ? readTrustedCache(file) : 'none';
  const cachedData = typeof trusted === 'string' ? undefined : trusted;
  const script = new Script(wrap(source), {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const cache: CacheUse = typeof trusted === 'string' ? trusted : script.cachedDataRejected === true ? 'rejected' : 'used';
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cache };
}

/**
 * Writes the code cache of a loaded script beside its bundle (call it after a warm-up run: functions
 * compiled by then are in the cache). Written to a temporary name and renamed: a reader never sees half.
 * Returns false (and writes nothing) on a Node without `zlib.crc32`.
 */
export function writeCodeCache(file: string, script: Script): boolean {
  const crc32 = crc32Of(file);
  if (crc32 === undefined) return false;
  const data = script.createCachedData();
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(crc32(data), 4);
  const target = cacheFileOf(file);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([header, data]), { mode: 0o644 });
  renameSync(temporary, target);
  return true;
}
