import type { ContactMode } from '@pvskit/core';
import { SOURCES } from './sources.js';
import type { FrequencyLimit, GopDefinition, PointsPeriod, Validity } from './types.js';

/*
 * The built-in EBM excerpt: every GOP the KVBW guide names for the organised emergency service, the pseudo
 * GOPs and the video GOPs. Points of 01205–01226, 01444 and 01450 are sourced from 2024-01-01 on (SOURCES.kbvEbm);
 * those of 01413, 01418, 01440, 02100, 02300–02302, 02320 and 02323 only from EBM Stand 2026/2 (2026-04-01,
 * SOURCES.ebmListing2026): no source for 2024 or 2025 was found, and 02100 moved from 57 to 67 points since 2019,
 * so earlier dates get `null` (never carried back). 02350 has no points: the values found (106 Punkte in 2019, MMW;
 * hausarzt.digital "Tape-Verband …", undated) predate the Orientierungswert table (2024 on). An SDEBM file fills
 * any gap.
 */

const ALL: readonly ContactMode[] = ['personal', 'video', 'phone'];
const PERSONAL: readonly ContactMode[] = ['personal'];
const PERSONAL_VIDEO: readonly ContactMode[] = ['personal', 'video'];

/** First day the built-in points are sourced for (see SOURCES.kbvEbm): the 2024 values equal the 2025 ones. */
const EBM_POINTS_FROM = '2024-01-01';

/**
 * Abschnitt 1.2 in its current form exists since the EBM reform of 2017-04-01 (01205/01207 and 01223/01224/01226
 * new, 01210 revalued); the section's other GOPs are dated from the same day because pvskit models only this form.
 */
const NOTFALL_REFORM = '2017-04-01';

/** Video consultations in the organised emergency service (01210/01212), video.md. */
const VIDEO_IN_NOTFALL = {
  video: { validFrom: '2022-07-01', validTo: null, source: `${SOURCES.videoSpec}; ${SOURCES.kvRlpVideoNotdienst}` },
} as const;

function pts(points: number): readonly PointsPeriod[] {
  return [{ validFrom: EBM_POINTS_FROM, validTo: null, points, source: SOURCES.kbvEbm }];
}

/** First day of EBM Stand 2026/2, the only quarter the points of SOURCES.ebmListing2026 are read for. */
const EBM_2026_2 = '2026-04-01';

function pts2026(points: number): readonly PointsPeriod[] {
  return [{ validFrom: EBM_2026_2, validTo: null, points, source: SOURCES.ebmListing2026 }];
}

/** 01210/01212 by video: the KV's reduction for video-only cases (120 → 108, 195 → 176 points). */
const VIDEO_REDUCTION = { videoReductionPercent: 10 } as const;

type Def = Omit<GopDefinition, 'validFrom' | 'validTo' | 'points' | 'excludes' | 'requires' | 'modes' | 'requiresTime' | 'source'> &
  Partial<Pick<GopDefinition, 'validFrom' | 'validTo' | 'points' | 'excludes' | 'requires' | 'modes' | 'requiresTime' | 'source'>>;

function def(d: Def): GopDefinition {
  return {
    validFrom: null,
    validTo: null,
    points: [],
    excludes: [],
    requires: [],
    modes: ALL,
    requiresTime: false,
    source: SOURCES.kvbwGuide,
    ...d,
  };
}

/** A GOP of Abschnitt 1.2 in its 2017 form (see NOTFALL_REFORM). */
function notfall(d: Def): GopDefinition {
  return def({ validFrom: NOTFALL_REFORM, source: `${SOURCES.kvbwGuide}; ${SOURCES.notfallReform2017}`, ...d });
}

const ONCE_PER_CASE: readonly FrequencyLimit[] = [{ max: 1, per: 'dienstfall', source: SOURCES.kvbwGuide }];

/**
 * 01450: once per video contact; its points are capped at 1,899 per doctor and quarter, i.e. 47 units of 40
 * points (EBM 01450). Checked per case and over the cases of one duty per physician and quarter (README, "01450 cap").
 */
const TECHNIK_LIMITS: readonly FrequencyLimit[] = [
  { max: 1, per: 'contact', source: SOURCES.videoSpec },
  { max: Math.floor(1899 / 40), per: 'quarter', source: SOURCES.videoSpec },
];

/** Counselling/talk and out-of-hours GOPs not billable beside 01205–01218 (spec rule NFD-EXCLUDED). */
export const EXCLUDED_LIST: Validity & { readonly source: string; readonly gops: readonly string[] } = {
  validFrom: null,
  validTo: null,
  source: SOURCES.spec,
  gops: [
    '01100', '01101', '01102', '01411', '01412', '01414', '01415', '01949', '01950', '01951', '03030', '03230',
    '03373', '04030', '04230', '04355', '04356', '04373', '14220', '14221', '16220', '21220', '21221', '22220',
    '22221', '22222', '23220', '27310', '30930', '30931', '30932', '30933', '37306',
  ],
};

