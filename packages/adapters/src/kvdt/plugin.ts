/** The `billing-export` hook: a plugin that writes the KVDT file through this adapter. */
import { basename } from 'node:path';
import { isPvsKitError, type Card, type CaseOrBundle, type PvsKitPlugin } from '@pvskit/core';
import { exportDirectoryBelow } from './export-dir.js';
import type { ExportProblem } from './export-case.js';
import { writeKvdtFile, type KvdtFileResult, type KvdtWriteOptions } from './writer.js';
// Defines the hooks this plugin serves, so a host that imports only the plugin knows them.
import './hooks.js';

/** What `billing-export` answers besides its cards: the file written, or the problems that kept it from being written. */
export type KvdtExportData = KvdtFileResult | { refused: ExportProblem[] };

declare module '@pvskit/core' {
  interface HookDataRegistry {
    'billing-export': KvdtExportData;
  }
}

/** Options of {@link kvdtExportPlugin}. */
export interface KvdtExportPluginOptions extends Omit<KvdtWriteOptions, 'quarter' | 'signal'> {
  /** Plugin id; default `pvskit.kvdt-export`. */
  id?: string;
  /**
   * The export directory: files are written here, or below it where the context's `outDir` (absolute or relative
   * to it) points. Without it the plugin writes nothing. A context `outDir` outside it (links resolved) is refused.
   */
  outDir?: string;
}

const SOURCE = { label: 'pvskit KVDT-Export' };

function card(summary: string, indicator: Card['indicator'], detail?: string): Card {
  const short = summary.length > 139 ? `${summary.slice(0, 138)}…` : summary;
  return { summary: short, indicator, source: SOURCE, ...(detail === undefined ? {} : { detail }) };
}

/**
 * A plugin serving `billing-export` (context `{ items, quarter?, outDir? }`): writes the KVDT file into the
 * configured export directory (or below it, see {@link KvdtExportPluginOptions.outDir}) and answers with an info
 * card naming the file and `data: { path, bytes, cases, records, quarter, bsnr, skipped }`.
 * A refused export (missing field, character outside ISO-8859-15) is an answer, not a plugin failure: a
 * critical card naming case and field, `data: { refused: problems }`, and no file.
 */
export function kvdtExportPlugin(options: KvdtExportPluginOptions = {}): PvsKitPlugin {
  const { id = 'pvskit.kvdt-export', outDir: exportRoot, ...writeOptions } = options;
  return {
    id,
    title: 'KVDT-Abrechnungsdatei',
    description: 'Erstellt die KVDT-Abrechnungsdatei (ISO-8859-15) für die Kassenärztliche Vereinigung.',
    hooks: {
      'billing-export': async (context, call) => {
        if (exportRoot === undefined) {
          return { cards: [card('KVDT-Datei nicht erstellt: kein Exportverzeichnis eingerichtet.', 'critical')], data: { refused: [] } };
        }
        const outDir = await exportDirectoryBelow(exportRoot, context.outDir);
        if (outDir === undefined) {
          return { cards: [card('KVDT-Datei nicht erstellt: das Zielverzeichnis liegt außerhalb des Exportverzeichnisses.', 'critical')], data: { refused: [] } };
        }
        try {
          // The host parsed the context: a bundle is the item with `cases`.
          const items = context.items.map((item): CaseOrBundle => ('cases' in item ? { kind: 'bundle', bundle: item } : { kind: 'case', case: item }));
          const result = await writeKvdtFile(items, outDir, {
            ...writeOptions,
            ...(context.quarter === undefined ? {} : { quarter: context.quarter }),
            signal: call.signal,
          });
          const q = `${result.quarter.slice(0, 1)}/${result.quarter.slice(1)}`;
          const skipped = result.skipped.notBilledThroughKv > 0 ? `; ${result.skipped.notBilledThroughKv} PKV/BG-Fälle nicht enthalten` : '';
          return {
            // The card names the file only: cards travel to remote callers, the machine's paths are none of theirs.
            cards: [card(`KVDT-Datei für Quartal ${q} erstellt: ${result.cases} Fälle${skipped}.`, 'info', basename(result.path))],
            data: result,
          };
        } catch (e) {
          if (!isPvsKitError(e) || (e.code !== 'EXPORT_REFUSED' && e.code !== 'ENCODING' && e.code !== 'VALIDATION')) throw e;
          const problems = (e.details?.['problems'] ?? []) as ExportProblem[];
          const detail = problems.length > 0 ? problems.map((p) => `- ${p.messageDe}`).join('\n') : e.userMessage;
          return { cards: [card(e.userMessage, 'critical', detail)], data: { refused: problems } };
        }
      },
    },
  };
}
