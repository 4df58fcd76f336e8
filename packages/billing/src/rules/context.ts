import type { Case, Fix, JsonPath, Region, Service, Severity } from '@pvskit/core';
import type { Catalogue } from '../catalogue.js';
import { nr9AgeGroup } from '../time.js';
import { isPseudoCase } from './duty-window.js';
import { familiesOf, type Families } from './families.js';
import { ruleValidOn, severityOf, type RuleId } from './ids.js';

/** What a rule emits; the engine adds case id and path. */
export interface RawFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly service?: number;
  readonly gop?: string;
  readonly message: string;
  readonly fix?: Fix;
  /** From the root of the case. */
  readonly path?: JsonPath;
}

/** A case prepared for the rules: indexes built once per check. */
export interface CaseView {
  readonly c: Case;
  readonly region: Region;
  readonly catalogue: Catalogue;
  readonly families: Families;
  readonly services: readonly Service[];
  /** Service indices per GOP, in input order. */
  readonly byGop: ReadonlyMap<string, readonly number[]>;
  /** The doctor takes part in contract care (default true). */
  readonly contracted: boolean;
  /** A pseudo case (flag, or a 99999 service). */
  readonly isPseudo: boolean;
  indices(gop: string): readonly number[];
  has(gop: string): boolean;
  /** Total units of the GOPs (sum of counts). */
  units(gops: Iterable<string>): number;
  /** Indices of services whose GOP is in `set`. */
  indicesIn(set: ReadonlySet<string>): number[];
  /** A confirmed (G) Nr. 8 diagnosis exists for a service on `date`. */
  hasNr8(date: string): boolean;
  /** German reason the patient is in a Nr. 9 group on `date`, or null. */
  nr9Group(date: string): string | null;
  /**
   * The Nr. 9 group holds without a judgement: not only by R54 (frailty as a code needs the doctor's finding
   * of a geriatric care need, so it is suggested but never added).
   */
  nr9Certain(date: string): boolean;
  /** The time a Zuschlag is judged at: its own, else the first base GOP's. */
  timeOf(index: number, baseGops?: readonly string[]): string | undefined;
  /** Records a finding; the severity comes from the rule table. */
  emit(f: Omit<RawFinding, 'severity'>): void;
}

const NONE: readonly number[] = [];

const R54_REASON = 'ab 70 Jahren mit R54 (Frailty, geriatrischer Versorgungsbedarf ärztlich zu bestätigen)';

/**
 * The case with its three lists as plain arrays (their elements stay shared). The kit hands plugins deeply
 * frozen contexts, and V8 in Node 20 runs forEach, filter, some and map over a frozen array 3–14 times slower
 * than over a plain one: a copy per check costs less than the rules' many passes over the frozen lists.
 */
function withPlainLists(c: Case): Case {
  if (!Object.isFrozen(c.services) && !Object.isFrozen(c.contacts) && !Object.isFrozen(c.diagnoses)) return c;
  return { ...c, diagnoses: [...c.diagnoses], contacts: [...c.contacts], services: [...c.services] };
}

/** Builds the view; `out` collects the raw findings. */
export function createView(frozenOrPlain: Case, catalogue: Catalogue, out: RawFinding[]): CaseView {
  const c = withPlainLists(frozenOrPlain);
  const byGop = new Map<string, number[]>();
  c.services.forEach((s, i) => {
    const list = byGop.get(s.gop);
    if (list === undefined) byGop.set(s.gop, [i]);
    else list.push(i);
  });
  const families = familiesOf(catalogue);
  const confirmed = c.diagnoses.filter((d) => d.certainty === 'G');
  const nr8Memo = new Map<string, boolean>();
  const nr9Memo = new Map<string, string | null>();
  const view: CaseView = {
    c,
    region: c.region,
    catalogue,
    families,
    services: c.services,
    byGop,
    contracted: c.physician?.contractedPhysician ?? true,
    isPseudo: isPseudoCase(c),
    indices: (gop) => byGop.get(gop) ?? NONE,
    has: (gop) => byGop.has(gop),
    units(gops) {
      let n = 0;
      for (const g of gops) for (const i of byGop.get(g) ?? NONE) n += c.services[i]?.count ?? 0;
      return n;
    },
    indicesIn(set) {
      const out: number[] = [];
      c.services.forEach((s, i) => {
        if (set.has(s.gop)) out.push(i);
      });
      return out;
    },
    hasNr8(date) {
      let hit = nr8Memo.get(date);
      if (hit === undefined) {
        hit = confirmed.some((d) => catalogue.isNr8(d.icd, date));
        nr8Memo.set(date, hit);
      }
      return hit;
    },
    nr9Group(date) {
      const memo = nr9Memo.get(date);
      if (memo !== undefined) return memo;
      const reason = nr9Reason(c, catalogue, date, confirmed);
      nr9Memo.set(date, reason);
      return reason;
    },
    nr9Certain(date) {
      const reason = view.nr9Group(date);
      return reason !== null && reason !== R54_REASON;
    },
    timeOf(index, baseGops = []) {
      const own = c.services[index];
      if (own?.time !== undefined) return own.time;
      for (const g of baseGops) {
        for (const i of byGop.get(g) ?? NONE) {
          const s = c.services[i];
          if (s?.time !== undefined && s.date === own?.date) return s.time;
        }
      }
      return undefined;
    },
    emit: (f) => {
      // A rule reports only on services dated inside its validity (rules as dated data).
      const s = f.service === undefined ? undefined : c.services[f.service];
      if (s !== undefined && !ruleValidOn(f.rule, s.date)) return;
      out.push({ ...f, severity: severityOf(f.rule) });
    },
  };
  return view;
}

function nr9Reason(c: Case, catalogue: Catalogue, date: string, confirmed: Case['diagnoses']): string | null {
  const age = nr9AgeGroup(c.patient.birthDate, date);
  if (age === 'child') return 'Kind vor dem 3. Geburtstag';
  const dx = confirmed.find((d) => catalogue.isNr9Diagnosis(d.icd, date));
  if (dx !== undefined) return `Diagnose ${dx.icd}`;
  if (age === 'senior') {
    if (c.patient.frailty) return 'ab 70 Jahren mit Frailty-Syndrom';
    if (confirmed.some((d) => d.icd.toUpperCase().startsWith(catalogue.frailtyIcd))) return R54_REASON;
  }
  if (c.patient.severeImpairment) return 'erhebliche krankheitsbedingte Beeinträchtigung';
  return null;
}
