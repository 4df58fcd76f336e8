/**
 * BSNR (Betriebsstättennummer): nine digits, the first two the KV region (Landes- or Bezirksstelle).
 * Source: KBV Datensatzbeschreibung KVDT 6.02 (9 March 2026), Regeln 049, 061, 062, 162 and field 0214.
 */
import type { Region } from '../schemas/domain.js';
import type { IdentifierCheck } from './result.js';
import { fail, pass, shown } from './result.js';

/** A two-digit KV region code allowed in a BSNR. */
export interface KvRegionCode {
  /** Two digits, e.g. `52`. */
  code: string;
  /** The Land whose KV the code belongs to; `null` for the Knappschaft. */
  land: Region | null;
  /** Name of the KV or of its Bezirks-/Abrechnungsstelle. */
  name: string;
  /** Where the entry comes from. */
  note: string;
}

const R162 = 'KVDT Regel 162 (allowed BSNR prefixes)';
const F0214 = 'KVDT field 0214 key list';

function kv(code: string, land: Region | null, name: string, note: string): KvRegionCode {
  return Object.freeze({ code, land, name, note });
}

/**
 * Every two-digit prefix KVDT rule 162 allows in a BSNR, with the Land:
 * 01–03, 06–21, 24, 25, 27, 28, 31, 37–73, 78–81, 83, 85–88, 93–96, 98, 99. Names from KVDT field 0214 where listed there, else from the
 * KV-Bezirk key of the GKV data exchange (historic Bezirks-/Abrechnungsstellen, noted as such).
 */
