/*
 * The storage port. A vendor may plug in its own store (its database, its backup regime); the SDK ships
 * SQLite as the default. Rows hold only what the service needs to enforce rules without keys (ids, windows,
 * counters, deletion dates); patient data arrives here already sealed with the practice data key.
 */

/** Plan of a practice. */
export type Plan = 'basis' | 'plus';

/** A key wrapped under a password-derived key (Argon2id + XChaCha20-Poly1305), stored as JSON. */
export interface WrappedKeyRecord {
  v: 1;
  salt: string;
  opsLimit: number;
  memLimit: number;
  /** nonce‖ciphertext, base64url. */
  sealed: string;
}

/** One registered practice (organisation). */
export interface PracticeRow {
  id: string;
  /** As registered (trimmed); login compares it exactly. */
  orgShortName: string;
  /** Lower-cased short name; unique, so `PWinkler` and `pwinkler` cannot both exist. */
  orgKey: string;
  plan: Plan;
  /** Organisation, address and main contact as JSON: provider-side contract data, no patient data. */
  profileJson: string;
  masterWrap: WrappedKeyRecord | null;
  /** SEPA mandate sealed with the provider's billing key; null on basis. */
  sepaSealed: Uint8Array | null;
  cancelledOn: string | null;
  endsOn: string | null;
  keysDestroyedAt: number | null;
  createdAt: number;
}

/** `doctor` holds consultations; `staff` organises only (spec R2). */
export type UserRole = 'doctor' | 'staff';

/** A user of a practice, with the data key wrapped under the user's password. */
export interface UserRow {
  id: string;
  practiceId: string;
  shortName: string;
  role: UserRole;
  isMain: boolean;
  passwordWrap: WrappedKeyRecord | null;
  createdAt: number;
}

/** Device approval state. */
export type DeviceStatus = 'pending' | 'approved' | 'revoked';

/** A device (Arbeitsplatz/Endgerät) of a practice. */
export interface DeviceRow {
  id: string;
  practiceId: string;
  name: string;
  /** X25519 public key, base64url. */
  publicKey: string;
  status: DeviceStatus;
  /** The data key sealed to `publicKey`; only while approved. */
  sealedKey: Uint8Array | null;
  requestedAt: number;
  approvedAt: number | null;
  revokedAt: number | null;
}

/** `standard`: doctor and patient; `conference`: up to 9 participants (plan plus). */
export type AppointmentKind = 'standard' | 'conference';

/** One appointment: enforcement fields in clear, everything about the patient sealed. */
export interface AppointmentRow {
  id: string;
  practiceId: string;
  kind: AppointmentKind;
  maxParticipants: number;
  /** Access codes work from here (epoch ms, inclusive)… */
  validFrom: number;
  /** …to here (epoch ms, inclusive). */
  validUntil: number;
  /** Epoch ms; the purge job deletes the row (and everything tied to it) from then on. */
  deleteAfter: number;
  failedAttempts: number;
  lockedAt: number | null;
  /** Increments with every new code pair. */
  codeGeneration: number;
  /**
   * Wrong rests of the whole doctor code (right locator) inside the code window. At the limit the doctor code
   * is refused; the appointment and its patients are not locked by it. Reset with every new code pair.
   */
  doctorCodeFailures: number;
  cancelledAt: number | null;
  /** Patient, slot, physician, codes and link secret, sealed with the practice data key. */
  sealed: Uint8Array;
  createdAt: number;
}

/** Whose code: the doctor's or the patient's. */
export type AccessRole = 'doctor' | 'patient';

/** One access code, stored only as a keyed MAC. */
export interface AccessCodeRow {
  /** HMAC-SHA256 of the normalised code under the server's code key, hex. */
  mac: string;
  appointmentId: string;
  role: AccessRole;
  deleteAfter: number;
}

/** Kinds of evidence recorded per appointment. */
export type EvidenceKind = 'consent' | 'consent-withdrawn' | 'introduction' | 'unknown-patient-auth';

