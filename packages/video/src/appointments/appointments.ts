import { berlinInstantOf, parseWith, PvsKitError } from '@pvskit/core';
import { fromUtf8, newId, open, randomBytes, seal, toB64, utf8 } from '../base/crypto.js';
import { practiceOf } from '../base/session.js';
import { dataKeyOf, type PracticeSession } from '../base/session.js';
import { writeAudit } from '../base/audit.js';
import { assertPlanIncludes } from '../plans/entitlements.js';
import { DAY_MS, MINUTE_MS, type VideoContext } from '../base/context.js';
import type { AppointmentKind, AppointmentRow } from '../storage/port.js';
import { splitAccessCode } from '../access-code/access-code.js';
import { doctorCodeMac, generateCodePair, locatorMac } from './codes.js';
import {
  bookingSchema,
  MAX_CONFERENCE_PARTICIPANTS,
  STANDARD_PARTICIPANTS,
  type AppointmentSecret,
  type BookingInput,
} from './schemas.js';

/** Appointment status as the practice sees it. */
export type AppointmentStatus = 'active' | 'locked' | 'cancelled';

/** A decrypted appointment: only a live practice session gets one. */
export interface Appointment {
  id: string;
  kind: AppointmentKind;
  maxParticipants: number;
  patient: AppointmentSecret['patient'];
  contact?: NonNullable<AppointmentSecret['contact']>;
  /** Practice wall-clock start, `YYYY-MM-DDTHH:MM` (Europe/Berlin). */
  start: string;
  durationMinutes: number;
  physicianName?: string;
  knownPatient: boolean;
  /** Doctor and patient access codes, `xxx-xxx-xxx`. */
  codes: { doctor: string; patient: string };
  /** Which code pair this is: 1 at booking, +1 with every `issueNewCodes` (what a host keys per-pair state by). */
  codeGeneration: number;
  /** Invitation link; the 256-bit secret sits in the fragment and never reaches the server. */
  link: string;
  /** The link secret alone (base64url, 32 bytes), for the doctor's call client. */
  linkSecret: string;
  /** Codes are accepted from here… (ISO 8601 UTC) */
  validFrom: string;
  /** …to here. */
  validUntil: string;
  /** Every record of this appointment is deleted from then on (≤ 90 days after the appointment). */
  deleteAfter: string;
  status: AppointmentStatus;
  failedAttempts: number;
}

/** Appointments of a practice. */
export interface AppointmentsApi {
  /** Books an appointment: random id, two distinct codes, link with fragment secret, window, deletion date. */
  book(session: PracticeSession, input: BookingInput): Appointment;
  get(session: PracticeSession, appointmentId: string): Appointment;
  list(session: PracticeSession): Appointment[];
  /** New code pair: old codes stop working, the failed-attempt counter and a lock are cleared. */
  issueNewCodes(session: PracticeSession, appointmentId: string): Appointment;
  /** Cancels: codes are deleted at once, the rest is purged on the deletion date. */
  cancel(session: PracticeSession, appointmentId: string): void;
}

const appointmentContext = (practiceId: string, appointmentId: string): string =>
  `pvskit/appointment/v1|${practiceId}|${appointmentId}`;

export function sealAppointmentSecret(key: Uint8Array, row: Pick<AppointmentRow, 'id' | 'practiceId'>, s: AppointmentSecret): Uint8Array {
  return seal(key, utf8(JSON.stringify(s)), appointmentContext(row.practiceId, row.id));
}

export function openAppointmentSecret(key: Uint8Array, row: AppointmentRow): AppointmentSecret {
  return JSON.parse(fromUtf8(open(key, row.sealed, appointmentContext(row.practiceId, row.id)))) as AppointmentSecret;
}

export function invitationLink(baseUrl: string, appointmentId: string, linkSecret: string): string {
  return `${baseUrl}/j/${encodeURIComponent(appointmentId)}#k=${linkSecret}`;
}

/** The appointment row of a session's practice; NOT_FOUND for anything else. */
export function appointmentOf(ctx: VideoContext, session: PracticeSession, appointmentId: string): AppointmentRow {
  const practice = practiceOf(ctx, session);
  const row = ctx.store.getAppointment(appointmentId);
  if (row === undefined || row.practiceId !== practice.id) {
    throw new PvsKitError('NOT_FOUND', 'appointment not found', { userMessage: 'Termin nicht gefunden.' });
  }
  return row;
}

export function toAppointment(ctx: VideoContext, row: AppointmentRow, s: AppointmentSecret): Appointment {
  return {
    id: row.id,
    kind: row.kind,
    maxParticipants: row.maxParticipants,
    patient: s.patient,
    ...(s.contact === undefined ? {} : { contact: s.contact }),
    start: s.start,
    durationMinutes: s.durationMinutes,
    ...(s.physicianName === undefined ? {} : { physicianName: s.physicianName }),
    knownPatient: s.knownPatient,
    codes: s.codes,
    codeGeneration: row.codeGeneration,
    link: invitationLink(ctx.baseUrl, row.id, s.linkSecret),
    linkSecret: s.linkSecret,
    validFrom: new Date(row.validFrom).toISOString(),
    validUntil: new Date(row.validUntil).toISOString(),
    deleteAfter: new Date(row.deleteAfter).toISOString(),
    status: row.cancelledAt !== null ? 'cancelled' : row.lockedAt !== null ? 'locked' : 'active',
    failedAttempts: row.failedAttempts,
  };
}

