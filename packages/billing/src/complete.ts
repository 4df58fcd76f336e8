import { bundleCaseOf, selfContainedCase, type Bundle, type Case, type CaseOrBundle, type Contact, type Finding, type Service } from '@pvskit/core';
import { defaultCatalogue, type Catalogue } from './catalogue.js';
import { NR8_ZUSCHLAG_SWAP, ROLE_GOPS, SCHWEREGRAD_ZUSCHLAEGE } from './data/gops.js';
import type { GopKind } from './data/types.js';
import { checkCase, checkDutyCases, type EngineOptions } from './engine.js';
import { konsultationBandOf, pauschaleBandOf, wegepauschaleBandOf, when } from './time.js';
import { createView } from './rules/context.js';
import { dutyPartStarts, excusesPseudoCase, isPseudoCase, patientKey } from './rules/duty-window.js';
import { familiesOf } from './rules/families.js';
import { expectedZuschlag } from './rules/zuschlag.js';
import { severityOf } from './rules/ids.js';
import { isVideoOnlyCase } from './video-marking.js';

/** Options of `complete`. */
export interface CompleteOptions extends EngineOptions {
  /** Number N of the pseudo patient "Notfalldienst Arzt N" when the bundle has none yet (default 1). */
  readonly doctorNumber?: number;
}

/** Result of `complete` for a case. */
export interface CompletedCase {
  readonly kind: 'case';
  readonly case: Case;
  readonly findings: Finding[];
}

/**
 * Result of `complete` for a bundle: the bundle with completed cases, pseudo cases first. Findings'
 * `caseIndex` and paths refer to this bundle.
 */
export interface CompletedBundle {
  readonly kind: 'bundle';
  readonly bundle: Bundle;
  readonly findings: Finding[];
}

/** Output order of GOP kinds at the same date and time: the Pauschale first, then what hangs on it. */
const KIND_RANK: Readonly<Record<GopKind, number>> = {
  abklaerung: 0,
  notfallpauschale: 0,
  konsultation: 0,
  zuschlag: 1,
  visit: 2,
  wegepauschale: 3,
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

/** Services for the contacts, spec "Choosing the GOP" steps 1–6 (Zuschläge come later). */
function deriveFromContacts(c: Case, catalogue: Catalogue, pauschaleBilled: boolean): Derivation {
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
    if (k.mode === 'phone' || base !== undefined || pauschaleBilled) {
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
        const wegepauschale = catalogue.wegepauschaleFor(c.region, k.date, k.visit.distanceKm, wegepauschaleBandOf(k.time));
        if (wegepauschale !== undefined) derived.push(service(wegepauschale.gop, k.date, k.time, 'personal', wegepauschale.count));
      }
    }
    if (k.mode === 'video') derived.push(service(ROLE_GOPS.technik, k.date, k.time, 'video'));
  }
  return { derived, ...(base === undefined ? {} : { base }), notes };
}

/**
 * The family a contact-bound service belongs to: a derived service of the same family at the same contact (or
 * day) stands in for an entered one. Services outside these families are never replaced.
 */
type Family = 'contact' | 'visit' | 'wegepauschale' | 'technik' | 'nr8' | 'nr9';

function familyOf(gop: string, c: Case, catalogue: Catalogue): Family | undefined {
  if (familiesOf(catalogue).timed.has(gop)) return 'contact';
  if (gop === ROLE_GOPS.visit || gop === ROLE_GOPS.visitSameCommunity) return 'visit';
  if (gop === ROLE_GOPS.technik) return 'technik';
  if (NR8_ZUSCHLAG_SWAP[gop] !== undefined) return 'nr8';
  if (gop === SCHWEREGRAD_ZUSCHLAEGE.nr9.offHours) return 'nr9';
  return catalogue.isWegepauschale(c.region, gop) ? 'wegepauschale' : undefined;
}

/** Families judged per contact (date and minute); the others per day. */
const PER_CONTACT = new Set<Family>(['contact', 'visit', 'technik']);

/**
 * The derived service an entered one is replaced by, or undefined: then the entered service is kept, whatever
 * the contacts say (a typed service never disappears; `check` says why it is doubtful).
 */
function replacementOf(s: Service, derived: readonly Service[], c: Case, catalogue: Catalogue, twinOnly: boolean): Service | undefined {
  const family = familyOf(s.gop, c, catalogue);
  if (family === undefined) return undefined;
  const sameTime = twinOnly || PER_CONTACT.has(family);
  return derived.find(
    (d) =>
      d.date === s.date &&
      (twinOnly ? d.gop === s.gop : familyOf(d.gop, c, catalogue) === family) &&
      (!sameTime || s.time === undefined || d.time === s.time),
  );
}

/**
 * Which derived service stands in for which typed one. A typed service that is a derived one's twin (same GOP,
 * day and time) takes it first: completing a completed case then changes nothing, and a further typed service
 * of the family cannot take the twin's place (two Wegepauschalen for one visit). The rest then take any derived
 * service of their family, in input order, one each.
 */
