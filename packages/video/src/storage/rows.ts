import type { AccessCodeRow, AppointmentRow, AuditRow, DeviceRow, EvidenceRow, OutboxRow, PracticeRow, UserRow, WrappedKeyRecord } from './port.js';

/*
 * Rows as both SQL stores lay them out: the same snake_case columns, the same plain fields, blobs for what is
 * sealed. Drivers differ only in small ways (PostgreSQL returns bigint as text and booleans as booleans), which
 * the readers below absorb, so both stores read a row the same way.
 */

/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
export const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const optBlob = (v: unknown): Uint8Array | null => (v === null || v === undefined ? null : new Uint8Array(v as Uint8Array));
const blob = (v: unknown): Uint8Array => new Uint8Array(v as Uint8Array);
/** Bytes as a driver binds them (Buffer for both better-sqlite3 and pg). */
export const buf = (v: Uint8Array | null): Buffer | null => (v === null ? null : Buffer.from(v));
/** Wrapped keys are stored as their JSON text. */
export const wrapOut = (v: WrappedKeyRecord | null): string | null => (v === null ? null : JSON.stringify(v));
const wrapIn = (v: unknown): WrappedKeyRecord | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as WrappedKeyRecord);

export function toPractice(r: Row): PracticeRow {
  return {
    id: str(r.id),
    orgShortName: str(r.org_short_name),
    orgKey: str(r.org_key),
    plan: str(r.plan) as PracticeRow['plan'],
    profileJson: str(r.profile_json),
    masterWrap: wrapIn(r.master_wrap),
    sepaSealed: optBlob(r.sepa_sealed),
    cancelledOn: optStr(r.cancelled_on),
    endsOn: optStr(r.ends_on),
    keysDestroyedAt: optNum(r.keys_destroyed_at),
    createdAt: num(r.created_at),
  };
}

export function toUser(r: Row): UserRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    shortName: str(r.short_name),
    role: str(r.role) as UserRow['role'],
    isMain: r.is_main === true || num(r.is_main) === 1,
    passwordWrap: wrapIn(r.password_wrap),
    createdAt: num(r.created_at),
  };
}

export function toDevice(r: Row): DeviceRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    name: str(r.name),
    publicKey: str(r.public_key),
    status: str(r.status) as DeviceRow['status'],
    sealedKey: optBlob(r.sealed_key),
    requestedAt: num(r.requested_at),
    approvedAt: optNum(r.approved_at),
    revokedAt: optNum(r.revoked_at),
  };
}

export function toAppointment(r: Row): AppointmentRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    kind: str(r.kind) as AppointmentRow['kind'],
    maxParticipants: num(r.max_participants),
    validFrom: num(r.valid_from),
    validUntil: num(r.valid_until),
    deleteAfter: num(r.delete_after),
    failedAttempts: num(r.failed_attempts),
    lockedAt: optNum(r.locked_at),
    codeGeneration: num(r.code_generation),
    doctorCodeFailures: num(r.doctor_code_failures),
    cancelledAt: optNum(r.cancelled_at),
    sealed: blob(r.sealed),
    createdAt: num(r.created_at),
  };
}

export function toAccessCode(r: Row): AccessCodeRow {
  return {
    mac: str(r.mac),
    appointmentId: str(r.appointment_id),
    role: str(r.role) as AccessCodeRow['role'],
    deleteAfter: num(r.delete_after),
  };
}

export function toEvidence(r: Row): EvidenceRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    appointmentId: str(r.appointment_id),
    kind: str(r.kind) as EvidenceRow['kind'],
    at: num(r.at),
    dataJson: str(r.data_json),
    deleteAfter: num(r.delete_after),
  };
}

export function toAudit(r: Row): AuditRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    appointmentId: optStr(r.appointment_id),
    at: num(r.at),
    event: str(r.event),
    metaJson: str(r.meta_json),
    deleteAfter: num(r.delete_after),
  };
}

export function toOutbox(r: Row): OutboxRow {
  return {
    id: str(r.id),
    practiceId: str(r.practice_id),
    appointmentId: str(r.appointment_id),
    channel: str(r.channel) as OutboxRow['channel'],
    status: str(r.status) as OutboxRow['status'],
    attempts: num(r.attempts),
    lastError: optStr(r.last_error),
    sealed: blob(r.sealed),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    deleteAfter: num(r.delete_after),
  };
}