/**
 * Stores the MACs of a new pair (locators of both, the whole doctor code) until the end of the code window,
 * when the purge deletes them; a locator already taken by a live code draws a new pair.
 */
function storeCodePair(ctx: VideoContext, appointmentId: string, validUntil: number): { doctor: string; patient: string } {
  for (let attempt = 0; attempt < 8; attempt++) {
    const pair = generateCodePair();
    const rows = [
      { mac: locatorMac(ctx.codeKey, splitAccessCode(pair.doctor).locator), role: 'doctor' as const },
      { mac: doctorCodeMac(ctx.codeKey, pair.doctor), role: 'doctor' as const },
      { mac: locatorMac(ctx.codeKey, splitAccessCode(pair.patient).locator), role: 'patient' as const },
    ];
    const ok = ctx.store.transaction(() => {
      const all = rows.every((r) => ctx.store.insertAccessCode({ ...r, appointmentId, deleteAfter: validUntil }));
      if (!all) ctx.store.deleteAccessCodes(appointmentId);
      return all;
    });
    if (ok) return pair;
  }
  throw new PvsKitError('INTERNAL', 'could not draw a unique access code pair');
}

export function createAppointmentsApi(ctx: VideoContext): AppointmentsApi {
  const { store } = ctx;

  function decrypt(session: PracticeSession, row: AppointmentRow): Appointment {
    return toAppointment(ctx, row, openAppointmentSecret(dataKeyOf(session), row));
  }

  return {
    book(session, input) {
      const practice = practiceOf(ctx, session);
      const b = parseWith(bookingSchema, input, 'appointment');
      if (b.kind === 'conference') assertPlanIncludes(practice.plan, 'conferences');
      const maxParticipants =
        b.kind === 'standard' ? STANDARD_PARTICIPANTS : (b.participants ?? MAX_CONFERENCE_PARTICIPANTS);
      const start = berlinInstantOf(b.slot.start);
      const end = start + b.slot.durationMinutes * MINUTE_MS;
      const id = newId();
      const deleteAfter = end + ctx.retentionDays * DAY_MS;
      const row: AppointmentRow = {
        id,
        practiceId: practice.id,
        kind: b.kind,
        maxParticipants,
        validFrom: start - ctx.codeWindow.beforeMinutes * MINUTE_MS,
        validUntil: Math.max(start + ctx.codeWindow.afterMinutes * MINUTE_MS, end),
        deleteAfter,
        failedAttempts: 0,
        lockedAt: null,
        codeGeneration: 1,
        doctorCodeFailures: 0,
        cancelledAt: null,
        sealed: new Uint8Array(0),
        createdAt: ctx.now(),
      };
      return store.transaction(() => {
        // The row goes in first so code MACs never point at nothing; it is re-sealed once the codes exist.
        store.insertAppointment({ ...row, sealed: new Uint8Array(1) });
        const codes = storeCodePair(ctx, id, row.validUntil);
        const secret: AppointmentSecret = {
          v: 1,
          patient: b.patient,
          ...(b.contact === undefined ? {} : { contact: b.contact }),
          start: b.slot.start,
          durationMinutes: b.slot.durationMinutes,
          ...(b.physicianName === undefined ? {} : { physicianName: b.physicianName }),
          knownPatient: b.knownPatient,
          codes,
          linkSecret: toB64(randomBytes(32)),
        };
        const sealedRow = { ...row, sealed: sealAppointmentSecret(dataKeyOf(session), row, secret) };
        store.updateAppointment(sealedRow);
        writeAudit(ctx, practice.id, 'appointment.booked', { kind: b.kind, maxParticipants }, sealedRow);
        return toAppointment(ctx, sealedRow, secret);
      });
    },

    get(session, appointmentId) {
      return decrypt(session, appointmentOf(ctx, session, appointmentId));
    },

    list(session) {
      const practice = practiceOf(ctx, session);
      return store.listAppointments(practice.id).map((row) => decrypt(session, row));
    },

    issueNewCodes(session, appointmentId) {
      const row = appointmentOf(ctx, session, appointmentId);
      if (row.cancelledAt !== null) {
        throw new PvsKitError('CONFLICT', 'appointment is cancelled', { userMessage: 'Der Termin wurde abgesagt.' });
      }
      const secret = openAppointmentSecret(dataKeyOf(session), row);
      return store.transaction(() => {
        store.deleteAccessCodes(row.id);
        const codes = storeCodePair(ctx, row.id, row.validUntil);
        const next: AppointmentRow = {
          ...row,
          failedAttempts: 0,
          lockedAt: null,
          codeGeneration: row.codeGeneration + 1,
          doctorCodeFailures: 0,
          sealed: sealAppointmentSecret(dataKeyOf(session), row, { ...secret, codes }),
        };
        store.updateAppointment(next);
        writeAudit(ctx, row.practiceId, 'codes.reissued', { generation: next.codeGeneration }, next);
        return toAppointment(ctx, next, { ...secret, codes });
      });
    },

    cancel(session, appointmentId) {
      const row = appointmentOf(ctx, session, appointmentId);
      store.transaction(() => {
        store.deleteAccessCodes(row.id);
        store.updateAppointment({ ...row, cancelledAt: ctx.now() });
        writeAudit(ctx, row.practiceId, 'appointment.cancelled', {}, row);
      });
    },
  };
}