function standInsFor(typed: readonly Service[], derived: readonly Service[], c: Case, catalogue: Catalogue): Map<Service, Service> {
  const free = derived.slice();
  const taken = new Map<Service, Service>();
  for (const twinOnly of [true, false]) {
    for (const s of typed) {
      if (taken.has(s)) continue;
      const replacement = replacementOf(s, free, c, catalogue, twinOnly);
      if (replacement === undefined) continue;
      taken.set(s, replacement);
      free.splice(free.indexOf(replacement), 1);
    }
  }
  return taken;
}

/** Private and BG cases are not priced by the EBM (GOÄ/UV-GOÄ): their amounts stay null. */
const EBM_PRICED = new Set<string>(['GKV']);

function priced(s: Service, c: Case, catalogue: Catalogue, videoOnly: boolean): Service {
  if (!EBM_PRICED.has(c.patient.insurance.type)) return { ...s, points: null, euro: null };
  if (catalogue.isWegepauschale(c.region, s.gop)) {
    const unit = catalogue.wegepauschaleEuro(c.region, s.date, s.gop);
    return { ...s, points: null, euro: unit === null ? null : Math.round(unit * s.count * 100) / 100 };
  }
  // The video valuation applies only when every contact of the case was by video (EBM AB 4.3.1).
  const points = catalogue.lookup(s.gop, s.date, videoOnly && s.mode === 'video' ? 'video' : 'personal')?.points ?? null;
  return { ...s, points, euro: catalogue.euroFor(points, s.count, s.date) };
}

/** Prices every service of a case. */
function pricedAll(services: readonly Service[], c: Case, catalogue: Catalogue): Service[] {
  const timed = familiesOf(catalogue).timed;
  const videoOnly = isVideoOnlyCase({ contacts: c.contacts, services }, (g) => timed.has(g));
  return services.map((s) => priced(s, c, catalogue, videoOnly));
}

