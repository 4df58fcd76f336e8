import { bundleCaseSchema, parseWith, type BundleInput, type CaseInput } from '@pvskit/core';
import type { BundleCaseInput, CaseRecord, HostSettings, PatientRecord } from '../shared/api.js';
import type { HostStore } from './store.js';

/*
 * Turning the PVS's stored cases into the contract's JSON: a case in the editor is a bundle case; the hooks get
 * it with the duty, practice, physician and software of the demo practice around it.
 */

/** Validates an edited case from the browser (strict: unknown fields are refused with their path). */
export function parseEditedCase(input: unknown): BundleCaseInput {
  return parseWith(bundleCaseSchema, input, "case") as BundleCaseInput;
}

/** The full contract case for one stored case: duty, practice, physician and software of the demo practice. */
export function fullCase(store: HostStore, data: BundleCaseInput): CaseInput {
  const settings = store.settings();
  return {
    ...data,
    region: settings.region,
    duty: store.duty(),
    practice: settings.practice,
    physician: settings.physician,
    software: settings.software,
  };
}

/** The duty with all its cases as one bundle (for duty checks, pseudo cases and the export). */
export function dutyBundle(store: HostStore, records: readonly CaseRecord[] = store.cases({ dutyId: store.duty().id })): BundleInput {
  const settings = store.settings();
  return {
    duty: store.duty(),
    region: settings.region,
    practice: settings.practice,
    physician: settings.physician,
    software: settings.software,
    cases: records.map((r) => r.case),
  };
}

/** A new, empty case for a patient in the demo duty. */
export function newCaseFor(patient: PatientRecord, settings: HostSettings): BundleCaseInput {
  return {
    patient: patientWithoutHostFields(patient),
    continuingPhysician: settings.continuingPhysician,
    diagnoses: [],
    contacts: [],
    services: [],
  };
}

/** The patient record in contract shape (the record already is; the copy keeps the stored row untouched). */
export function patientWithoutHostFields(patient: PatientRecord): PatientRecord {
  return structuredClone(patient);
}
