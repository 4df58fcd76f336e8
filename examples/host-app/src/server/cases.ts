import { bundleCaseSchema, bundleSchema, parseWith, selfContainedCase, type Bundle, type BundleCase, type BundleInput, type Case } from '@pvskit/core';
import type { BundleCaseInput, CaseRecord, HostSettings, PatientRecord } from '../shared/api.js';
import type { HostStore } from './store.js';

/*
 * Turning the PVS's stored cases into the contract's JSON: a case in the editor is a bundle case; the hooks get
 * it made self-contained by the core (`selfContainedCase`) with the demo practice's duty around it.
 */

/** Validates an edited case from the browser (strict: unknown fields are refused with their path). */
export function parseEditedCase(input: unknown): BundleCase {
  return parseWith(bundleCaseSchema, input, 'case');
}

/** The full contract case for one stored case: the case inside the demo practice's duty. */
export function fullCase(store: HostStore, data: BundleCase): Case {
  return selfContainedCase(parsedDutyBundle(store, []), data);
}

/** {@link dutyBundle}, parsed: what `complete` takes. */
export function parsedDutyBundle(store: HostStore, records?: readonly CaseRecord[]): Bundle {
  return parseWith(bundleSchema, dutyBundle(store, records), 'bundle');
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
    // The practice's fields of the pseudo cases `complete` adds (so the completed duty can be exported).
    pseudoCase: settings.pseudoCaseExport,
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
