import type { Insurance, Region } from '@pvskit/core';
import { SOURCES } from './sources.js';

/** What a KV region adds to the EBM for the emergency service. */
export interface RegionProfile {
  readonly region: Region;
  /** Chapters 3 and 4 are not billable in the emergency service (KVBW guide). */
  readonly chapter34Excluded: boolean;
  /** The KV's single GOPs shut out of the emergency service (GOPS_SHUT_OUT_BY_KV: postage 40110 in BW) apply. */
  readonly gopsShutOut?: boolean;
  /**
   * Scheinuntergruppe of a duty case (Muster 19, Notfallschein): only such a case with a Notfallpauschale
   * makes the pseudo case unnecessary, and other SUGs in a duty case are worth a warning.
   */
  readonly dutyScheinuntergruppe?: string;
  /** Pseudo case (Pseudo-Abrechnungsfall) rules and template; absent when the KV has none we know of. */
  readonly pseudoCase?: {
    readonly firstName: string;
    /** `{n}` is replaced by the doctor's number. */
    readonly lastName: string;
    readonly street: string;
    readonly zip: string;
    readonly city: string;
    readonly birthDate: string;
    readonly insurance: Insurance;
    readonly icd: string;
  };
  readonly source: string;
}

/** Region profiles; regions without a profile get only the EBM rules. */
export const REGION_PROFILES: readonly RegionProfile[] = [
  {
    region: 'BW',
    chapter34Excluded: true,
    gopsShutOut: true,
    dutyScheinuntergruppe: '41',
    pseudoCase: {
      firstName: 'Organisierter',
      lastName: 'Notfalldienst Arzt {n}',
      street: 'Notfallstr. 1',
      zip: '12345',
      city: 'Notfallstadt',
      birthDate: '2020-01-01',
      // IK as in the contract's example patient of AOK Baden-Württemberg.
      insurance: { type: 'GKV', name: 'AOK Baden-Württemberg', ik: '108018007' },
      icd: 'Z02',
    },
    source: SOURCES.kvbwGuide,
  },
];
