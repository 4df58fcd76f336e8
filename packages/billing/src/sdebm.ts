import { PvsKitError } from '@pvskit/core';
import { defaultCatalogue, type Catalogue, type SdebmEntry } from './catalogue.js';

/** Namespace of the KBV EBM master file (SDEBM, Satzarten 850–853). */
export const SDEBM_NAMESPACE = 'urn:ehd/go/001';

/** What {@link parseSdebm} reads from an SDEBM file. */
export interface SdebmFile {
  /** The file's service period (`service_tmr` of the header), when stated. */
  readonly period?: { readonly from: string; readonly to: string };
  readonly entries: SdebmEntry[];
}

/** An element as xml2js gives it: attributes under `$`, text under `_`, children as arrays. */
interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: unknown;
}

function unreadable(message: string, userMessage: string, cause?: unknown): PvsKitError {
  return new PvsKitError('INPUT_UNREADABLE', `SDEBM: ${message}`, {
    userMessage: `EBM-Stammdatei nicht lesbar: ${userMessage}`,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Decodes the bytes by the XML declaration's encoding; SDEBM files are ISO-8859-15 unless they say otherwise. */
export function decodeSdebm(xml: Uint8Array | string): string {
  if (typeof xml === 'string') return xml;
  const prolog = new TextDecoder('latin1').decode(xml.subarray(0, 200));
  const declared = /encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1]?.toLowerCase() ?? 'iso-8859-15';
  try {
    return new TextDecoder(declared, { fatal: declared === 'utf-8' }).decode(xml);
  } catch (e) {
    throw unreadable(`cannot decode as ${declared}`, `Zeichensatz ${declared} wird nicht unterstützt.`, e);
  }
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) current = children(current, name)[0];
  return current;
}

/** The value of an element: its V attribute, else its text. */
function valueOf(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const v = node.$?.['V'] ?? node._;
  const text = typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : undefined;
  return text === '' ? undefined : text;
}

/** `2026-01-01`, `20260101` → `2026-01-01`; anything else → undefined. */
function isoDate(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v.trim());
  return m === null ? undefined : `${m[1]}-${m[2]}-${m[3]}`;
}

/** `from..to` (either side may be empty) → dates. */
function range(v: string | undefined): { from?: string; to?: string } {
  if (v === undefined) return {};
  const [a, b] = v.split('..');
  const from = isoDate(a);
  const to = isoDate(b);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/** Every node named `name` below `node`, depth first. */
function* descendants(node: unknown, name: string): Generator<XmlNode> {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '$' || key === '_' || !Array.isArray(value)) continue;
    for (const item of value) {
      if (key === name) yield item as XmlNode;
      yield* descendants(item, name);
    }
  }
}

function pointsOf(allgemein: XmlNode | undefined): number | undefined {
  for (const b of descendants(allgemein, 'bewertung')) {
    if ((b.$?.['U'] ?? '').toLowerCase() !== 'punkte') continue;
    const n = Number((b.$?.['V'] ?? '').replace(',', '.'));
    if (Number.isInteger(n) && n >= 0) return n;
  }
  return undefined;
}

function validityOf(gnr: XmlNode): { from?: string; to?: string } {
  for (const g of descendants(gnr, 'gueltigkeit')) {
    const own = range(valueOf(g));
    if (own.from !== undefined || own.to !== undefined) return own;
    const inner = range(valueOf(child(g, 'service_tmr')));
    if (inner.from !== undefined || inner.to !== undefined) return inner;
  }
  return {};
}

/**
 * Reads a KBV EBM master file (SDEBM XML, namespace `urn:ehd/go/001`, ISO-8859-15 unless declared
 * otherwise): per GOP its short text, points (unit "Punkte") and validity. Cross references (a `gnr` without
 * `allgemein`, e.g. in exclusion lists) are skipped.
 * @throws PvsKitError `INPUT_UNREADABLE` for malformed XML or a file without the SDEBM namespace.
 */
export async function parseSdebm(xml: Uint8Array | string): Promise<SdebmFile> {
  const text = decodeSdebm(xml);
  if (!text.includes(SDEBM_NAMESPACE)) {
    throw unreadable(`namespace ${SDEBM_NAMESPACE} not declared`, `Namensraum ${SDEBM_NAMESPACE} fehlt.`);
  }
  // Loaded on use: importing @pvskit/billing should not pay for the XML parser.
  const { Parser, processors } = await import('xml2js');
  let doc: unknown;
  try {
    doc = await new Parser({ explicitArray: true, tagNameProcessors: [processors.stripPrefix], attrNameProcessors: [processors.stripPrefix] }).parseStringPromise(text);
  } catch (e) {
    throw unreadable(`malformed XML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`, 'kein gültiges XML.', e);
  }
  // xml2js gives the root element as a plain object, children as arrays: wrap the root like a child.
  const tree = Object.fromEntries(Object.entries((doc ?? {}) as Record<string, unknown>).map(([k, v]) => [k, [v]]));
  const header = [...descendants(tree, 'header')][0];
  const period = range(valueOf(child(header, 'service_tmr')));
  const entries: SdebmEntry[] = [];
  for (const gnr of descendants(tree, 'gnr')) {
    const gop = gnr.$?.['V'];
    const allgemein = child(gnr, 'allgemein');
    if (gop === undefined || allgemein === undefined) continue;
    const title = valueOf(child(allgemein, 'legende', 'kurztext'));
    const points = pointsOf(allgemein);
    const validity = validityOf(gnr);
    entries.push({
      gop,
      ...(title === undefined ? {} : { title }),
      ...(points === undefined ? {} : { points }),
      ...(validity.from === undefined ? {} : { validFrom: validity.from }),
      ...(validity.to === undefined ? {} : { validTo: validity.to }),
      ...(period.from === undefined ? {} : { pointsFrom: period.from }),
      ...(period.to === undefined ? {} : { pointsTo: period.to }),
    });
  }
  return {
    ...(period.from !== undefined && period.to !== undefined ? { period: { from: period.from, to: period.to } } : {}),
    entries,
  };
}

/**
 * Reads an SDEBM file and lays it over `base` (default: the built-in catalogue): its points win for the
 * file's service period, its texts and GOP validity replace the built-in ones, unknown GOPs are added.
 */
export async function loadSdebm(xml: Uint8Array | string, base: Catalogue = defaultCatalogue): Promise<Catalogue> {
  const file = await parseSdebm(xml);
  return base.withOverlay(file.entries);
}
