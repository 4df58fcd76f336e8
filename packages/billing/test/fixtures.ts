import type { CaseInput } from '@pvskit/core';

/*
 * Shared test data (not exported from the package). Identifiers are those of docs/contract.md, which pass
 * their check digits.
 */

/** Practice and doctor of the examples. */
export const PRACTICE = { bsnr: '529999900', name: 'Notfallpraxis Musterstadt' } as const;
export const PHYSICIAN = { lanr: '123456601', name: 'Dr. med. Anna Beispiel', contractedPhysician: true } as const;

/** A GKV patient, born `birthDate`. */
export function patient(birthDate = '1960-05-05', overrides: Partial<CaseInput['patient']> = {}): CaseInput['patient'] {
  return {
    id: 'p-1',
    lastName: 'Muster',
    firstName: 'Erika',
    birthDate,
    insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780', name: 'AOK Baden-Württemberg' },
    ...overrides,
  };
}

/** A complete BW case around the given parts. */
export function baseCase(parts: Partial<CaseInput> = {}): CaseInput {
  return {
    id: 'c-1',
    region: 'BW',
    practice: PRACTICE,
    physician: PHYSICIAN,
    patient: patient(),
    diagnoses: [],
    contacts: [],
    services: [],
    ...parts,
  };
}

export type { BundleInput, CaseInput } from '@pvskit/core';
/** A service as a host writes it. */
export type ServiceInput = CaseInput['services'] extends (infer S)[] | undefined ? S : never;

/** A service on `date`, timed when `time` is given. */
export function svc(gop: string, date: string, time?: string, extra: Partial<ServiceInput> = {}): ServiceInput {
  return { gop, date, ...(time === undefined ? {} : { time }), ...extra };
}
