import type { Duty } from '@pvskit/core';
import type { BundleCaseInput, CaseStatus, HostSettings, PatientRecord } from '../shared/api.js';

/*
 * Demo data for a fresh data file: a Notfallpraxis in Baden-Württemberg, a handful of patients and one
 * weekend duty (Saturday 08:00 to Monday 08:00, KVBW's usual weekend roster) with three cases typed in.
 * Identifiers carry valid check digits (KVNR, IK, LANR) so that findings come from the cases, not the seed.
 */

export interface Seed {
  settings: HostSettings;
  patients: PatientRecord[];
  duty: Duty & { id: string };
  cases: { id: string; patientId: string; status: CaseStatus; case: BundleCaseInput }[];
}

const settings: HostSettings = {
  region: 'BW',
  practice: {
    bsnr: '529999900',
    name: 'Notfallpraxis Musterstadt',
    street: 'Klinikstraße 12',
    zip: '70173',
    city: 'Stuttgart',
    phone: '0711 123456',
    kv: '52',
  },
  physician: { lanr: '123456601', name: 'Dr. med. Anna Beispiel', contractedPhysician: true },
  software: {
    name: 'pvskit Beispiel-PVS',
    version: '0.1.0',
    kbvTestNumber: 'Y/99/2601/36/999',
    vendor: { name: 'pvskit Demo GmbH', street: 'Musterweg 1', zip: '70173', city: 'Stuttgart', phone: '0711 654321' },
  },
  continuingPhysician: 'Hausärztin/Hausarzt laut Patientenangabe',
  pseudoCaseExport: { sex: 'U', vknr: '52101', memberType: '1', continuingPhysician: 'Organisierter Notfalldienst' },
};

const patients: PatientRecord[] = [
  {
    id: 'p-1',
    lastName: 'Muster',
    firstName: 'Erika',
    birthDate: '1950-03-01',
    sex: 'W',
    street: 'Königstraße',
    houseNumber: '5',
    zip: '70173',
    city: 'Stuttgart',
    country: 'D',
    frailty: true,
    severeImpairment: false,
    insurance: { type: 'GKV', ik: '108018007', kvnr: 'A123456780', name: 'AOK Baden-Württemberg', vknr: '52101', memberType: '5', validFrom: '2026-01-01' },
  },
  {
    id: 'p-2',
    lastName: 'Mustermann',
    firstName: 'Max',
    birthDate: '1985-07-14',
    sex: 'M',
    street: 'Neckarstraße',
    houseNumber: '120',
    zip: '70190',
    city: 'Stuttgart',
    country: 'D',
    frailty: false,
    severeImpairment: false,
    insurance: { type: 'GKV', ik: '101575519', kvnr: 'M987654323', name: 'Techniker Krankenkasse', vknr: '52101', memberType: '1', validFrom: '2026-01-01' },
  },
  {
    id: 'p-3',
    lastName: 'Öztürk-Müller',
    firstName: 'Lina',
    birthDate: '2024-05-02',
    sex: 'W',
    street: 'Hauptstraße',
    houseNumber: '7a',
    zip: '70563',
    city: 'Stuttgart',
    country: 'D',
    frailty: false,
    severeImpairment: false,
    insurance: { type: 'GKV', ik: '104940005', kvnr: 'K400112232', name: 'BARMER', vknr: '52101', memberType: '3', validFrom: '2026-01-01' },
  },
  {
    id: 'p-4',
    lastName: 'Žižek',
    firstName: 'Jürgen',
    birthDate: '1962-11-30',
    sex: 'M',
    street: 'Schillerplatz',
    houseNumber: '2',
    zip: '70173',
    city: 'Stuttgart',
    country: 'D',
    frailty: false,
    severeImpairment: false,
    insurance: { type: 'GKV', ik: '105830016', kvnr: 'S007755440', name: 'DAK-Gesundheit', vknr: '52101', memberType: '1', validFrom: '2026-01-01' },
  },
  {
    id: 'p-5',
    lastName: 'Schmid',
    firstName: 'Hannah',
    birthDate: '1992-02-29',
    sex: 'W',
    street: 'Rotebühlplatz',
    houseNumber: '30',
    zip: '70178',
    city: 'Stuttgart',
    country: 'D',
    frailty: false,
    severeImpairment: false,
    insurance: { type: 'GKV', ik: '108018007', kvnr: 'B303030306', name: 'AOK Baden-Württemberg', vknr: '52101', memberType: '1', validFrom: '2026-01-01' },
  },
  {
    id: 'p-6',
    lastName: 'Privat',
    firstName: 'Friedrich',
    birthDate: '1971-06-18',
    sex: 'M',
    street: 'Am Hang',
    houseNumber: '3',
    zip: '70597',
    city: 'Stuttgart',
    country: 'D',
    frailty: false,
    severeImpairment: false,
    insurance: { type: 'PKV', name: 'Private Krankenversicherung' },
  },
];

