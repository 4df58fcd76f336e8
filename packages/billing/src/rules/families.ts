import type { Catalogue } from '../catalogue.js';
import type { GopBand, GopKind } from '../data/types.js';

/** GOPs of the catalogue grouped by what the engine does with them, computed once per catalogue. */
export interface Families {
  /** 01205/01207 by band. */
  readonly abklaerung: Readonly<Partial<Record<GopBand, string>>>;
  /** 01210/01212 by band. */
  readonly behandlung: Readonly<Partial<Record<GopBand, string>>>;
  /** 01214/01216/01218 by band. */
  readonly konsultation: Readonly<Partial<Record<GopBand, string>>>;
  /** Notfallpauschalen (Abklärung and Behandlung): once per Dienstfall. */
  readonly pauschalen: ReadonlySet<string>;
  /** GOPs that need the time of the contact (Notfall- and Konsultationspauschalen). */
  readonly timed: ReadonlySet<string>;
  /** GOPs of these kinds. */
  readonly byKind: ReadonlyMap<GopKind, ReadonlySet<string>>;
}

const cache = new WeakMap<Catalogue, Families>();

/** The families of a catalogue (cached). */
export function familiesOf(catalogue: Catalogue): Families {
  const hit = cache.get(catalogue);
  if (hit !== undefined) return hit;
  const abklaerung: Partial<Record<GopBand, string>> = {};
  const behandlung: Partial<Record<GopBand, string>> = {};
  const konsultation: Partial<Record<GopBand, string>> = {};
  const byKind = new Map<GopKind, Set<string>>();
  const timed = new Set<string>();
  for (const d of catalogue.definitions) {
    const set = byKind.get(d.kind) ?? new Set<string>();
    set.add(d.gop);
    byKind.set(d.kind, set);
    if (d.requiresTime) timed.add(d.gop);
    if (d.band === undefined) continue;
    if (d.kind === 'abklaerung') abklaerung[d.band] = d.gop;
    if (d.kind === 'notfallpauschale') behandlung[d.band] = d.gop;
    if (d.kind === 'konsultation') konsultation[d.band] = d.gop;
  }
  const families: Families = {
    abklaerung,
    behandlung,
    konsultation,
    pauschalen: new Set([...Object.values(abklaerung), ...Object.values(behandlung)]),
    timed,
    byKind,
  };
  cache.set(catalogue, families);
  return families;
}

/** GOP codes of one kind. */
export function kindSet(f: Families, kind: GopKind): ReadonlySet<string> {
  return f.byKind.get(kind) ?? new Set<string>();
}
