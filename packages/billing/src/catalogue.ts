import type { ContactMode, Region } from '@pvskit/core';
import { FRAILTY_ICD, NR8_LISTS, NR9_LISTS, type DiagnosisList } from './data/diagnosis-lists.js';
import { EXCLUSIONS, type Exclusion } from './data/exclusions.js';
import { BUILTIN_GOPS } from './data/gops.js';
import { ORIENTIERUNGSWERTE, type PointValue } from './data/orientierungswert.js';
import { REGION_PROFILES, type RegionProfile } from './data/regions.js';
import { WEGEPAUSCHALE_TABLES, type WegepauschaleTable } from './data/wegepauschalen.js';
import type { GopDefinition, PointsPeriod, Validity } from './data/types.js';

/** Data a catalogue is built from; every part defaults to the built-in tables. */
export interface CatalogueData {
  readonly gops?: readonly GopDefinition[];
  readonly wegepauschaleTables?: readonly WegepauschaleTable[];
  readonly pointValues?: readonly PointValue[];
  readonly nr8?: readonly DiagnosisList[];
  readonly nr9?: readonly DiagnosisList[];
  readonly regions?: readonly RegionProfile[];
  readonly exclusions?: readonly Exclusion[];
  /** Entries from an SDEBM file (see {@link parseSdebm}); they win over the built-in points and texts. */
  readonly overlay?: readonly SdebmEntry[];
}

/** One GOP read from the KBV EBM master file. */
export interface SdebmEntry {
  readonly gop: string;
  readonly title?: string;
  readonly points?: number;
  /** Validity of the GOP itself (`gueltigkeit` of the gnr), if the file states it. */
  readonly validFrom?: string;
  readonly validTo?: string;
  /** Period the points apply to (the file's service period when the gnr states none). */
  readonly pointsFrom?: string;
  readonly pointsTo?: string;
}

/** A Wegepauschale the table prescribes for one visit. */
export interface WegepauschaleCharge {
  readonly gop: string;
  readonly count: number;
  /** Euro amount of one unit. */
  readonly euro: number;
}

/** Result of {@link Catalogue.lookup}. */
export interface GopLookup {
  readonly definition: GopDefinition;
  /** The GOP is billable on that date (inside its validity). */
  readonly valid: boolean;
  /** Points of one unit on that date for that mode, or null when not known. */
  readonly points: number | null;
}

/**
 * The EBM catalogue and the region tables, indexed once. All lookups are by GOP and date; nothing is re-read
 * per call.
 */
export interface Catalogue {
  /** The GOP's definition regardless of date, or undefined when no loaded catalogue has it. */
  definition(gop: string): GopDefinition | undefined;
  /** Definition plus validity and points on `date` (YYYY-MM-DD); undefined for an unknown GOP. */
  lookup(gop: string, date: string, mode?: ContactMode): GopLookup | undefined;
  /** Cent value of one point in the year of `date`, or null. */
  pointValueCents(date: string): number | null;
  /** Euro for `count` units of `points` on `date`, rounded to the cent; null when anything is unknown. */
  euroFor(points: number | null, count: number, date: string): number | null;
  /** The region's Wegepauschalen table valid on `date`. */
  wegepauschaleTable(region: Region, date: string): WegepauschaleTable | undefined;
  /** True when `gop` is a Wegepauschale in the region (any date). */
  isWegepauschale(region: Region, gop: string): boolean;
  /** The Wegepauschale for a visit at radius `distanceKm` in `band`, or undefined without a table. */
  wegepauschaleFor(region: Region, date: string, distanceKm: number, band: 'day' | 'night'): WegepauschaleCharge | undefined;
  /** Euro of one unit of a Wegepauschale on `date`, or null. */
  wegepauschaleEuro(region: Region, date: string, gop: string): number | null;
  /** The ICD code is a Nr. 8 diagnosis on `date`. */
  isNr8(icd: string, date: string): boolean;
  /** The ICD code is a Nr. 9 diagnosis on `date` (dementia, Alzheimer, Parkinson). */
  isNr9Diagnosis(icd: string, date: string): boolean;
  /** The frailty code of Nr. 9 (R54). */
  readonly frailtyIcd: string;
  /** The EBM exclusions of `gop` valid on `date` (its Abrechnungsausschlüsse). */
  exclusionsOf(gop: string, date: string): readonly Exclusion[];
  /** Region profile (pseudo case template, chapter 3/4 rule), or undefined. */
  region(region: Region): RegionProfile | undefined;
  /** A new catalogue with SDEBM entries laid over this one. */
  withOverlay(entries: readonly SdebmEntry[]): Catalogue;
  /** All definitions, for listings and documentation. */
  readonly definitions: readonly GopDefinition[];
}

