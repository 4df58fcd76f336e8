import { SOURCES } from './sources.js';
import type { Validity } from './types.js';

/** Where an EBM Abrechnungsausschluss applies: the same session, treatment day or Behandlungsfall (Dienstfall). */
export type ExclusionScope = 'session' | 'day' | 'case';

/**
 * One line of a GOP's "Abrechnungsausschlüsse" in the EBM: `gop` is not billable beside `gops` (and beside
 * every GOP of `chapters`, a chapter being the first two digits: `35` = 35xxx) in `scope`.
 */
export interface Exclusion extends Validity {
  readonly gop: string;
  readonly scope: ExclusionScope;
  readonly gops: readonly string[];
  readonly chapters: readonly string[];
  readonly source: string;
}

/** "in derselben Sitzung" of 01210 and 01212 (KBV EBM online, 01210, Stand 2024/3). */
const NOTFALL_SESSION = [
  '01100', '01101', '01102', '01214', '01216', '01218', '01411', '01412', '01414', '01415', '01949', '01950', '01951',
  '01953', '03030', '03373', '04030', '04355', '04356', '04373', '14220', '14221', '16220', '21220', '21221', '22220',
  '22221', '22222', '23220', '27310', '30930', '30931', '30932', '30933', '37306', '37500', '37510',
];
/** "am Behandlungstag" of 01210 and 01212. */
const NOTFALL_DAY = ['01626', '01955', '01956'];

const KBV_01210 = `${SOURCES.kbvEbm}: 01210 Abrechnungsausschlüsse`;
// The 01212 entry was not at hand: its lists are taken as 01210's (the EBM gives both Pauschalen the same
// exclusions, each excluding the other in the Behandlungsfall).
const KBV_01212 = `${SOURCES.kbvEbm}: 01212 wie 01210 (Eintrag 01212 nicht einzeln geprüft)`;

function notfall(gop: string, other: string, source: string): Exclusion[] {
  const v = { validFrom: '2017-04-01', validTo: null, source } as const;
  return [
    { gop, scope: 'session', gops: NOTFALL_SESSION, chapters: ['35'], ...v },
    { gop, scope: 'day', gops: NOTFALL_DAY, chapters: [], ...v },
    { gop, scope: 'case', gops: ['01205', '01207', other], chapters: [], ...v },
  ];
}

/** The EBM exclusions the engine checks, for the GOPs it knows. */
export const EXCLUSIONS: readonly Exclusion[] = [
  ...notfall('01210', '01212', KBV_01210),
  ...notfall('01212', '01210', KBV_01212),
  {
    gop: '02350',
    scope: 'day',
    gops: ['02300', '02301', '02302'],
    chapters: [],
    validFrom: null,
    validTo: null,
    source: `${SOURCES.kvbwGuide} (02300 nicht neben 02350); EBM 02300–02302/02350 Abrechnungsausschlüsse`,
  },
];
