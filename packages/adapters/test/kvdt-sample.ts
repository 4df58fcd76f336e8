/** Complete sample cases for tests and the benchmark (not exported from the package). */
import type { Case, CaseInput, CaseOrBundle, Software } from '@pvskit/core';
import { caseSchema, parseCaseOrBundle } from '@pvskit/core';

/** Software block used by samples. */
export const SAMPLE_SOFTWARE: Software = {
  name: 'pvskit',
  version: '0.1.0',
  kbvTestNumber: 'Y/9/2601/99/999',
  vendor: { name: 'pvskit GmbH', street: 'Teststr. 1', zip: '70173', city: 'Stuttgart', phone: '0711 000000' },
};

/** A GKV case with every field the KVDT export needs; `i` varies ids and names. */
export function sampleCaseInput(i = 0): CaseInput {
  return { ...sampleCaseInputWithoutSoftware(i), software: SAMPLE_SOFTWARE };
}

/**
 * {@link sampleCaseInput} without the software block, made directly (the export takes the software from
 * its options): the benchmark's stream of distinct case objects, one fresh object tree per case.
 */
export function sampleCaseInputWithoutSoftware(i = 0): Omit<CaseInput, 'software'> {
  return {
    id: `c-${i}`,
    region: 'BW',
    scheinuntergruppe: '41',
    practice: {
      bsnr: '529999900',
      name: 'Notfallpraxis Musterstadt',
      street: 'Musterstr. 1',
      zip: '70173',
      city: 'Stuttgart',
      phone: '0711 123456',
      kv: '52',
    },
    physician: { lanr: '123456601', name: 'Dr. med. Anna Beispiel' },
    patient: {
      id: `p-${i}`,
      lastName: 'Müller',
      firstName: 'Erika',
      birthDate: '1950-03-01',
      sex: 'W',
      street: 'Hauptstr.',
      houseNumber: '5',
      zip: '70174',
      city: 'Stuttgart',
      insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780', name: 'AOK Baden-Württemberg', vknr: '61101', memberType: '1', validFrom: '2026-01-01' },
    },
    continuingPhysician: 'Dr. med. Hausarzt, Musterstadt',
    diagnoses: [{ icd: 'J18.9', certainty: 'G', side: 'L' }],
    services: [
      { gop: '01212', date: '2026-01-09', time: '21:30' },
      { gop: '01226', date: '2026-01-09', count: 2, justification: 'Verweildauer wegen Verschlechterung' },
      { gop: '01214', date: '2026-01-10', time: '02:15' },
    ],
  };
}

/** {@link sampleCaseInput} parsed (defaults filled). */
export function sampleCase(i = 0): Case {
  return caseSchema.parse(sampleCaseInput(i));
}

/** Inputs as the writer takes them: each parsed by the core, a stream parsed item by item as it is read. */
export function parsedItems(items: readonly unknown[]): CaseOrBundle[];
export function parsedItems(items: AsyncIterable<unknown>): AsyncIterable<CaseOrBundle>;
export function parsedItems(items: readonly unknown[] | AsyncIterable<unknown>): CaseOrBundle[] | AsyncIterable<CaseOrBundle>;
export function parsedItems(items: readonly unknown[] | AsyncIterable<unknown>): CaseOrBundle[] | AsyncIterable<CaseOrBundle> {
  if (Array.isArray(items)) return items.map((item) => parseCaseOrBundle(item));
  const source = items as AsyncIterable<unknown>;
  return (async function* () {
    for await (const item of source) yield parseCaseOrBundle(item);
  })();
}