/** `YYYY-MM-DD` plus `days`, computed on the calendar (no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The Saturday on or before `date`. */
export function saturdayOnOrBefore(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday … 6 = Saturday
  return addDays(date, -((weekday + 1) % 7));
}

function patientOf(id: string): PatientRecord {
  const p = patients.find((x) => x.id === id);
  if (p === undefined) throw new Error(`seed: no patient ${id}`);
  return p;
}

/** The demo data with the duty on the weekend before (or of) `today`. */
export function buildSeed(today: string): Seed {
  const saturday = saturdayOnOrBefore(today);
  const sunday = addDays(saturday, 1);
  const monday = addDays(saturday, 2);
  const duty = { id: 'd-1', start: `${saturday}T08:00`, end: `${monday}T08:00` };
  const cases: Seed['cases'] = [
    {
      // Pneumonia (Nr. 8 list) on a Saturday morning: 01212 with the 01224 supplement.
      id: 'c-1',
      patientId: 'p-1',
      status: 'signed',
      case: {
        id: 'c-1',
        patient: patientOf('p-1'),
        continuingPhysician: settings.continuingPhysician,
        diagnoses: [{ icd: 'J18.9', certainty: 'G' }],
        contacts: [{ date: saturday, time: '10:15', mode: 'personal' }],
        services: [
          { gop: '01212', date: saturday, time: '10:15', mode: 'personal' },
          { gop: '01224', date: saturday, time: '10:15', mode: 'personal' },
        ],
      },
    },
    {
      // Home visit on Sunday night, 3.2 km: 01212, 01418 and the night Wegepauschale 40228.
      id: 'c-2',
      patientId: 'p-2',
      status: 'signed',
      case: {
        id: 'c-2',
        patient: patientOf('p-2'),
        continuingPhysician: settings.continuingPhysician,
        diagnoses: [{ icd: 'S52.51', certainty: 'G', side: 'L' }],
        contacts: [{ date: sunday, time: '21:40', mode: 'personal', visit: { distanceKm: 3.2, sameSocialCommunity: false } }],
        services: [
          { gop: '01212', date: sunday, time: '21:40', mode: 'personal' },
          { gop: '01224', date: sunday, time: '21:40', mode: 'personal' },
          { gop: '01418', date: sunday, time: '21:40', mode: 'personal' },
          { gop: '40228', date: sunday, time: '21:40', mode: 'personal' },
        ],
      },
    },
    {
      // A private patient: not written to KVDT, counted in the pseudo case's 99909.
      id: 'c-3',
      patientId: 'p-6',
      status: 'signed',
      case: {
        id: 'c-3',
        patient: patientOf('p-6'),
        continuingPhysician: settings.continuingPhysician,
        diagnoses: [{ icd: 'R51', certainty: 'G' }],
        contacts: [{ date: sunday, time: '11:05', mode: 'personal' }],
        services: [],
      },
    },
  ];
  return { settings, patients, duty, cases };
}