/** One evidence record (consent, introduction, eGK check). */
export interface EvidenceRow {
  id: string;
  practiceId: string;
  appointmentId: string;
  kind: EvidenceKind;
  at: number;
  /** Metadata only (text version, channel, result); never names or free text. */
  dataJson: string;
  deleteAfter: number;
}

/** One audit entry (metadata only). */
export interface AuditRow {
  id: string;
  practiceId: string;
  appointmentId: string | null;
  at: number;
  event: string;
  /** Metadata only. */
  metaJson: string;
  deleteAfter: number;
}

/** Invitation channels that send through a transport. */
export type OutboxChannel = 'email' | 'sms';
/** Outbox state; `failed` entries stay until retried or purged. */
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** An invitation waiting, sent or failed. */
export interface OutboxRow {
  id: string;
  practiceId: string;
  appointmentId: string;
  channel: OutboxChannel;
  status: OutboxStatus;
  attempts: number;
  /** Transport error without recipient or content. */
  lastError: string | null;
  /** Recipient and message, sealed with the practice data key. */
  sealed: Uint8Array;
  createdAt: number;
  updatedAt: number;
  deleteAfter: number;
}

/** Rows removed by one purge, per table. */
export interface PurgeCounts {
  appointments: number;
  accessCodes: number;
  evidence: number;
  audit: number;
  outbox: number;
}

/** Rows removed when a practice is deleted at contract end. */
export interface PracticeDeletionCounts extends PurgeCounts {
  practices: number;
  users: number;
  devices: number;
}

/**
 * Storage port of `@pvskit/video`. Implementations must be transactional within {@link VideoStore.transaction}
 * and must really delete (not soft-delete) in the delete and purge methods.
 */
export interface VideoStore {
  /** Runs `fn` atomically; nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;

  insertPractice(row: PracticeRow): void;
  updatePractice(row: PracticeRow): void;
  getPractice(id: string): PracticeRow | undefined;
  findPracticeByOrgKey(orgKey: string): PracticeRow | undefined;
  listPracticesEndingOnOrBefore(date: string): PracticeRow[];
  /** Remembers a short name (as a keyed hash) forever, so it is never handed out twice. */
  reserveOrgName(nameMac: string): boolean;

  insertUser(row: UserRow): void;
  updateUser(row: UserRow): void;
  getUser(id: string): UserRow | undefined;
  findUser(practiceId: string, shortName: string): UserRow | undefined;
  listUsers(practiceId: string): UserRow[];

  insertDevice(row: DeviceRow): void;
  updateDevice(row: DeviceRow): void;
  getDevice(id: string): DeviceRow | undefined;
  /** In request order. */
  listDevices(practiceId: string): DeviceRow[];

  insertAppointment(row: AppointmentRow): void;
  updateAppointment(row: AppointmentRow): void;
  getAppointment(id: string): AppointmentRow | undefined;
  listAppointments(practiceId: string): AppointmentRow[];

  /** Inserts a code; returns false (and changes nothing) when the MAC already exists. */
  insertAccessCode(row: AccessCodeRow): boolean;
  findAccessCode(mac: string): AccessCodeRow | undefined;
  deleteAccessCodes(appointmentId: string): number;

  insertEvidence(row: EvidenceRow): void;
  /** Oldest first; equal times in insertion order (the latest record of a kind decides). */
  listEvidence(appointmentId: string): EvidenceRow[];

  insertAudit(row: AuditRow): void;
  listAudit(practiceId: string, appointmentId?: string): AuditRow[];

  insertOutbox(row: OutboxRow): void;
  updateOutbox(row: OutboxRow): void;
  getOutbox(id: string): OutboxRow | undefined;
  listOutbox(practiceId: string): OutboxRow[];

  /** Deletes every appointment-bound record whose deletion date is ≤ `now`, and what hangs off them. */
  purgeExpired(now: number): PurgeCounts;
  /** Deletes every row of a practice. */
  deletePractice(practiceId: string): PracticeDeletionCounts;

  close(): void;
}