/** The GOPs of {@link EXCLUDED_LIST}. */
export const EXCLUDED_BESIDE_NOTFALL: readonly string[] = EXCLUDED_LIST.gops;

/** 01205–01218: the GOPs the excluded list may not stand beside. */
const NOTFALL_GOPS = ['01205', '01207', '01210', '01212', '01214', '01216', '01218'];

/** Built-in GOP definitions (data; see module comment for the sources). */
export const BUILTIN_GOPS: readonly GopDefinition[] = [
  notfall({ gop: '01205', title: 'Notfallpauschale Abklärung (werktags 7–19 Uhr)', kind: 'abklaerung', band: 'day',
    modes: PERSONAL, requiresTime: true, frequency: ONCE_PER_CASE, points: pts(45) }),
  notfall({ gop: '01207', title: 'Notfallpauschale Abklärung (19–7 Uhr, Wochenende, Feiertag, 24.12., 31.12.)',
    kind: 'abklaerung', band: 'offHours', modes: PERSONAL, requiresTime: true, frequency: ONCE_PER_CASE, points: pts(80) }),
  notfall({ gop: '01210', title: 'Notfallpauschale (werktags 7–19 Uhr)', kind: 'notfallpauschale', band: 'day',
    modes: PERSONAL_VIDEO, modeValidity: VIDEO_IN_NOTFALL, requiresTime: true, frequency: ONCE_PER_CASE,
    points: pts(120), ...VIDEO_REDUCTION }),
  notfall({ gop: '01212', title: 'Notfallpauschale (19–7 Uhr, Wochenende, Feiertag, 24.12., 31.12.)',
    kind: 'notfallpauschale', band: 'offHours', modes: PERSONAL_VIDEO, modeValidity: VIDEO_IN_NOTFALL, requiresTime: true,
    frequency: ONCE_PER_CASE, points: pts(195), ...VIDEO_REDUCTION }),
  notfall({ gop: '01214', title: 'Notfallkonsultationspauschale I', kind: 'konsultation', band: 'I', requiresTime: true,
    points: pts(50) }),
  notfall({ gop: '01216', title: 'Notfallkonsultationspauschale II', kind: 'konsultation', band: 'II', requiresTime: true,
    points: pts(140) }),
  notfall({ gop: '01218', title: 'Notfallkonsultationspauschale III', kind: 'konsultation', band: 'III', requiresTime: true,
    points: pts(170) }),
  notfall({ gop: '01220', title: 'Reanimationskomplex', kind: 'procedure', modes: PERSONAL, points: pts(1027) }),
  notfall({ gop: '01221', title: 'Zuschlag zu 01220: Koniotomie und/oder endotracheale Intubation', kind: 'zuschlag',
    modes: PERSONAL, requires: ['01220'], points: pts(203) }),
  notfall({ gop: '01222', title: 'Zuschlag zu 01220: Elektrodefibrillation und/oder Elektrostimulation', kind: 'zuschlag',
    modes: PERSONAL, requires: ['01220'], points: pts(288) }),
  notfall({ gop: '01223', title: 'Zuschlag zu 01210 (Nr. 8 Präambel 1.2)', kind: 'zuschlag', modes: PERSONAL,
    frequency: ONCE_PER_CASE, requires: ['01210'], points: pts(128) }),
  notfall({ gop: '01224', title: 'Zuschlag zu 01212 (Nr. 8 Präambel 1.2)', kind: 'zuschlag', modes: PERSONAL,
    frequency: ONCE_PER_CASE, requires: ['01212'], excludes: ['01226'], points: pts(195) }),
  notfall({ gop: '01226', title: 'Zuschlag zu 01212 (Nr. 9 Präambel 1.2)', kind: 'zuschlag', band: 'offHours',
    modes: PERSONAL, frequency: ONCE_PER_CASE, requires: ['01212'], excludes: ['01224'], points: pts(90) }),
  def({ gop: '01413', title: 'Besuch eines weiteren Kranken in derselben sozialen Gemeinschaft', kind: 'visit',
    modes: PERSONAL, points: pts2026(106) }),
  def({ gop: '01418', title: 'Besuch im organisierten Not(-fall)dienst', kind: 'visit', modes: PERSONAL, points: pts2026(778) }),
  def({ gop: '01440', title: 'Verweilen außerhalb der Praxis je vollendete 30 Min.', kind: 'procedure', modes: PERSONAL,
    points: pts2026(352) }),
  def({ gop: '01444', title: 'Authentifizierung eines unbekannten Patienten (Videosprechstunde)', kind: 'technik',
    modes: ['video'], validFrom: '2019-10-01', validTo: '2026-12-31', frequency: ONCE_PER_CASE, points: pts(10),
    source: `${SOURCES.kbvEbm}; ${SOURCES.videoAuth01444Start}; ${SOURCES.kvBerlin01444}` }),
  def({ gop: '01450', title: 'Technikzuschlag Videosprechstunde', kind: 'technik', modes: ['video'],
    frequency: TECHNIK_LIMITS, points: pts(40), source: SOURCES.videoSpec }),
  def({ gop: '01451', title: 'Anschubförderung Videosprechstunde', kind: 'technik', modes: ['video'],
    validFrom: '2019-10-01', validTo: '2021-09-30', source: SOURCES.videoSpec }),
  def({ gop: '02100', title: 'Infusion', kind: 'procedure', modes: PERSONAL, frequency: [{ max: 1, per: 'day', source: SOURCES.kvbwGuide }],
    points: pts2026(67) }),
  def({ gop: '02300', title: 'Kleinchirurgischer Eingriff I / primäre Wundversorgung / Epilation', kind: 'procedure',
    modes: PERSONAL, points: pts2026(68) }),
  def({ gop: '02301', title: 'Kleinchirurgischer Eingriff II / primäre Wundversorgung mittels Naht', kind: 'procedure',
    modes: PERSONAL, points: pts2026(133) }),
  def({ gop: '02302', title: 'Kleinchirurgischer Eingriff III / Wundversorgung bei Kindern', kind: 'procedure',
    modes: PERSONAL, points: pts2026(230) }),
  def({ gop: '02320', title: 'Einführung einer Magenverweilsonde', kind: 'procedure', modes: PERSONAL, points: pts2026(48) }),
  def({ gop: '02323', title: 'Legen und/oder Wechsel eines transurethralen Dauerkatheters', kind: 'procedure',
    modes: PERSONAL, points: pts2026(68) }),
  def({ gop: '02350', title: 'Fixierender Verband', kind: 'procedure', modes: PERSONAL }),
  def({ gop: '32025', title: 'Blutzucker-Teststreifen (Akut-Labor)', kind: 'procedure' }),
  def({ gop: '32033', title: 'Harnstreifentest (mindestens fünf Parameter)', kind: 'procedure' }),
  // Billable chapter 40 cost, except in a KV that shuts it out of the Notfalldienst (GOPS_SHUT_OUT_BY_KV).
  def({ gop: '40110', title: 'Porto (Kostenpauschale Kapitel 40)', kind: 'procedure' }),
  def({ gop: '40190', title: 'Wegepauschale jenseits 10 km Radius, Tag (7–19 Uhr)', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40192', title: 'Wegepauschale jenseits 10 km Radius, Nacht (19–7 Uhr)', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40220', title: 'Wegepauschale Kernbereich bis 2 km, Tag', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40222', title: 'Wegepauschale Randbereich 2–5 km, Tag', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40224', title: 'Wegepauschale Fernbereich 5–10 km, Tag', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40226', title: 'Wegepauschale Kernbereich bis 2 km, Nacht', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40228', title: 'Wegepauschale Randbereich 2–5 km, Nacht', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '40230', title: 'Wegepauschale Fernbereich 5–10 km, Nacht', kind: 'wegepauschale', modes: PERSONAL }),
  def({ gop: '99999', title: 'Pseudo-GOP Notfalldienst-Förderung (Pseudo-Abrechnungsfall)', kind: 'pseudo' }),
  def({ gop: '99909', title: 'Pseudo-GOP Sprechstundenbedarf Privat-/BG-Patienten', kind: 'pseudo' }),
  ...EXCLUDED_BESIDE_NOTFALL.map((gop) =>
    def({ gop, title: 'Beratungs-, Gesprächs- oder Unzeitleistung', kind: 'excluded', excludes: NOTFALL_GOPS,
      validFrom: EXCLUDED_LIST.validFrom, validTo: EXCLUDED_LIST.validTo, source: EXCLUDED_LIST.source }),
  ),
];

/**
 * Severity Zuschläge (Schweregradzuschläge) by the band of their base Pauschale: Nr. 8 → 01223 (to 01210)
 * or 01224 (to 01212); Nr. 9 → 01226 (to 01212, off-hours only). 01224 wins over 01226.
 */
export const SCHWEREGRAD_ZUSCHLAEGE = {
  nr8: { day: '01223', offHours: '01224' },
  nr9: { offHours: '01226' },
} as const;

/** A Nr. 8 Zuschlag entered for the other band: the GOP of the same Zuschlag for the right band. */
export const NR8_ZUSCHLAG_SWAP: Readonly<Record<string, string>> = { '01223': '01224', '01224': '01223' };

/** GOP codes with fixed roles in the rules (visit, further patient, infusion, …). */
export const ROLE_GOPS = {
  visit: '01418',
  visitSameCommunity: '01413',
  technik: '01450',
  infusion: '02100',
  woundCare: '02300',
  fixingBandage: '02350',
  pseudoDuty: '99999',
  pseudoPrivate: '99909',
} as const;
