/** A typed reading of a treatment-case record (0101–0104): the KVDT fields back in case-JSON terms. */
import { readKvdtGopCode, videoOnlyCaseGop } from '@pvskit/billing';
import type { KvdtRecord } from './model.js';

/** One service as the file states it. */
export interface KvdtServiceView {
  line: number;
  /** `YYYY-MM-DD` (or the raw 5000 content when it is no date). */
  date: string;
  /** The GOP without the video Zusatzkennzeichnung. */
  gop: string;
  /** `video` when 5001 carried the video Zusatzkennzeichnung (01210V). */
  mode?: 'video';
  /** 5005, default 1. */
  count: number;
  /** `HH:MM` from 5006. */
  time?: string;
  /** The 5009 pieces joined with a blank. */
  justification?: string;
  bsnr?: string;
  lanr?: string;
}

/** One diagnosis (6001 with its 6003/6004). */
export interface KvdtDiagnosisView {
  line: number;
  icd: string;
  certainty?: string;
  side?: string;
}

/** A treatment case read back from its record. Absent fields are left out. */
export interface KvdtCaseView {
  satzart: string;
  line: number;
  patient: {
    id?: string;
    lastName?: string;
    firstName?: string;
    birthDate?: string;
    sex?: string;
    street?: string;
    zip?: string;
    city?: string;
    country?: string;
    insurance: { kvnr?: string; ik?: string; vknr?: string; memberType?: string; name?: string; validFrom?: string };
  };
  quarter?: string;
  scheinuntergruppe?: string;
  continuingPhysician?: string;
  services: KvdtServiceView[];
  diagnoses: KvdtDiagnosisView[];
  /** The case carried the video-only marker (88220); the marker itself is not listed as a service. */
  videoOnly?: boolean;
}

const ymdToIso = (v: string): string => (/^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v);
const hhmmToIso = (v: string): string => (/^\d{4}$/.test(v) ? `${v.slice(0, 2)}:${v.slice(2, 4)}` : v);

/** Fields of the case head, by id, with the key they get in the view. */
const PATIENT_FIELDS: Readonly<Record<string, keyof KvdtCaseView['patient']>> = {
  '3000': 'id',
  '3101': 'lastName',
  '3102': 'firstName',
  '3103': 'birthDate',
  '3110': 'sex',
  '3107': 'street',
  '3112': 'zip',
  '3113': 'city',
  '3114': 'country',
};
const INSURANCE_FIELDS: Readonly<Record<string, keyof KvdtCaseView['patient']['insurance']>> = {
  '3119': 'kvnr',
  '4111': 'ik',
  '4104': 'vknr',
  '3108': 'memberType',
  '4134': 'name',
  '4133': 'validFrom',
};

/** Reads a treatment-case record (0101–0104) into a {@link KvdtCaseView}. The first occurrence of a head field wins. */
export function kvdtCaseView(record: KvdtRecord): KvdtCaseView {
  const view: KvdtCaseView = { satzart: record.satzart, line: record.line, patient: { insurance: {} }, services: [], diagnoses: [] };
  const patient = view.patient as Record<string, string | object>;
  const insurance = view.patient.insurance as Record<string, string>;
  let day = '';
  let service: KvdtServiceView | undefined;
  let diagnosis: KvdtDiagnosisView | undefined;
  for (const f of record.fields) {
    const p = PATIENT_FIELDS[f.id];
    const i = INSURANCE_FIELDS[f.id];
    if (p !== undefined && service === undefined) patient[p] ??= p === 'birthDate' ? ymdToIso(f.value) : f.value;
    else if (i !== undefined && service === undefined) insurance[i] ??= i === 'validFrom' ? ymdToIso(f.value) : f.value;
    switch (f.id) {
      case '4101':
        view.quarter ??= f.value;
        break;
      case '4239':
        view.scheinuntergruppe ??= f.value;
        break;
      case '4243':
        view.continuingPhysician ??= f.value;
        break;
      case '5000':
        day = ymdToIso(f.value);
        service = undefined;
        break;
      case '5001': {
        if (f.value === videoOnlyCaseGop(day)) {
          view.videoOnly = true;
          service = { line: f.line, date: day, gop: f.value, count: 1 };
          break;
        }
        const code = readKvdtGopCode(f.value, day);
        service = { line: f.line, date: day, gop: code.gop, count: 1, ...(code.video ? { mode: 'video' as const } : {}) };
        view.services.push(service);
        break;
      }
      case '5005':
        if (service !== undefined) service.count = Number(f.value);
        break;
      case '5006':
        if (service !== undefined) service.time = hhmmToIso(f.value);
        break;
      case '5009':
        if (service !== undefined) service.justification = service.justification === undefined ? f.value : `${service.justification} ${f.value}`;
        break;
      case '5098':
        if (service !== undefined) service.bsnr ??= f.value;
        break;
      case '5099':
        if (service !== undefined) service.lanr ??= f.value;
        break;
      case '6001':
        diagnosis = { line: f.line, icd: f.value };
        view.diagnoses.push(diagnosis);
        break;
      case '6003':
        if (diagnosis !== undefined) diagnosis.certainty ??= f.value;
        break;
      case '6004':
        if (diagnosis !== undefined) diagnosis.side ??= f.value;
        break;
      default:
        break;
    }
  }
  return view;
}
