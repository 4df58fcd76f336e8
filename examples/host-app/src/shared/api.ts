/*
 * Shapes of the host app's JSON API, shared by server and browser client (types only: nothing here runs).
 */
import type { CaseInput, Card, Duty, Finding, Patient, Physician, Practice, PseudoCaseFields, Software, ValidationIssueJson } from '@pvskit/core';

export type { Card, Duty, Finding, Patient, Physician, Practice, Software, ValidationIssueJson };

/** A case inside the demo duty as the editor writes it (defaults optional, no duty/practice/physician). */
export type BundleCaseInput = Omit<CaseInput, 'duty' | 'practice' | 'physician' | 'software'>;

export type CaseStatus = 'open' | 'signed';

/** A patient of the sample PVS: the contract's patient with a required id. */
export type PatientRecord = Patient & { id: string };

export interface HostSettings {
  practice: Practice;
  physician: Physician;
  software: Software;
  region: 'BW';
  /** KVDT 4243, the doctor who continues treatment; the demo uses one text for every case. */
  continuingPhysician: string;
  /**
   * KVDT fields the PVS sets on the duty's pseudo case (the guide fixes name, address, birth date and AOK BW;
   * the 0104 record also needs sex, VKNR, Versichertenart and 4243). A practice setting, shown on export.
   */
  pseudoCaseExport: PseudoCaseFields;
}

export interface CaseRecord {
  id: string;
  patientId: string;
  dutyId: string;
  status: CaseStatus;
  updatedAt: string;
  case: BundleCaseInput;
}

/** Which optional packages this server could load; the UI hides what is missing. */
export interface Features {
  /** The rule engine's plugin answers case-edit / case-sign. */
  billing: boolean;
  /** `complete` (derive services from contacts) is available. */
  complete: boolean;
  kvdt: boolean;
  video: boolean;
  signaling: boolean;
  cdsHooks: boolean;
}

export interface StateResponse {
  settings: HostSettings;
  duty: Duty & { id: string };
  features: Features;
  plugins: { id: string; title: string; hooks: string[]; enabled: boolean }[];
  /** The logged-in practice user. */
  user: LoginResponse;
}

/** Result of a hook call as the UI shows it. */
export interface CardsResponse {
  hookInstance: string;
  cards: Card[];
}

/** Answer of the live check while typing. `issues` are input problems (the case could not be checked). */
export interface CheckResponse {
  hookInstance?: string;
  cards: Card[];
  issues: ValidationIssueJson[];
  saved: boolean;
}

export interface CompleteResponse {
  record: CaseRecord;
  cards: Card[];
}

export interface SignResponse {
  record: CaseRecord;
  cards: Card[];
}

export interface DutyResponse {
  duty: Duty & { id: string };
  cases: (CaseRecord & { patientName: string })[];
  /** Pseudo cases `complete` adds to the duty bundle (99999/99909). */
  pseudoCases: BundleCaseInput[];
  cards: Card[];
}

export interface ExportResponse {
  fileName: string;
  /** Relative download URL of the written file. */
  download: string;
  bytes: number;
  quarter: string;
  cases: number;
  findings: Finding[];
  cards: Card[];
  /** The practice setting applied to the pseudo case(s). */
  pseudoCaseExport: HostSettings['pseudoCaseExport'];
  /** Record counts by Satzart, from reading the written file back. */
  records: Record<string, number>;
}

/** A video appointment as the practice sees it (decrypted with the practice data key). */
export interface AppointmentView {
  id: string;
  patientId: string;
  patientName: string;
  /** Local start, `YYYY-MM-DDTHH:MM`. */
  start: string;
  durationMinutes: number;
  doctorCode: string;
  patientCode: string;
  inviteLink: string;
  emailSubject?: string;
  emailText: string;
  smsText: string;
  printUrl: string;
  /** ISO 8601: codes are accepted from… to… */
  validFrom: string;
  validUntil: string;
  status: string;
  consent: { at: string; channel: string; textVersion: string } | null;
  introduction: { at: string; personsPresent: number } | null;
}

/** What the doctor's call page needs to open the room. */
export interface DoctorCallInfo {
  appointment: AppointmentView;
  /** Signaling ticket for the doctor (the PVS login vouches for the doctor). */
  ticket: string;
  /** Link secret, so patients who came by link are verified end to end. */
  linkSecret: string;
  signalingPath: string;
  /**
   * PAKE tries the doctor's call client already spent on this code pair (kept by the practice, so a reload does
   * not restore the budget); the client reports every change to `POST /api/appointments/:id/pake-tries`.
   */
  pakeTries: PakeTriesBody;
}

/**
 * PAKE tries the practice grants over all call pages of one appointment and code pair; the doctor's client is
 * given the same number as its own limit (`maxPakeFailures`).
 */
export const PAKE_TRY_LIMIT = 10;

/** A call page asks for one try before it sends a PAKE confirmation (`POST …/pake-tries/reserve`). */
export interface PakeTryReservation {
  codeGeneration: number;
  granted: boolean;
  spent: number;
}

/** The doctor client's count of spent PAKE tries for one code pair. */
export interface PakeTriesBody {
  codeGeneration: number;
  spent: number;
}

/**
 * One call page's change to the count (+1 per confirmation sent, −1 per admission). Pages report changes, not
 * counts: with the call page open twice, a page's lower count must not overwrite what the other one spent.
 */
export interface PakeTriesChange {
  codeGeneration: number;
  change: number;
}

export interface ConsentTextResponse {
  version: string;
  text: string;
}

export interface ApiError {
  error: { code: string; message: string; userMessage: string; issues?: ValidationIssueJson[] };
}

/** `POST /api/login` (and `user` in the state): who is logged in. */
export interface LoginResponse {
  user: string;
  role: string;
}
