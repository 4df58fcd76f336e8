/**
 * KVDT writer: parsed cases or duty bundles in, an ISO-8859-15 KVDT file out (con0, besa, rvsa, adt0, one 0104 per
 * case, adt9, con9). It streams: cases are encoded one at a time into 1 MiB chunks, so memory stays flat
 * whatever the number of cases.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  berlinDateTimeOf,
  casesOf,
  isQuarterCode,
  PvsKitError,
  ValidationError,
  type Case,
  type Practice,
  type Software,
} from '@pvskit/core';
import { CaseEncoder } from './case-encoder.js';
import {
  caseProblems,
  deriveHeader,
  hasServiceIn,
  headerRecords,
  isBilledThroughKv,
  prepareFields,
  type ExportCase,
  type ExportProblem,
  type FieldSpec,
  type KvdtExportItem,
  type KvdtHeader,
  type PreparedLines,
} from './export-case.js';
import { LineSink } from './sink.js';
import { transliterationTableOf, type TransliterateOption } from './text.js';
import type { TransliterationTable } from './transliteration.js';

/** Options of the KVDT writer. */
export interface KvdtWriteOptions {
  /** Billing quarter `QJJJJ`: only services (and cases with services) of this quarter are written. */
  quarter?: string;
  /** Clock for the creation date (9103, 9115) and the file name; read once. Default: `new Date()`. */
  clock?: () => Date;
  /** Software block of adt0 (from configuration); default: the first case that has one. */
  software?: Software;
  /**
   * Map characters outside ISO-8859-15 instead of refusing them: `true` for the default table
   * (`DEFAULT_TRANSLITERATION`: Ş→S, ć→c, Ł→L, typographic quotes → ASCII, …) or a table of your own.
   * A character the table does not map is still refused. Off by default: names must match the eGK.
   */
  transliterate?: TransliterateOption;
  /**
   * Header data for besa. Arrays derive it from all cases; a streaming source derives it from its first
   * case, so pass `physicians` when later cases are by other doctors.
   */
  header?: { practice?: Practice; physicians?: readonly { lanr: string; name: string }[] };
  /** TI applications (numbers of 0225) the software supports; all others get 0226 = 0. */
  tiApplications?: readonly number[];
  /** Record-description version (9212); default `ADT<MM><JJ>.01` of the quarter's first month. */
  recordVersion?: string;
  /** Stops the export between two cases (a file export then leaves no file). */
  signal?: AbortSignal;
}

/** What was written. */
export interface KvdtWriteStats {
  bytes: number;
  /** Records (Sätze) written, header and trailer included. */
  records: number;
  lines: number;
  /** Cases written as Satzart 0104. */
  cases: number;
  quarter: string;
  bsnr: string;
  /** Local German creation time (from the clock). */
  created: { date: string; time: string };
  skipped: {
    /** PKV/BG cases: not billed through the KV. */
    notBilledThroughKv: number;
    /** Cases without a service in the chosen quarter. */
    otherQuarter: number;
  };
}

/** Source of items: an array (checked completely before anything is written) or any (async) iterable. */
export type KvdtItemSource = readonly KvdtExportItem[] | Iterable<KvdtExportItem> | AsyncIterable<KvdtExportItem>;

/** Bytes of checked cases kept between the check and the write pass of an array export (beyond: encoded again). */
const MAX_KEPT_BYTES = 32 * 1024 * 1024;

function refusal(problems: readonly ExportProblem[]): PvsKitError {
  const first = problems[0] as ExportProblem;
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  const moreDe = problems.length > 1 ? ` (und ${problems.length - 1} weitere Probleme)` : '';
  return new PvsKitError(first.code, `KVDT export refused: ${first.message}${more}`, {
    userMessage: `KVDT-Datei nicht erstellt: ${first.messageDe}${moreDe}`,
    details: { caseId: first.caseId, path: first.path, field: first.field, problems },
  });
}

function checkOptions(options: KvdtWriteOptions): void {
  if (options.quarter !== undefined && !isQuarterCode(options.quarter)) {
    throw new ValidationError('KVDT export options', [{ path: ['quarter'], message: 'expected a quarter as QJJJJ, e.g. 12026' }]);
  }
}