export const kvRegionCodes: readonly KvRegionCode[] = Object.freeze([
  kv('01', 'SH', 'Schleswig-Holstein', `${R162}; ${F0214}`),
  kv('02', 'HH', 'Hamburg', `${R162}; ${F0214}`),
  kv('03', 'HB', 'Bremen', `${R162}; ${F0214}`),
  kv('06', 'NI', 'Niedersachsen (Bezirksstelle Aurich)', `${R162}; name from GKV KV-Bezirk key (historic Bezirksstelle)`),
  kv('07', 'NI', 'Niedersachsen (Bezirksstelle Braunschweig)', `${R162}; name from GKV KV-Bezirk key`),
  kv('08', 'NI', 'Niedersachsen (Bezirksstelle Göttingen)', `${R162}; name from GKV KV-Bezirk key`),
  kv('09', 'NI', 'Niedersachsen (Bezirksstelle Hannover)', `${R162}; name from GKV KV-Bezirk key`),
  kv('10', 'NI', 'Niedersachsen (Bezirksstelle Hildesheim)', `${R162}; name from GKV KV-Bezirk key`),
  kv('11', 'NI', 'Niedersachsen (Bezirksstelle Lüneburg)', `${R162}; name from GKV KV-Bezirk key`),
  kv('12', 'NI', 'Niedersachsen (Bezirksstelle Oldenburg)', `${R162}; name from GKV KV-Bezirk key`),
  kv('13', 'NI', 'Niedersachsen (Bezirksstelle Osnabrück)', `${R162}; name from GKV KV-Bezirk key`),
  kv('14', 'NI', 'Niedersachsen (Bezirksstelle Stade)', `${R162}; name from GKV KV-Bezirk key`),
  kv('15', 'NI', 'Niedersachsen (Bezirksstelle Verden)', `${R162}; name from GKV KV-Bezirk key`),
  kv('16', 'NI', 'Niedersachsen (Bezirksstelle Wilhelmshaven)', `${R162}; name from GKV KV-Bezirk key`),
  kv('17', 'NI', 'Niedersachsen', `${R162}; ${F0214}`),
  kv('18', 'NW', 'Westfalen-Lippe (Dortmund)', `${R162}; ${F0214}`),
  kv('19', 'NW', 'Westfalen-Lippe (Münster)', `${R162}; ${F0214}`),
  kv('20', 'NW', 'Westfalen-Lippe', `${R162}; ${F0214} (listed as "Dortmund", seat of KVWL)`),
  kv('21', 'NW', 'Nordrhein (Aachen)', `${R162}; ${F0214}`),
  kv('24', 'NW', 'Nordrhein (Düsseldorf)', `${R162}; ${F0214}`),
  kv('25', 'NW', 'Nordrhein (Duisburg)', `${R162}; ${F0214}`),
  kv('27', 'NW', 'Nordrhein (Köln)', `${R162}; ${F0214}`),
  kv('28', 'NW', 'Nordrhein (Linker Niederrhein)', `${R162}; ${F0214}`),
  kv('31', 'NW', 'Nordrhein (Ruhr)', `${R162}; ${F0214}`),
  kv('37', 'NW', 'Nordrhein (Bergisch-Land)', `${R162}; ${F0214}`),
  kv('38', 'NW', 'Nordrhein', `${R162}; Landesstelle per GKV KV-Bezirk key`),
  kv('39', 'HE', 'Hessen (Darmstadt)', `${R162}; ${F0214}`),
  kv('40', 'HE', 'Hessen (Frankfurt/Main)', `${R162}; ${F0214}`),
  kv('41', 'HE', 'Hessen (Gießen)', `${R162}; ${F0214}`),
  kv('42', 'HE', 'Hessen (Kassel)', `${R162}; ${F0214}`),
  kv('43', 'HE', 'Hessen (Limburg)', `${R162}; ${F0214}`),
  kv('44', 'HE', 'Hessen (Marburg)', `${R162}; ${F0214}`),
  kv('45', 'HE', 'Hessen (Wiesbaden)', `${R162}; ${F0214}`),
  kv('46', 'HE', 'Hessen', `${R162}; Landesstelle per GKV KV-Bezirk key`),
  kv('47', 'RP', 'Rheinland-Pfalz (Koblenz)', `${R162}; ${F0214}`),
  kv('48', 'RP', 'Rheinland-Pfalz (Rheinhessen)', `${R162}; ${F0214}`),
  kv('49', 'RP', 'Rheinland-Pfalz (Pfalz)', `${R162}; ${F0214}`),
  kv('50', 'RP', 'Rheinland-Pfalz (Trier)', `${R162}; ${F0214}`),
  kv('51', 'RP', 'Rheinland-Pfalz', `${R162}; ${F0214}`),
  kv('52', 'BW', 'Baden-Württemberg', `${R162}; docs/kvdt.md (KV BW, receiving KV 9102 = 52)`),
  kv('53', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Mannheim)', `${R162}; name from GKV KV-Bezirk key`),
  kv('54', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Pforzheim)', `${R162}; name from GKV KV-Bezirk key`),
  kv('55', 'BW', 'Baden-Württemberg (Karlsruhe)', `${R162}; ${F0214}; docs/kvdt.md`),
  kv('56', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Baden-Baden)', `${R162}; name from GKV KV-Bezirk key`),
  kv('57', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Freiburg)', `${R162}; name from GKV KV-Bezirk key`),
  kv('58', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Konstanz)', `${R162}; name from GKV KV-Bezirk key`),
  kv('59', 'BW', 'Baden-Württemberg (historic Abrechnungsstelle Offenburg)', `${R162}; name from GKV KV-Bezirk key`),
  kv('60', 'BW', 'Baden-Württemberg (Freiburg)', `${R162}; ${F0214}; docs/kvdt.md`),
  kv('61', 'BW', 'Baden-Württemberg (Stuttgart)', `${R162}; ${F0214}; docs/kvdt.md`),
  kv('62', 'BW', 'Baden-Württemberg (Reutlingen)', `${R162}; ${F0214}; docs/kvdt.md`),
  kv('63', 'BY', 'Bayern (München Stadt u. Land)', `${R162}; ${F0214}`),
  kv('64', 'BY', 'Bayern (Oberbayern)', `${R162}; ${F0214}`),
  kv('65', 'BY', 'Bayern (Oberfranken)', `${R162}; ${F0214}`),
  kv('66', 'BY', 'Bayern (Mittelfranken)', `${R162}; ${F0214}`),
  kv('67', 'BY', 'Bayern (Unterfranken)', `${R162}; ${F0214}`),
  kv('68', 'BY', 'Bayern (Oberpfalz)', `${R162}; ${F0214}`),
  kv('69', 'BY', 'Bayern (Niederbayern)', `${R162}; ${F0214}`),
  kv('70', 'BY', 'Bayern (Schwaben)', `${R162}; ${F0214}`),
  kv('71', 'BY', 'Bayern', `${R162}; Landesstelle per GKV KV-Bezirk key`),
  kv('72', 'BE', 'Berlin', `${R162}; ${F0214}`),
  kv('73', 'SL', 'Saarland', `${R162}; ${F0214}`),
  kv('78', 'MV', 'Mecklenburg-Vorpommern', `${R162}; ${F0214}`),
  kv('79', 'BB', 'Brandenburg (Potsdam)', `${R162}; ${F0214}`),
  kv('80', 'BB', 'Brandenburg (Cottbus)', `${R162}; ${F0214}`),
  kv('81', 'BB', 'Brandenburg (Frankfurt/Oder)', `${R162}; ${F0214}`),
  kv('83', 'BB', 'Brandenburg', `${R162}; ${F0214}`),
  kv('85', 'ST', 'Sachsen-Anhalt (Magdeburg)', `${R162}; ${F0214}`),
  kv('86', 'ST', 'Sachsen-Anhalt (Halle)', `${R162}; ${F0214}`),
  kv('87', 'ST', 'Sachsen-Anhalt (Dessau)', `${R162}; ${F0214}`),
  kv('88', 'ST', 'Sachsen-Anhalt', `${R162}; Landesstelle per GKV KV-Bezirk key`),
  kv('93', 'TH', 'Thüringen', `${R162}; ${F0214}`),
  kv('94', 'SN', 'Sachsen (Chemnitz)', `${R162}; ${F0214}`),
  kv('95', 'SN', 'Sachsen (Dresden)', `${R162}; ${F0214}`),
  kv('96', 'SN', 'Sachsen (Leipzig)', `${R162}; ${F0214}`),
  kv('98', 'SN', 'Sachsen', `${R162}; Landesstelle per GKV KV-Bezirk key`),
  kv('99', null, 'Knappschaft', `${R162}; ${F0214}`),
]);

