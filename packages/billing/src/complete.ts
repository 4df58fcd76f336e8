import { PvsKitError, type Bundle, type BundleInput, type Case, type CaseInput, type Contact, type Finding, type Service } from '@pvskit/core';
import { defaultCatalogue, type Catalogue } from './catalogue.js';
import { NR8_SUPPLEMENT_SWAP, ROLE_GOPS, SEVERITY_SUPPLEMENTS } from './data/gops.js';
import type { GopKind } from './data/types.js';
import { checkCase, checkDutyCases, mergeBundleCase, parseInput, type EngineInput, type EngineOptions } from './engine.js';
import { konsultationBandOf, pauschaleBandOf, travelBandOf, when } from './time.js';
import { createView } from './rules/context.js';
import { dutyPartStarts } from './rules/case.js';
import { isPseudoCase } from './rules/duty.js';
import { familiesOf } from './rules/families.js';
import { expectedSupplement } from './rules/supplement.js';
import { severityOf } from './rules/ids.js';

/** Options of `complete`. */
export interface CompleteOptions extends EngineOptions {
  /** Number N of the pseudo patient "Notfalldienst Arzt N" when the bundle has none yet (default 1). */
  readonly doctorNumber?: number;
}

/** Result of `complete` for a case. */
export interface CompletedCase {
  readonly case: Case;
  readonly findings: Finding[];
}

/** Result of `complete` for a bundle: self-contained cases, pseudo cases included. */
export interface CompletedBundle {
  readonly cases: Case[];
  readonly findings: Finding[];
}

const SEVERITY_GOPS = new Set<string>([...Object.values(SEVERITY_SUPPLEMENTS.nr8), SEVERITY_SUPPLEMENTS.nr9.offHours]);

/** Output order of GOP kinds at the same date and time: the Pauschale first, then what hangs on it. */
const KIND_RANK: Readonly<Record<GopKind, number>> = {
  abklaerung: 0,
  notfallpauschale: 0,
  konsultation: 0,
  zuschlag: 1,
  visit: 2,
  travel: 3,
  technik: 4,
  procedure: 5,
  excluded: 5,
  pseudo: 6,
};