function sortServices(services: Service[], catalogue: Catalogue): Service[] {
  const rank = (s: Service) => KIND_RANK[catalogue.definition(s.gop)?.kind ?? 'procedure'];
  return services
    .map((s, i) => ({ s, i, key: `${s.date} ${s.time ?? '24:00'}`, r: rank(s) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.r - b.r || a.i - b.i))
    .map((x) => x.s);
}

/**
 * Completes one parsed case; returns the case and the notes of the derivation. `pauschaleBilled`: the patient's
 * Notfallpauschale of this duty is on an earlier case, so every contact here is a further one (Konsultation).
 */
export function completeCase(c: Case, catalogue: Catalogue = defaultCatalogue, pauschaleBilled = false): { case: Case; notes: Finding[] } {
  if (c.contacts.length === 0 || isPseudoCase(c)) {
    return { case: { ...c, services: pricedAll(sortServices(c.services, catalogue), c, catalogue) }, notes: [] };
  }
  const { derived, base, notes } = deriveFromContacts(c, catalogue, pauschaleBilled);
  const services = [...derived];
  // A justified Nr. 8 Zuschlag (Ausnahmeregelung) stays, moved onto the Pauschale it belongs to.
  const justifiedNr8 = c.services.filter((s) => NR8_ZUSCHLAG_SWAP[s.gop] !== undefined && s.justification !== undefined);
  let moved: Service | undefined;
  if (base !== undefined && base.contact.mode === 'personal') {
    const f = familiesOf(catalogue);
    const nr8Gop = base.gop === f.behandlung.day ? SCHWEREGRAD_ZUSCHLAEGE.nr8.day : base.gop === f.behandlung.offHours ? SCHWEREGRAD_ZUSCHLAEGE.nr8.offHours : undefined;
    const at = { date: base.contact.date, time: base.contact.time };
    // The one already at the Pauschale's contact stays there (idempotence); else the first one typed moves.
    const justified = justifiedNr8.find((s) => s.gop === nr8Gop && s.date === at.date && s.time === at.time) ?? justifiedNr8[0];
    if (justified !== undefined && nr8Gop !== undefined) {
      services.push({ ...justified, gop: nr8Gop, ...at, mode: 'personal' });
      moved = justified;
    } else {
      const view = createView({ ...c, services }, catalogue, []);
      const index = services.findIndex((s) => s.gop === base.gop && s.date === at.date && s.time === at.time);
      const zuschlag = expectedZuschlag(view, index);
      // Nr. 9 by R54 alone needs the doctor's judgement of a geriatric care need: suggested by check, not added.
      const certain = zuschlag !== SCHWEREGRAD_ZUSCHLAEGE.nr9.offHours || view.nr9Certain(at.date);
      if (zuschlag !== undefined && certain) services.push(service(zuschlag, at.date, at.time, 'personal'));
    }
  }
  // Only a derived service stands in for a typed one, and for one only: a second typed service of the same
  // family is kept (check then says it is one too many).
  const replaceable = c.services.filter((s) => s !== moved && !(s.justification !== undefined && familyOf(s.gop, c, catalogue) === 'nr8'));
  const standIns = standInsFor(replaceable, services, c, catalogue);
  for (const s of c.services) {
    if (s === moved) continue;
    const replacement = standIns.get(s);
    if (replacement === undefined) {
      services.push(s);
      continue;
    }
    if (s.justification !== undefined && replacement.justification === undefined) {
      // The doctor's written reason travels with the service that replaces the typed one.
      services[services.indexOf(replacement)] = { ...replacement, justification: s.justification };
    }
  }
  const done: Case = { ...c, services: pricedAll(sortServices(services, catalogue), c, catalogue) };
  return { case: done, notes };
}

/**
 * Indices of cases whose patient (and doctor) already had an earlier case with contacts in this duty: the
 * Notfallpauschale is billed once per patient, physician and duty (KVBW guide), on the earliest contact.
 */
function laterCasesOfSamePatient(cases: readonly Case[]): Set<number> {
  const firstAt = (c: Case) => c.contacts.reduce((m, k) => (`${k.date}T${k.time}` < m ? `${k.date}T${k.time}` : m), '~');
  const order = cases.map((c, i) => ({ i, at: firstAt(c), key: `${patientKey(c)}|${c.physician?.lanr ?? ''}` })).filter((x) => x.at !== '~');
  order.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.i - b.i));
  const seen = new Set<string>();
  const later = new Set<number>();
  for (const x of order) {
    if (seen.has(x.key)) later.add(x.i);
    else seen.add(x.key);
  }
  return later;
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
      .map(patientKey),
  ).size;
  const make = (at: string, suffix: string, withPrivate: boolean): Case => {
    const date = at.slice(0, 10);
    const time = at.slice(11);
    const services: Service[] = [service(ROLE_GOPS.pseudoDuty, date, time, 'personal')];
    if (withPrivate && privateCount > 0) services.push(service(ROLE_GOPS.pseudoPrivate, date, time, 'personal', privateCount));
    const c: Case = selfContainedCase(bundle, {
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
    return { ...c, services: pricedAll(services, c, catalogue) };
  };
  const starts = dutyPartStarts(duty.start, duty.end);
  const pauschalen = familiesOf(catalogue).timed;
  const dutySug = catalogue.region(bundle.region)?.dutyScheinuntergruppe ?? '41';
  const out = [make(duty.start, '', true)];
  starts.slice(1).forEach((start, i) => {
    const end = starts[i + 2] ?? duty.end;
    const hasGkv = patientCases.some((c) => excusesPseudoCase(c, start, end, pauschalen, dutySug));
    if (!hasGkv) out.push(make(start, `-${start.slice(0, 10)}`, false));
  });
  return out;
}

/**
 * Derives the services of a case (or of every case of a duty bundle) from its contacts, as spec
 * "Choosing the GOP" says, keeps entered services the contacts do not explain, adds pseudo cases to a
 * bundle, and prices every service. Case in, case out; bundle in, bundle out. Pure and idempotent; findings
 * are those of `check` on the result plus notes about contacts that could not be billed.
 */
export function complete(input: { readonly kind: 'case'; readonly case: Case }, options?: CompleteOptions): CompletedCase;
export function complete(input: { readonly kind: 'bundle'; readonly bundle: Bundle }, options?: CompleteOptions): CompletedBundle;
export function complete(input: CaseOrBundle, options?: CompleteOptions): CompletedCase | CompletedBundle;
export function complete(input: CaseOrBundle, options: CompleteOptions = {}): CompletedCase | CompletedBundle {
  const catalogue = options.catalogue ?? defaultCatalogue;
  if (input.kind === 'case') {
    const { case: done, notes } = completeCase(input.case, catalogue);
    return { kind: 'case', case: done, findings: [...notes, ...checkCase(done, options)] };
  }
  const bundle = input.bundle;
  const existing = bundle.cases.filter((c) => isPseudoCase(c));
  const patients = bundle.cases.filter((c) => !isPseudoCase(c)).map((c) => selfContainedCase(bundle, c));
  const billed = laterCasesOfSamePatient(patients);
  const results = patients.map((c, i) => completeCase(c, catalogue, billed.has(i)));
  const completed = results.map((r) => r.case);
  const n = pseudoNumber(existing, options.doctorNumber ?? 1);
  const pseudo = pseudoCases(bundle, completed, n, catalogue);
  const cases = [...pseudo, ...completed];
  const notes = results.flatMap((r, i) => {
    const caseIndex = pseudo.length + i;
    return r.notes.map((f) => ({ ...f, caseIndex, path: ['cases', caseIndex] }));
  });
  return {
    kind: 'bundle',
    bundle: { ...bundle, cases: cases.map(bundleCaseOf) },
    findings: [...notes, ...checkDutyCases(bundle.duty, bundle.region, cases, options)],
  };
}