/** Counts the cases to export (numbering all of them for `#<n>`) and skips those the file does not carry. */
class CaseFilter {
  private n = 0;
  readonly skipped = { notBilledThroughKv: 0, otherQuarter: 0 };
  constructor(private readonly quarter: string | undefined) {}

  /** The export case for `c`, or undefined when it is skipped. */
  take(c: Case): ExportCase | undefined {
    this.n++;
    const caseId = c.id ?? `#${this.n}`;
    if (!isBilledThroughKv(c)) this.skipped.notBilledThroughKv++;
    else if (this.quarter !== undefined && !hasServiceIn(c, this.quarter)) this.skipped.otherQuarter++;
    else return { case: c, caseId };
    return undefined;
  }
}

/**
 * Hands chunks to `write` one at a time, in order, without waiting for a write before the next chunk is
 * encoded: file I/O runs while the next megabyte is built. A failed write surfaces at the next send or at
 * {@link drain}; it never goes unhandled when the export stops for another reason.
 */
function overlapped(
  write: (chunk: Buffer) => void | Promise<void>,
  written: (chunk: Buffer) => void,
): {
  send(chunk: Buffer): Promise<void>;
  drain(): Promise<void>;
  /** Waits for the write in flight, ignoring its outcome: the export failed and its caller cleans up next. */
  abandon(): Promise<void>;
} {
  let inFlight: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  const settle = async () => {
    if (inFlight !== undefined) await inFlight;
    if (failure !== undefined) throw failure.error;
  };
  return {
    async send(chunk) {
      await settle();
      inFlight = (async () => {
        await write(chunk);
        written(chunk);
      })().catch((error: unknown) => {
        failure = { error };
      });
    },
    drain: settle,
    async abandon() {
      await inFlight;
    },
  };
}

/**
 * Hands each case of a stream to `take` and full chunks to `flush` between cases. A function of its own, and
 * small: V8 starts recording what a function calls only after it has run a while in proportion to its size;
 * in the large export function the first chunk's `flush` came before that, so the function's optimised code
 * was thrown away at the next chunk.
 */
async function eachStreamed(
  source: AsyncIterable<KvdtExportItem>,
  take: (c: Case) => void,
  sink: LineSink,
  flush: () => Promise<void>,
): Promise<void> {
  for await (const item of source) {
    // A single case needs no list of one (casesOf) made for it.
    // Most cases fill no chunk: only then is there something to wait for.
    if (item.kind === 'case') {
      take(item.case);
      if (sink.hasReady) await flush();
    } else {
      for (const c of casesOf(item)) {
        take(c);
        if (sink.hasReady) await flush();
      }
    }
  }
}

/** Prepares a list of records (field specs) or throws the refusal naming case and field. */
function prepareOrThrow(records: readonly FieldSpec[][], caseId: string, table: TransliterationTable | undefined): PreparedLines[] {
  const problems: ExportProblem[] = [];
  const out: PreparedLines[] = [];
  for (const specs of records) {
    const prepared = prepareFields(specs, caseId, table);
    problems.push(...prepared.problems);
    out.push(prepared.lines);
  }
  if (problems.length > 0) throw refusal(problems);
  return out;
}

/**
 * Writes a KVDT file's bytes to `write`, chunk by chunk (about 1 MiB each). With an array every case is
 * checked before the first chunk; with a streaming source each case is checked before its record is
 * encoded, and a refusal stops the export (the caller discards what was written — see {@link writeKvdtFile}).
 * Throws `PvsKitError('EXPORT_REFUSED' | 'ENCODING')` whose `details.problems` name case, path and field,
 * or `ValidationError` for malformed options.
 */
export async function writeKvdtTo(
  source: KvdtItemSource,
  write: (chunk: Buffer) => void | Promise<void>,
  options: KvdtWriteOptions = {},
): Promise<KvdtWriteStats> {
  return writeChunks(source, write, options, false);
}

/**
 * {@link writeKvdtTo}; with `reuse`, a chunk's memory is written into again once `write` has resolved (only
 * for a `write` that keeps no reference to the chunk, as the file writer's).
 */