function byTime(a: Contact, b: Contact): number {
  const ka = `${a.date} ${a.time}`;
  const kb = `${b.date} ${b.time}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function service(gop: string, date: string, time: string, mode: Service['mode'], count = 1): Service {
  return { gop, date, time, mode, count };
}

interface Derivation {
  readonly derived: Service[];
  /** The contact the Notfallpauschale was derived from, with its GOP. */
  readonly base?: { gop: string; contact: Contact };
  readonly notes: Finding[];
}

/** Services for the contacts, spec "Choosing the GOP" steps 1–6 (supplements come later). */
function deriveFromContacts(c: Case, catalogue: Catalogue): Derivation {
  const f = familiesOf(catalogue);
  const contracted = c.physician?.contractedPhysician ?? true;
  const derived: Service[] = [];
  const notes: Finding[] = [];
  let base: Derivation['base'];
  for (const k of [...c.contacts].sort(byTime)) {
    if (k.mode === 'video' && !contracted) {
      // Not billable at all: neither a Pauschale nor 01450 (EBM 01210 note on non-contracted doctors).
      notes.push({
        rule: 'NFD-VIDEO-NOT-CONTRACTED',
        severity: severityOf('NFD-VIDEO-NOT-CONTRACTED'),
        ...(c.id === undefined ? {} : { caseId: c.id }),
        message: `Videokontakt am ${when(k.date, k.time)} nicht abrechenbar: nicht an der vertragsärztlichen Versorgung teilnehmende Ärzte dürfen im Notfall keine Videosprechstunde durchführen.`,
      });
      continue;
    }
    const kBand = konsultationBandOf(k.date, k.time, c.region);
    const pBand = pauschaleBandOf(k.date, k.time, c.region);
    const konsultation = kBand === undefined ? undefined : f.konsultation[kBand];
    if (k.mode === 'phone' || base !== undefined) {
      if (konsultation !== undefined) derived.push(service(konsultation, k.date, k.time, k.mode));
    } else if (pBand !== undefined) {
      // Abklärung needs a personal contact; a video contact marked assessment-only bills the full Pauschale.
      const family = k.assessmentOnly && k.mode === 'personal' ? f.abklaerung : f.behandlung;
      const gop = family[pBand];
      if (gop !== undefined) {
        derived.push(service(gop, k.date, k.time, k.mode));
        base = { gop, contact: k };
      }
    }
    if (k.mode === 'personal' && k.visit !== undefined) {
      const further = k.visit.sameSocialCommunity;
      derived.push(service(further ? ROLE_GOPS.visitSameCommunity : ROLE_GOPS.visit, k.date, k.time, 'personal'));
      if (!further && k.visit.distanceKm !== undefined) {
        const travel = catalogue.travelFor(c.region, k.date, k.visit.distanceKm, travelBandOf(k.time));
        if (travel !== undefined) derived.push(service(travel.gop, k.date, k.time, 'personal', travel.count));
      }
    }
    if (k.mode === 'video') derived.push(service(ROLE_GOPS.technik, k.date, k.time, 'video'));
  }
  return { derived, ...(base === undefined ? {} : { base }), notes };
}

/** Entered services that the contacts explain, and are therefore derived afresh. */
function isExplained(s: Service, c: Case, catalogue: Catalogue, keys: ReadonlySet<string>, dates: ReadonlySet<string>, visitDates: ReadonlySet<string>): boolean {
  const f = familiesOf(catalogue);
  if (SEVERITY_GOPS.has(s.gop)) return !(NR8_SUPPLEMENT_SWAP[s.gop] !== undefined && s.justification !== undefined);
  if (catalogue.isTravelGop(c.region, s.gop)) return visitDates.has(s.date);
  const contactBound =
    f.timed.has(s.gop) || s.gop === ROLE_GOPS.visit || s.gop === ROLE_GOPS.visitSameCommunity || s.gop === ROLE_GOPS.technik;
  if (!contactBound) return false;
  return s.time === undefined ? dates.has(s.date) : keys.has(`${s.date} ${s.time}`);
}

function priced(s: Service, c: Case, catalogue: Catalogue): Service {
  if (catalogue.isTravelGop(c.region, s.gop)) {
    const unit = catalogue.travelEuro(c.region, s.date, s.gop);
    return { ...s, points: null, euro: unit === null ? null : Math.round(unit * s.count * 100) / 100 };
  }
  const points = catalogue.lookup(s.gop, s.date, s.mode)?.points ?? null;
  return { ...s, points, euro: catalogue.euroFor(points, s.count, s.date) };
}

function sortServices(services: Service[], catalogue: Catalogue): Service[] {
  const rank = (s: Service) => KIND_RANK[catalogue.definition(s.gop)?.kind ?? 'procedure'];
  return services
    .map((s, i) => ({ s, i, key: `${s.date} ${s.time ?? '24:00'}`, r: rank(s) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.r - b.r || a.i - b.i))
    .map((x) => x.s);
}

/** Completes one parsed case; returns the case and the notes of the derivation. */
export function completeCase(c: Case, catalogue: Catalogue = defaultCatalogue): { case: Case; notes: Finding[] } {
  if (c.contacts.length === 0 || isPseudoCase(c)) {
    return { case: { ...c, services: sortServices(c.services, catalogue).map((s) => priced(s, c, catalogue)) }, notes: [] };
  }
  const keys = new Set(c.contacts.map((k) => `${k.date} ${k.time}`));
  const dates = new Set(c.contacts.map((k) => k.date));
  const visitDates = new Set(c.contacts.filter((k) => k.mode === 'personal' && k.visit !== undefined).map((k) => k.date));
  const kept = c.services.filter((s) => !isExplained(s, c, catalogue, keys, dates, visitDates));
  const { derived, base, notes } = deriveFromContacts(c, catalogue);

  const services = [...derived];
  const justified = kept.filter((s) => NR8_SUPPLEMENT_SWAP[s.gop] !== undefined);
  const rest = kept.filter((s) => NR8_SUPPLEMENT_SWAP[s.gop] === undefined);
  if (base !== undefined && base.contact.mode === 'personal') {
    const f = familiesOf(catalogue);
    const nr8Gop = base.gop === f.behandlung.day ? SEVERITY_SUPPLEMENTS.nr8.day : base.gop === f.behandlung.offHours ? SEVERITY_SUPPLEMENTS.nr8.offHours : undefined;
    const at = { date: base.contact.date, time: base.contact.time };
    if (justified.length > 0 && nr8Gop !== undefined) {
      // A justified Nr. 8 supplement (Ausnahmeregelung) stays, moved onto the Pauschale it belongs to.
      const [first, ...more] = justified;
      if (first !== undefined) services.push({ ...first, gop: nr8Gop, ...at, mode: 'personal' });
      rest.push(...more);
    } else {
      rest.push(...justified);
      const interim: Case = { ...c, services };
      const view = createView(interim, catalogue, []);
      const index = services.findIndex((s) => s.gop === base.gop && s.date === at.date && s.time === at.time);
      const supplement = expectedSupplement(view, index);
      if (supplement !== undefined) services.push(service(supplement, at.date, at.time, 'personal'));
    }
  } else {
    rest.push(...justified);
  }
  services.push(...rest);
  const done: Case = { ...c, services: sortServices(services, catalogue).map((s) => priced(s, c, catalogue)) };
  return { case: done, notes };
}

function pseudoNumber(cases: readonly { patient: { lastName: string } }[], fallback: number): number {
  for (const c of cases) {
    const m = /Arzt (\d+)$/.exec(c.patient.lastName);
    if (m !== null) return Number(m[1]);
  }
  return fallback;
}

/** The pseudo cases a duty needs (spec "Pseudo cases"). */
function pseudoCases(bundle: Bundle, patientCases: readonly Case[], n: number, catalogue: Catalogue): Case[] {
  const template = catalogue.region(bundle.region)?.pseudoCase;
  if (template === undefined) return [];
  // The KVDT fields the KV's template leaves open come from the practice (the bundle's pseudoCase block).
  const fields = bundle.pseudoCase;
  const duty = bundle.duty;
  const privateCount = new Set(
    patientCases
      .filter((c) => c.patient.insurance.type === 'PKV' || c.patient.insurance.type === 'BG')
      .map((c) => c.patient.id ?? `${c.patient.lastName}|${c.patient.firstName}|${c.patient.birthDate}`),
  ).size;
  const make = (at: string, suffix: string, withPrivate: boolean): Case => {
    const date = at.slice(0, 10);
    const time = at.slice(11);
    const services: Service[] = [service(ROLE_GOPS.pseudoDuty, date, time, 'personal')];
    if (withPrivate && privateCount > 0) services.push(service(ROLE_GOPS.pseudoPrivate, date, time, 'personal', privateCount));
    const c: Case = mergeBundleCase(bundle, {
      id: `${duty.id ?? 'dienst'}-pseudo${suffix}`,
      region: bundle.region,
      scheinuntergruppe: '41',
      pseudo: true,
      patient: {
        firstName: template.firstName,
        lastName: template.lastName.replace('{n}', String(n)),
        birthDate: template.birthDate,
        street: template.street,
        zip: template.zip,
        city: template.city,
        ...(fields === undefined ? {} : { sex: fields.sex }),
        insurance: fields === undefined ? template.insurance : { ...template.insurance, vknr: fields.vknr, memberType: fields.memberType },
        frailty: false,
        severeImpairment: false,
      },
      ...(fields === undefined ? {} : { continuingPhysician: fields.continuingPhysician }),
      diagnoses: [{ icd: template.icd, certainty: 'G' }],
      contacts: [],
      services,
    });
    return { ...c, services: services.map((s) => priced(s, c, catalogue)) };
  };
  const starts = dutyPartStarts(duty.start, duty.end);
  const out = [make(duty.start, '', true)];
  starts.slice(1).forEach((start, i) => {
    const end = starts[i + 2] ?? duty.end;
    const inPart = (d: string, t: string | undefined) => {
      const at = t === undefined ? `${d}T00:00` : `${d}T${t}`;
      return at >= start && at < end;
    };
    const hasGkv = patientCases.some(
      (c) =>
        c.patient.insurance.type === 'GKV' &&
        (c.services.some((s) => inPart(s.date, s.time)) || c.contacts.some((k) => inPart(k.date, k.time))),
    );
    if (!hasGkv) out.push(make(start, `-${start.slice(0, 10)}`, false));
  });
  return out;
}

/**
 * Derives the services of a case (or of every case of a duty bundle) from its contacts, as spec
 * "Choosing the GOP" says, keeps entered services the contacts do not explain, adds pseudo cases to a
 * bundle, and prices every service. Pure and idempotent; findings are those of `check` on the result plus
 * notes about contacts that could not be billed.
 */
export function complete(input: Case | CaseInput, options?: CompleteOptions): CompletedCase;
export function complete(input: Bundle | BundleInput, options?: CompleteOptions): CompletedBundle;
export function complete(input: EngineInput, options?: CompleteOptions): CompletedCase | CompletedBundle;
export function complete(input: EngineInput, options: CompleteOptions = {}): CompletedCase | CompletedBundle {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const parsed = parseInput(input);
  if (parsed.kind === 'case') {
    const { case: done, notes } = completeCase(parsed.value, catalogue);
    return { case: done, findings: [...notes, ...checkCase(done, options)] };
  }
  const bundle = parsed.value;
  const existing = bundle.cases.filter((c) => isPseudoCase(c));
  const patients = bundle.cases.filter((c) => !isPseudoCase(c)).map((c) => mergeBundleCase(bundle, c));
  const results = patients.map((c) => completeCase(c, catalogue));
  const completed = results.map((r) => r.case);
  const n = pseudoNumber(existing, options.doctorNumber ?? 1);
  const pseudo = pseudoCases(bundle, completed, n, catalogue);
  const cases = [...pseudo, ...completed];
  const notes = results.flatMap((r, i) => r.notes.map((f) => ({ ...f, path: `$.cases[${pseudo.length + i}]` })));
  return { cases, findings: [...notes, ...checkDutyCases(bundle.duty, bundle.region, cases, options)] };
}

/** `complete` for a single case, typed. */
export function completeOne(input: EngineInput, options: CompleteOptions = {}): CompletedCase {
  const r = complete(input, options);
  if ('case' in r) return r;
  throw new PvsKitError('CONFIG', 'completeOne expects a case, got a duty bundle', {
    userMessage: 'Erwartet wurde ein einzelner Dienstfall, kein Dienst mit mehreren Fällen.',
  });
}

