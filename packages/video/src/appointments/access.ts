import { z } from 'zod';
import { parseWith, PvsKitError } from '@pvskit/core';
import { writeAudit } from '../base/audit.js';
import type { VideoContext } from '../base/context.js';
import type { AccessRole, AppointmentKind, AppointmentRow } from '../storage/port.js';
import { normaliseAccessCode, normaliseLocator } from '../access-code/access-code.js';
import { doctorCodeMac, locatorMac } from './codes.js';
import { createIpLimiter } from './ip-limiter.js';

/** What a correct code opens: one appointment, one role. No patient data (the server has none in clear). */
export interface AccessGrant {
  appointmentId: string;
  practiceId: string;
  role: AccessRole;
  kind: AppointmentKind;
  maxParticipants: number;
  /** Epoch ms. */
  validFrom: number;
  validUntil: number;
  /**
   * What was proven: `code` = the whole doctor code; `locator` = only the locator (a patient code's rest is
   * the PAKE password, which no server ever sees or can check).
   */
  proof: 'code' | 'locator';
}

/** What the signaling server may know about an appointment: no patient data, no codes. */
export interface AppointmentAccessMetadata {
  appointmentId: string;
  practiceId: string;
  kind: AppointmentKind;
  maxParticipants: number;
  /** Epoch ms. */
  validFrom: number;
  validUntil: number;
  /** True when `now` lies inside the code window. */
  withinWindow: boolean;
  locked: boolean;
  cancelled: boolean;
}

/** Result of registering a failed attempt. */
export interface AttemptState {
  failedAttempts: number;
  locked: boolean;
}

/** Input of `verifyAccessCode`. */
export const verifyAccessCodeSchema = z.strictObject({
  /** A whole code `xxx-xxx-xxx` or only its locator (first four digits). */
  code: z.string().max(64),
  /** From the link or the signaling room: then a wrong code counts against this appointment. */
  appointmentId: z.string().min(1).max(64).optional(),
  /** The role the caller expects (patient page: 'patient'); a code of the other role is "unknown". */
  role: z.enum(['doctor', 'patient']).optional(),
  /** Client address, for the per-client throttle of code-only look-ups; never stored. */
  ip: z.string().max(64).optional(),
});
/** Input of `verifyAccessCode`. */
export type VerifyAccessCodeInput = z.input<typeof verifyAccessCodeSchema>;

/** Server-side access checks, shared with the signaling server. */
export interface AccessApi {
  /**
   * Checks a typed access code or its locator. For a patient code only the locator can be checked (the rest
   * is the PAKE password); a whole doctor code is checked whole (`proof: 'code'`). Throws `NOT_FOUND`
   * ("Zugangscode unbekannt") for any code that is not a live code of the given appointment/role, also outside
   * the validity window (the answer never tells a date), `LOCKED` after too many misses (even for the right
   * code, until a new pair is issued), `RATE_LIMITED` for a client that guesses too often.
   */
  verifyAccessCode(input: VerifyAccessCodeInput): AccessGrant;
  /** Counts one failed attempt (e.g. a failed PAKE run in the signaling server); locks at the limit. */
  registerFailedAttempt(appointmentId: string): AttemptState;
  /** True while the appointment is locked by failed attempts. */
  isLocked(appointmentId: string): boolean;
  /** Current counter and lock. */
  attemptState(appointmentId: string): AttemptState;
  /** Metadata of an appointment for the signaling server (link joins), or undefined when there is none. */
  describeAppointment(appointmentId: string): AppointmentAccessMetadata | undefined;
}

/** The message for every code that does not open anything; it never says whether an appointment exists. */
export function unknownCode(): PvsKitError {
  return new PvsKitError('NOT_FOUND', 'access code unknown', { userMessage: 'Zugangscode unbekannt' });
}

function locked(appointmentId: string): PvsKitError {
  return new PvsKitError('LOCKED', 'appointment locked after too many wrong access codes', {
    userMessage:
      'Zu viele falsche Zugangscodes: Der Termin ist gesperrt. Bitte fordern Sie bei Ihrer Praxis neue Zugangscodes an.',
    details: { appointmentId },
  });
}

/** A failed look-up without an appointment id counts per client: 30 misses in 15 minutes. */
const IP_MAX_FAILURES = 30;
const IP_WINDOW_MS = 15 * 60_000;