async function writeChunks(
  source: KvdtItemSource,
  write: (chunk: Buffer) => void | Promise<void>,
  options: KvdtWriteOptions,
  reuse: boolean,
): Promise<KvdtWriteStats> {
  checkOptions(options);
  const table = transliterationTableOf(options.transliterate);
  const filter = new CaseFilter(options.quarter);
  const created = berlinDateTimeOf((options.clock ?? (() => new Date()))());
  const createdYmd = created.date.replaceAll('-', '');
  const sink = new LineSink();
  const encoder = new CaseEncoder(sink, table);
  let cases = 0;

  const out = overlapped(write, (chunk) => {
    if (reuse) sink.recycle(chunk);
  });
  const flush = async () => {
    for (const chunk of sink.takeReady()) await out.send(chunk);
  };
  /** Writes con0, besa, rvsa and adt0 into the sink; returns the header or throws its refusal. */
  /**
   * Writes con0, besa, rvsa and adt0 into the sink; returns the header, or throws its refusal. `error` is what
   * the line writer threw (a value no field rule bounds, e.g. a 9212 over 990 bytes): an array raises it only
   * after its cases passed the check, as when the header was written after the check.
   */
  const start = (basis: readonly ExportCase[]): { header: KvdtHeader; error?: unknown } => {
    const derived = deriveHeader(basis, options);
    const first = basis[0] as ExportCase;
    if (derived.header === undefined) throw refusal(derived.problems.length > 0 ? derived.problems : caseProblems(first, undefined, options.quarter));
    try {
      for (const lines of prepareOrThrow(headerRecords(derived.header, createdYmd, options), derived.header.sourceCaseId, table)) {
        for (let i = 0; i < lines.length; i += 2) sink.line(lines[i] as string, lines[i + 1] as string);
      }
    } catch (error) {
      if (error instanceof PvsKitError && error.code !== 'INTERNAL') throw error;
      return { header: derived.header, error };
    }
    return { header: derived.header };
  };
  const checkAbort = () => {
    if (options.signal?.aborted === true) {
      throw new PvsKitError('EXPORT_REFUSED', 'KVDT export aborted', { userMessage: 'KVDT-Export abgebrochen.' });
    }
  };
  /** Encodes a case into the sink for good, or throws why it cannot be written. */
  const writeCase = (ec: ExportCase, h: KvdtHeader) => {
    const problems = encoder.encode(ec, h, options.quarter, true);
    if (problems.length > 0) throw refusal(problems);
    if (encoder.error !== undefined) throw encoder.error;
    cases++;
  };

  let header: KvdtHeader | undefined;
  try {
    if (Array.isArray(source)) {
      const all: ExportCase[] = [];
      for (const item of source as readonly KvdtExportItem[]) {
        for (const c of casesOf(item)) {
          const ec = filter.take(c);
          if (ec !== undefined) all.push(ec);
        }
      }
      if (all.length === 0) deriveHeader(all, options);
      const started = start(all);
      const h = started.header;
      header = h;
      // Every case is checked before the first byte goes out. Checking is encoding: the bytes of the leading
      // cases are kept (up to a bound) for writing; the rest are encoded again when written.
      const problems: ExportProblem[] = [];
      let kept = 0;
      for (const [i, ec] of all.entries()) {
        const keep = kept === i && problems.length === 0 && sink.bytes <= MAX_KEPT_BYTES;
        const found = encoder.encode(ec, h, options.quarter, keep);
        if (found.length > 0) problems.push(...found);
        else if (keep && encoder.error === undefined) kept++;
      }
      cases = kept;
      if (problems.length > 0) throw refusal(problems);
      if ('error' in started) throw started.error;
      checkAbort();
      await flush();
      for (let i = kept; i < all.length; i++) {
        checkAbort();
        writeCase(all[i] as ExportCase, h);
        if (sink.hasReady) await flush();
      }
    } else {
      /** Writes one case of the stream (unless filtered out). */
      const streamCase = (c: Case) => {
        const ec = filter.take(c);
        if (ec === undefined) return;
        checkAbort();
        if (header === undefined) {
          const started = start([ec]);
          if ('error' in started) throw started.error;
          header = started.header;
        }
        writeCase(ec, header);
      };
      await eachStreamed(source as AsyncIterable<KvdtExportItem>, streamCase, sink, flush);
      if (header === undefined) deriveHeader([], options);
    }
    sink.line('8000', 'adt9');
    sink.line('8000', 'con9');
    for (const chunk of sink.takeAll()) await out.send(chunk);
    await out.drain();
  } catch (e) {
    await out.abandon();
    throw e;
  }
  const h = header as KvdtHeader;
  return {
    bytes: sink.bytes,
    records: cases + 6,
    lines: sink.lines,
    cases,
    quarter: h.quarter,
    bsnr: h.bsnr,
    created,
    skipped: filter.skipped,
  };
}

