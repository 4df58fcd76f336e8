/** Functions behind `pvskit kvdt export | read | check` (the CLI wires them; hosts may call them too). */
import { stat } from 'node:fs/promises';
import { PvsKitError, type Finding } from '@pvskit/core';
import { KVDT_FIELDS } from './field-table.js';
import type { KvdtParseError } from './model.js';
import { parseKvdt } from './reader.js';
import { checkKvdtSource } from './validator.js';
import { writeKvdtFile, type KvdtFileResult, type KvdtItemSource, type KvdtWriteOptions } from './writer.js';

/** Input of {@link exportKvdt}: the items plus the writer options. */
export interface ExportKvdtOptions extends KvdtWriteOptions {
  /** Cases and/or duty bundles; an array is checked completely before anything is written. */
  items: KvdtItemSource;
  /** Directory (file named `Z01<BSNR>_TT.MM.JJJJ_hh.mm.con`) or a path ending in `.con`. */
  out: string;
}

/**
 * `pvskit kvdt export`: writes the KVDT file (temp name + rename). Refusals throw
 * `PvsKitError('EXPORT_REFUSED' | 'ENCODING')` naming case, path and field; nothing is left on disk then.
 */
export async function exportKvdt(options: ExportKvdtOptions): Promise<KvdtFileResult> {
  const { items, out, ...writeOptions } = options;
  return writeKvdtFile(items, out, writeOptions);
}

/** JSON view of one field. */
export interface KvdtFieldView {
  line: number;
  id: string;
  value: string;
  /** German field name, when pvskit knows the field. */
  label?: string;
}

/** JSON view of a KVDT file (`pvskit kvdt read`). */
export interface KvdtFileView {
  file: string;
  bytes: number;
  lines: number;
  /** Records per Satzart. */
  counts: Record<string, number>;
  /** Malformed lines. */
  errors: KvdtParseError[];
  records: { satzart: string; line: number; fields: KvdtFieldView[] }[];
}

async function assertReadableFile(path: string): Promise<void> {
  let isFile = false;
  try {
    isFile = (await stat(path)).isFile();
  } catch (e) {
    throw new PvsKitError('INPUT_UNREADABLE', `${path}: cannot read (${e instanceof Error ? e.message : String(e)})`, {
      userMessage: `Datei ${path} kann nicht gelesen werden.`,
      details: { file: path },
    });
  }
  if (!isFile) {
    throw new PvsKitError('INPUT_UNREADABLE', `${path}: not a file`, { userMessage: `${path} ist keine Datei.`, details: { file: path } });
  }
}

/**
 * `pvskit kvdt read`: the file as JSON (records with fields and line numbers, counts, malformed lines).
 * Throws `PvsKitError('INPUT_UNREADABLE')` only when the file cannot be opened.
 */
export async function readKvdtFile(path: string): Promise<KvdtFileView> {
  await assertReadableFile(path);
  const view: KvdtFileView = { file: path, bytes: 0, lines: 0, counts: {}, errors: [], records: [] };
  const gen = parseKvdt(path);
  for (;;) {
    const next = await gen.next();
    if (next.done === true) {
      view.bytes = next.value.bytes;
      view.lines = next.value.lines;
      return view;
    }
    const event = next.value;
    if (event.type === 'error') {
      view.errors.push(event.error);
      continue;
    }
    const r = event.record;
    view.counts[r.satzart] = (view.counts[r.satzart] ?? 0) + 1;
    view.records.push({
      satzart: r.satzart,
      line: r.line,
      fields: r.fields.map((f) => {
        const label = KVDT_FIELDS.get(f.id)?.label;
        return label === undefined ? { line: f.line, id: f.id, value: f.value } : { line: f.line, id: f.id, value: f.value, label };
      }),
    });
  }
}

/**
 * `pvskit kvdt check`: findings (`KVDT-…` structure rules, `ID-…` identifiers) with line and field.
 * Streams through the file. Throws `PvsKitError('INPUT_UNREADABLE')` only when the file cannot be opened.
 */
export async function checkKvdtFile(path: string): Promise<{ findings: Finding[]; counts: Record<string, number> }> {
  await assertReadableFile(path);
  return checkKvdtSource(path);
}