const byCode: ReadonlyMap<string, KvRegionCode> = new Map(kvRegionCodes.map((k) => [k.code, k]));

/** BSNR prefix of hospitals serving under § 75 Abs. 1a SGB V (Terminservicestelle): `35kknnnnn`. */
export const HOSPITAL_BSNR_PREFIX = '35';
/** BSNR prefix of SAPV providers (assigned by the KBV): `74kknnn63`. */
export const SAPV_BSNR_PREFIX = '74';

/** The KV region entry for a two-digit code, or `undefined`. */
export function kvRegionByCode(code: string): KvRegionCode | undefined {
  return byCode.get(code);
}

/**
 * The KV region a BSNR belongs to: its first two digits, or for hospital (`35kk…`) and SAPV (`74kk…`)
 * BSNRs digits 3–4. `undefined` when the BSNR is not 9 digits or the code is unknown.
 */
export function kvRegionOfBsnr(bsnr: string): KvRegionCode | undefined {
  if (!/^\d{9}$/.test(bsnr)) return undefined;
  const prefix = bsnr.slice(0, 2);
  if (prefix === HOSPITAL_BSNR_PREFIX || prefix === SAPV_BSNR_PREFIX) return byCode.get(bsnr.slice(2, 4));
  return byCode.get(prefix);
}

/**
 * Checks a BSNR/NBSNR: 9 digits, a KV region code from {@link kvRegionCodes} in digits 1–2 (KVDT Regel 049),
 * or the hospital form `35kknnnnn` (Regel 061) or the SAPV form `74kknnn63` (Regel 062). There is no check digit.
 */
export function checkBsnr(v: string): IdentifierCheck {
  if (!/^\d{9}$/.test(v)) {
    return fail('ID-BSNR', `BSNR must be 9 digits, got ${shown(v)}`, `Die BSNR muss aus 9 Ziffern bestehen (${shown(v)}).`);
  }
  const prefix = v.slice(0, 2);
  if (prefix === HOSPITAL_BSNR_PREFIX || prefix === SAPV_BSNR_PREFIX) {
    const kk = v.slice(2, 4);
    if (!byCode.has(kk)) {
      return fail(
        'ID-BSNR',
        `BSNR ${v}: digits 3–4 (${kk}) are no KV region code`,
        `BSNR ${v}: Stellen 3–4 (${kk}) sind kein gültiger KV-Bereich.`,
      );
    }
    if (prefix === SAPV_BSNR_PREFIX && !v.endsWith('63')) {
      return fail('ID-BSNR', `SAPV BSNR ${v} must end in 63`, `SAPV-BSNR ${v} muss auf 63 enden.`);
    }
    return pass(v);
  }
  if (!byCode.has(prefix)) {
    return fail(
      'ID-BSNR',
      `BSNR ${v}: digits 1–2 (${prefix}) are no KV region code`,
      `BSNR ${v}: Die ersten beiden Stellen (${prefix}) sind kein gültiger KV-Bereich.`,
    );
  }
  return pass(v);
}