/** `Z01<BSNR>_TT.MM.JJJJ_hh.mm.con` (Z = ISO-8859-15, 01 = ADT package only) for a local German time. */
export function kvdtFileName(bsnr: string, created: { date: string; time: string }): string {
  const [y, m, d] = created.date.split('-');
  const [hh, mm] = created.time.split(':');
  return `Z01${bsnr}_${d ?? ''}.${m ?? ''}.${y ?? ''}_${hh ?? ''}.${mm ?? ''}.con`;
}

/** Result of {@link writeKvdtFile}. */
export interface KvdtFileResult extends KvdtWriteStats {
  /** Path of the written file. */
  path: string;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function writeFully(fh: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Writes a KVDT file. `out` is a directory (the file is named {@link kvdtFileName}) or a path ending in
 * `.con`. The bytes go to a temporary file in the same directory that is renamed when complete: a refused or
 * failed export leaves no file behind (and with an array source not even a temporary one is created).
 */
export async function writeKvdtFile(source: KvdtItemSource, out: string, options: KvdtWriteOptions = {}): Promise<KvdtFileResult> {
  const intoDirectory = !out.toLowerCase().endsWith('.con') || (await isDirectory(out));
  const dir = intoDirectory ? out : dirname(out);
  const tmp = join(dir, `.${intoDirectory ? 'kvdt' : basename(out)}.${process.pid}.${randomUUID()}.tmp`);
  let fh: FileHandle | undefined;
  try {
    const write = async (chunk: Buffer) => {
      if (fh === undefined) {
        await mkdir(dir, { recursive: true });
        fh = await open(tmp, 'wx');
      }
      await writeFully(fh, chunk);
    };
    // fh.write is done with a chunk when it resolves: its memory can take the next one.
    const stats = await writeChunks(source, write, options, true);
    const handle = fh as FileHandle | undefined;
    if (handle === undefined) throw new PvsKitError('INTERNAL', 'KVDT writer produced no bytes');
    await handle.sync();
    await handle.close();
    fh = undefined;
    const path = intoDirectory ? join(dir, kvdtFileName(stats.bsnr, stats.created)) : out;
    await rename(tmp, path);
    return { ...stats, path };
  } catch (e) {
    const handle = fh as FileHandle | undefined;
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    if (e instanceof PvsKitError) throw e;
    throw new PvsKitError('STORAGE', `KVDT file could not be written to ${out}: ${e instanceof Error ? e.message : String(e)}`, {
      userMessage: `Die KVDT-Datei konnte nicht geschrieben werden (${out}).`,
      cause: e,
    });
  }
}

/** Writes the KVDT bytes into memory (tests, previews, plugins that hand the bytes on). */
export async function writeKvdtBytes(source: KvdtItemSource, options: KvdtWriteOptions = {}): Promise<{ bytes: Buffer; stats: KvdtWriteStats }> {
  const chunks: Buffer[] = [];
  const stats = await writeKvdtTo(source, (chunk) => void chunks.push(chunk), options);
  return { bytes: Buffer.concat(chunks), stats };
}

/**
 * Writes the KVDT bytes to a Node `Writable` (e.g. an HTTP response), waiting for `drain` when it is full.
 * The stream is not ended; on a refusal the caller decides what to do with the partial output.
 */
export async function writeKvdtToStream(
  source: KvdtItemSource,
  stream: NodeJS.WritableStream,
  options: KvdtWriteOptions = {},
): Promise<KvdtWriteStats> {
  return writeKvdtTo(
    source,
    (chunk) =>
      new Promise<void>((resolve, reject) => {
        const onError = (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)));
        stream.once('error', onError);
        const done = () => {
          stream.removeListener('error', onError);
          resolve();
        };
        if (stream.write(chunk)) done();
        else stream.once('drain', done);
      }),
    options,
  );
}