export function createAccessApi(ctx: VideoContext): AccessApi {
  const { store } = ctx;
  const ipLimiter = createIpLimiter(IP_MAX_FAILURES, IP_WINDOW_MS);

  function row(appointmentId: string): AppointmentRow {
    const r = store.getAppointment(appointmentId);
    if (r === undefined) throw new PvsKitError('NOT_FOUND', 'appointment not found', { userMessage: 'Termin nicht gefunden.' });
    return r;
  }

  function fail(appointmentId: string): AttemptState {
    return store.transaction(() => {
      const r = row(appointmentId);
      if (r.lockedAt !== null) return { failedAttempts: r.failedAttempts, locked: true };
      const failedAttempts = r.failedAttempts + 1;
      const lockNow = failedAttempts >= ctx.maxFailedAttempts;
      store.updateAppointment({ ...r, failedAttempts, lockedAt: lockNow ? ctx.now() : null });
      writeAudit(ctx, r.practiceId, lockNow ? 'appointment.locked' : 'code.failed', { failedAttempts }, r);
      if (lockNow) ctx.logger.warn('video appointment locked after failed access codes', { appointmentId });
      return { failedAttempts, locked: lockNow };
    });
  }

  /**
   * A wrong rest of the whole doctor code: counted apart from `failedAttempts`, so a stranger who found a doctor
   * locator can at most use up the doctor code (the PVS still issues tickets), not lock the patients out.
   */
  function failDoctorCode(appointmentId: string): void {
    store.transaction(() => {
      const r = row(appointmentId);
      if (r.doctorCodeFailures >= ctx.maxFailedAttempts) return;
      const doctorCodeFailures = r.doctorCodeFailures + 1;
      store.updateAppointment({ ...r, doctorCodeFailures });
      const spent = doctorCodeFailures >= ctx.maxFailedAttempts;
      writeAudit(ctx, r.practiceId, spent ? 'doctor-code.refused' : 'doctor-code.failed', { doctorCodeFailures }, r);
      if (spent) ctx.logger.warn('video doctor code refused after wrong rests', { appointmentId });
    });
  }

  return {
    verifyAccessCode(input) {
      const v = parseWith(verifyAccessCodeSchema, input, 'access code');
      const now = ctx.now();
      if (v.ip !== undefined && ipLimiter.isBlocked(v.ip, now)) {
        throw new PvsKitError('RATE_LIMITED', 'too many wrong access codes from this client', {
          userMessage: 'Zu viele Versuche. Bitte warten Sie einige Minuten.',
        });
      }
      const target = v.appointmentId === undefined ? undefined : store.getAppointment(v.appointmentId);
      if (target !== undefined && target.lockedAt !== null) throw locked(target.id);

      const locator = normaliseLocator(v.code);
      const whole = normaliseAccessCode(v.code);
      const code = locator === null ? undefined : store.findAccessCode(locatorMac(ctx.codeKey, locator));
      const appointment = code === undefined ? undefined : store.getAppointment(code.appointmentId);
      // A whole doctor code is checked whole; a wrong rest makes it as unknown as a wrong locator.
      const proof = whole !== null && code?.role === 'doctor' ? 'code' : 'locator';
      const wholeOk = proof === 'locator' || store.findAccessCode(doctorCodeMac(ctx.codeKey, whole as string))?.appointmentId === code?.appointmentId;
      const withinWindow = appointment !== undefined && now >= appointment.validFrom && now <= appointment.validUntil;
      const matches =
        code !== undefined &&
        appointment !== undefined &&
        appointment.cancelledAt === null &&
        wholeOk &&
        (v.appointmentId === undefined || v.appointmentId === code.appointmentId) &&
        (v.role === undefined || v.role === code.role);
      if (!matches) {
        if (target !== undefined) fail(target.id);
        // The right doctor locator with a wrong rest is a guess at that appointment's doctor code: it counts
        // against the doctor code, not only against the guesser's address, or many addresses could share the
        // 20-bit rest between them. Outside the window even the right code answers "unknown", so a guess there
        // learns nothing and counting it would only let strangers spend doctor codes days ahead.
        else if (proof === 'code' && !wholeOk && code !== undefined && withinWindow) failDoctorCode(code.appointmentId);
        if (v.ip !== undefined) ipLimiter.recordFailure(v.ip, now);
        throw unknownCode();
      }
      if (!withinWindow) {
        // Exactly like an unknown code: no date, no other status, not even LOCKED (the relay would pass it on
        // to anyone).
        if (v.ip !== undefined) ipLimiter.recordFailure(v.ip, now);
        throw unknownCode();
      }
      if (appointment.lockedAt !== null) throw locked(appointment.id);
      if (proof === 'code' && appointment.doctorCodeFailures >= ctx.maxFailedAttempts) {
        // Only the holder of the right doctor code gets here, so naming the reason tells a guesser nothing.
        throw new PvsKitError('LOCKED', 'doctor code refused after too many wrong rests', {
          userMessage: 'Zu viele falsche Versuche mit dem Arztcode. Öffnen Sie den Videoraum aus Ihrem Praxisverwaltungssystem oder geben Sie neue Zugangscodes aus.',
          details: { appointmentId: appointment.id },
        });
      }
      writeAudit(ctx, appointment.practiceId, 'code.accepted', { role: code.role }, appointment);
      return {
        appointmentId: appointment.id,
        practiceId: appointment.practiceId,
        role: code.role,
        kind: appointment.kind,
        maxParticipants: appointment.maxParticipants,
        validFrom: appointment.validFrom,
        validUntil: appointment.validUntil,
        proof,
      };
    },

    registerFailedAttempt: fail,

    isLocked(appointmentId) {
      return row(appointmentId).lockedAt !== null;
    },

    attemptState(appointmentId) {
      const r = row(appointmentId);
      return { failedAttempts: r.failedAttempts, locked: r.lockedAt !== null };
    },

    describeAppointment(appointmentId) {
      const r = store.getAppointment(appointmentId);
      if (r === undefined) return undefined;
      const now = ctx.now();
      return {
        appointmentId: r.id,
        practiceId: r.practiceId,
        kind: r.kind,
        maxParticipants: r.maxParticipants,
        validFrom: r.validFrom,
        validUntil: r.validUntil,
        withinWindow: now >= r.validFrom && now <= r.validUntil,
        locked: r.lockedAt !== null,
        cancelled: r.cancelledAt !== null,
      };
    },
  };
}