/** Points of a video-only case: the period's own video value, else the GOP's reduction applied. */
function videoPointsOf(d: GopDefinition, p: PointsPeriod): number {
  if (p.videoPoints !== undefined) return p.videoPoints;
  return d.videoReductionPercent === undefined ? p.points : Math.round((p.points * (100 - d.videoReductionPercent)) / 100);
}

function within(v: Validity, date: string): boolean {
  return (v.validFrom === null || date >= v.validFrom) && (v.validTo === null || date <= v.validTo);
}

/**
 * The ICD-10-GM code without its trailing marker: `!` (Sekundärschlüssel), `*` (Stern), `+`/`†` (Kreuz), `#`.
 * ICD-10-GM writes secondary codes with their marker (`S06.70!`); the code itself is what the checks judge.
 */
export function withoutIcdMarker(icd: string): string {
  return icd.trim().replace(/[!*+#†]+$/u, '');
}

/** Normalises an ICD code for list matching: upper case, no trailing markers. */
export function normaliseIcd(icd: string): string {
  return withoutIcdMarker(icd).toUpperCase();
}

interface CompiledList extends Validity {
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly RegExp[];
}

function compileList(list: DiagnosisList): CompiledList {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const e of list.entries) {
    const code = e.code.toUpperCase();
    if (code.includes('X')) {
      const body = code.replace(/\./g, '\\.').replace(/X/g, '\\d');
      patterns.push(new RegExp(`^${body}`));
    } else {
      exact.add(code);
    }
  }
  return { validFrom: list.validFrom, validTo: list.validTo, exact, patterns };
}

/** True when `code` equals an entry or continues it (S52 → S52.51; S06.0 → S06.01; not S520 → S52). */
function matchesList(list: CompiledList, code: string): boolean {
  if (list.exact.has(code)) return true;
  // Walk the code's own prefixes instead of the list: a code has at most ~7 prefixes.
  for (let end = code.length - 1; end >= 3; end--) {
    const prefix = code.slice(0, end);
    if (!list.exact.has(prefix)) continue;
    const next = code.charAt(end);
    // A three-character category continues only with its dot; a dotted entry continues with digits.
    if (prefix.includes('.') ? /\d/.test(next) : next === '.') return true;
  }
  return list.patterns.some((p) => p.test(code));
}

const MAX_MEMO = 10_000;

function memoised(fn: (code: string, date: string) => boolean): (code: string, date: string) => boolean {
  const memo = new Map<string, boolean>();
  return (code, date) => {
    const key = `${code}|${date}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const value = fn(code, date);
    if (memo.size >= MAX_MEMO) memo.clear();
    memo.set(key, value);
    return value;
  };
}

function overlayDefinitions(base: readonly GopDefinition[], overlay: readonly SdebmEntry[]): GopDefinition[] {
  const byGop = new Map(base.map((d) => [d.gop, d] as const));
  for (const e of overlay) {
    const existing = byGop.get(e.gop);
    const period: PointsPeriod[] =
      e.points === undefined
        ? []
        : [
            {
              validFrom: e.pointsFrom ?? e.validFrom ?? null,
              validTo: e.pointsTo ?? e.validTo ?? null,
              points: e.points,
              source: 'KBV EBM-Stammdatei (SDEBM)',
            },
          ];
    if (existing === undefined) {
      byGop.set(e.gop, {
        gop: e.gop,
        title: e.title ?? e.gop,
        kind: 'procedure',
        points: period,
        modes: ['personal', 'video', 'phone'],
        requiresTime: false,
        excludes: [],
        requires: [],
        validFrom: e.validFrom ?? null,
        validTo: e.validTo ?? null,
        source: 'KBV EBM-Stammdatei (SDEBM)',
      });
    } else {
      // SDEBM points come first: the master file of the quarter wins over the built-in values.
      byGop.set(e.gop, {
        ...existing,
        title: e.title ?? existing.title,
        points: [...period, ...existing.points],
        validFrom: e.validFrom ?? existing.validFrom,
        validTo: e.validTo ?? existing.validTo,
      });
    }
  }
  return [...byGop.values()];
}

/** Builds a catalogue from data (the built-in tables by default); indexes are built once here. */
export function createCatalogue(data: CatalogueData = {}): Catalogue {
  const baseDefs = data.gops ?? BUILTIN_GOPS;
  const overlay = data.overlay ?? [];
  const definitions = overlay.length === 0 ? [...baseDefs] : overlayDefinitions(baseDefs, overlay);
  const byGop = new Map(definitions.map((d) => [d.gop, d] as const));
  const wegepauschaleTables = data.wegepauschaleTables ?? WEGEPAUSCHALE_TABLES;
  const pointValues = new Map((data.pointValues ?? ORIENTIERUNGSWERTE).map((p) => [p.year, p.cents] as const));
  const nr8 = (data.nr8 ?? NR8_LISTS).map(compileList);
  const nr9 = (data.nr9 ?? NR9_LISTS).map(compileList);
  const regions = new Map((data.regions ?? REGION_PROFILES).map((r) => [r.region, r] as const));
  const exclusionsByGop = new Map<string, Exclusion[]>();
  for (const e of data.exclusions ?? EXCLUSIONS) {
    const list = exclusionsByGop.get(e.gop);
    if (list === undefined) exclusionsByGop.set(e.gop, [e]);
    else list.push(e);
  }
  const NO_EXCLUSIONS: readonly Exclusion[] = [];
  const wegepauschaleGops = new Map<Region, Set<string>>();
  for (const t of wegepauschaleTables) {
    const set = wegepauschaleGops.get(t.region) ?? new Set<string>();
    for (const z of t.zones) {
      set.add(z.day.gop);
      set.add(z.night.gop);
    }
    wegepauschaleGops.set(t.region, set);
  }

  const inLists = (lists: readonly CompiledList[]) =>
    memoised((icd, date) => {
      const code = normaliseIcd(icd);
      return lists.some((l) => within(l, date) && matchesList(l, code));
    });
  const isNr8 = inLists(nr8);
  const isNr9Diagnosis = inLists(nr9);

  const wegepauschaleTable = (region: Region, date: string) =>
    wegepauschaleTables.find((t) => t.region === region && within(t, date));

  const catalogue: Catalogue = {
    definitions,
    frailtyIcd: FRAILTY_ICD,
    // A KV suffix (01741M) shares the rules of its five-digit GOP (SDEBM 2.7.6).
    definition: (gop) => byGop.get(gop) ?? byGop.get(gop.slice(0, 5)),
    lookup(gop, date, mode = 'personal') {
      const definition = byGop.get(gop) ?? byGop.get(gop.slice(0, 5));
      if (definition === undefined) return undefined;
      const period = definition.points.find((p) => within(p, date));
      const points = period === undefined ? null : mode === 'video' ? videoPointsOf(definition, period) : period.points;
      const modeValidity = definition.modeValidity?.[mode];
      return { definition, valid: within(definition, date) && (modeValidity === undefined || within(modeValidity, date)), points };
    },
    pointValueCents: (date) => pointValues.get(Number(date.slice(0, 4))) ?? null,
    euroFor(points, count, date) {
      if (points === null) return null;
      const cents = pointValues.get(Number(date.slice(0, 4)));
      if (cents === undefined) return null;
      return Math.round(points * count * cents) / 100;
    },
    wegepauschaleTable,
    isWegepauschale: (region, gop) => wegepauschaleGops.get(region)?.has(gop) ?? false,
    wegepauschaleFor(region, date, distanceKm, band) {
      const table = wegepauschaleTable(region, date);
      if (table === undefined) return undefined;
      const zone = table.zones.find((z) => z.maxKm === null || distanceKm <= z.maxKm);
      if (zone === undefined) return undefined;
      const rate = band === 'day' ? zone.day : zone.night;
      const count = 1 + (zone.repeatAboveKm ?? []).filter((km) => distanceKm > km).length;
      return { gop: rate.gop, count, euro: rate.euro };
    },
    wegepauschaleEuro(region, date, gop) {
      const table = wegepauschaleTable(region, date);
      if (table === undefined) return null;
      for (const z of table.zones) {
        if (z.day.gop === gop) return z.day.euro;
        if (z.night.gop === gop) return z.night.euro;
      }
      return null;
    },
    isNr8,
    isNr9Diagnosis,
    exclusionsOf(gop, date) {
      const list = exclusionsByGop.get(gop) ?? exclusionsByGop.get(gop.slice(0, 5));
      if (list === undefined) return NO_EXCLUSIONS;
      return list.every((e) => within(e, date)) ? list : list.filter((e) => within(e, date));
    },
    region: (region) => regions.get(region),
    withOverlay: (entries) => createCatalogue({ ...data, gops: definitions, overlay: entries }),
  };
  return catalogue;
}

/** The built-in catalogue, built once at module load. */
export const defaultCatalogue: Catalogue = createCatalogue();
