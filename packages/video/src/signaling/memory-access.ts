import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PvsKitError } from '@pvskit/core';
import type { AccessControl, AppointmentAccessInfo, FailureOutcome, VerifiedAccessCode } from './access.js';
import { normaliseAccessCode, normaliseLocator, splitAccessCode } from '../access-code/access-code.js';

/** Options of {@link createMemoryAccessControl}. */
export interface MemoryAccessControlOptions {
  /** Pepper for the code HMACs; random if omitted. */
  secret?: Uint8Array;
  /** Wrong tries before the lock. Default 10. */
  maxFailures?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** An appointment as the in-memory access control keeps it: no names, only HMACs of the codes. */
export interface MemoryAppointmentInput {
  maxParticipants?: number;
  validFrom?: number;
  validUntil?: number;
}

/** An in-memory {@link AccessControl} plus the setters a test or demo needs. */
export interface MemoryAccessControl extends AccessControl {
  /** Creates an appointment with a fresh random id and code pair; returns the codes once. */
  addAppointment(input?: MemoryAppointmentInput): { appointmentId: string; doctorCode: string; patientCode: string };
  /** Issues a new code pair and lifts the lock. */
  reissueCodes(appointmentId: string): { doctorCode: string; patientCode: string };
  /** Records consent (R16). */
  recordConsent(appointmentId: string): void;
  /** Records the introduction acknowledgement (R18). */
  recordIntroduction(appointmentId: string): void;
  /** Failures counted so far. */
  failures(appointmentId: string): number;
}

interface Entry {
  maxParticipants: number;
  validFrom: number;
  validUntil: number;
  /** HMACs of the two locators and of the whole doctor code (nothing of the patient code's PAKE part). */
  doctorLocatorMac: Buffer;
  doctorMac: Buffer;
  patientLocatorMac: Buffer;
  failures: number;
  /** Wrong rests of the whole doctor code inside the window; refuse the doctor code at the limit. */
  doctorCodeFailures: number;
  consent: boolean;
  introduced: boolean;
}

function randomCode(): string {
  const hex = randomBytes(5).toString('hex').slice(0, 9);
  return `${hex.slice(0, 3)}-${hex.slice(3, 6)}-${hex.slice(6, 9)}`;
}

const unknownCode = (): PvsKitError =>
  new PvsKitError('AUTH', 'Unknown access code', { userMessage: 'Zugangscode unbekannt' });

/**
 * A small in-memory access control for the standalone signaling server, demos and tests. It follows the
 * same rules as the persistent implementation of the appointments module: codes only as HMAC under a
 * pepper, lock after 10 wrong tries, consent and introduction before the call.
 */
export function createMemoryAccessControl(options: MemoryAccessControlOptions = {}): MemoryAccessControl {
  const secret = options.secret ?? randomBytes(32);
  const maxFailures = options.maxFailures ?? 10;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const mac = (label: string, value: string): Buffer => createHmac('sha256', secret).update(`pvskit/code/${label}|${value}`).digest();
  const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

  const valid = (e: Entry): boolean => now() >= e.validFrom && now() <= e.validUntil;
  const get = (appointmentId: string): Entry => {
    const e = entries.get(appointmentId);
    if (e === undefined) throw new PvsKitError('NOT_FOUND', 'Unknown appointment', { userMessage: 'Termin unbekannt' });
    return e;
  };
  const newPair = (e: Entry): { doctorCode: string; patientCode: string } => {
    const taken = new Set([...entries.values()].filter((o) => o !== e).flatMap((o) => [o.doctorLocatorMac.toString('hex'), o.patientLocatorMac.toString('hex')]));
    const fresh = (): string => {
      let code = randomCode();
      while (taken.has(mac('locator', splitAccessCode(code).locator).toString('hex'))) code = randomCode();
      taken.add(mac('locator', splitAccessCode(code).locator).toString('hex'));
      return code;
    };
    let doctorCode = fresh();
    let patientCode = fresh();
    e.doctorLocatorMac = mac('locator', splitAccessCode(doctorCode).locator);
    e.doctorMac = mac('doctor', doctorCode);
    e.patientLocatorMac = mac('locator', splitAccessCode(patientCode).locator);
    e.failures = 0;
    e.doctorCodeFailures = 0;
    const pair = { doctorCode, patientCode };
    doctorCode = '';
    patientCode = '';
    return pair;
  };

  return {
    addAppointment(input = {}) {
      const appointmentId = randomBytes(16).toString('base64url');
      const e: Entry = {
        maxParticipants: input.maxParticipants ?? 2,
        validFrom: input.validFrom ?? now() - 30 * 60_000,
        validUntil: input.validUntil ?? now() + 2 * 3_600_000,
        doctorLocatorMac: Buffer.alloc(0),
        doctorMac: Buffer.alloc(0),
        patientLocatorMac: Buffer.alloc(0),
        failures: 0,
        doctorCodeFailures: 0,
        consent: false,
        introduced: false,
      };
      entries.set(appointmentId, e);
      return { appointmentId, ...newPair(e) };
    },
    reissueCodes: (appointmentId) => newPair(get(appointmentId)),
    recordConsent: (appointmentId) => {
      get(appointmentId).consent = true;
    },
    recordIntroduction: (appointmentId) => {
      get(appointmentId).introduced = true;
    },
    failures: (appointmentId) => get(appointmentId).failures,

    async describeAppointment(appointmentId): Promise<AppointmentAccessInfo | undefined> {
      const e = entries.get(appointmentId);
      if (e === undefined || !valid(e)) return undefined;
      return { maxParticipants: e.maxParticipants, locked: e.failures >= maxFailures };
    },
    async verifyAccessCode({ code }): Promise<VerifiedAccessCode> {
      const locator = normaliseLocator(code);
      if (locator === null) throw unknownCode();
      const whole = normaliseAccessCode(code);
      const given = mac('locator', locator);
      for (const [appointmentId, e] of entries) {
        for (const role of ['doctor', 'patient'] as const) {
          if (!same(role === 'doctor' ? e.doctorLocatorMac : e.patientLocatorMac, given)) continue;
          const proof = whole !== null && role === 'doctor' ? 'code' : 'locator';
          if (proof === 'code' && !same(e.doctorMac, mac('doctor', whole as string))) {
            // As in the appointments module: a wrong rest counts against the doctor code (not the patients'
            // access), so addresses cannot share the rests between them; outside the window, where even the right
            // code is unknown, it tests nothing.
            if (valid(e) && e.doctorCodeFailures < maxFailures) e.doctorCodeFailures++;
            throw unknownCode();
          }
          if (e.failures >= maxFailures) {
            throw new PvsKitError('LOCKED', 'Appointment locked after too many wrong tries', {
              userMessage: 'Zu viele Fehlversuche. Bitte fordern Sie neue Zugangscodes an.',
            });
          }
          if (!valid(e)) throw unknownCode();
          if (proof === 'code' && e.doctorCodeFailures >= maxFailures) {
            throw new PvsKitError('LOCKED', 'Doctor code refused after too many wrong rests', {
              userMessage: 'Zu viele falsche Versuche mit dem Arztcode. Bitte geben Sie neue Zugangscodes aus.',
            });
          }
          return { appointmentId, role, maxParticipants: e.maxParticipants, proof };
        }
      }
      throw unknownCode();
    },
    async registerFailure({ appointmentId }): Promise<FailureOutcome> {
      const e = entries.get(appointmentId);
      if (e === undefined) return { locked: false };
      e.failures++;
      return { locked: e.failures >= maxFailures, remaining: Math.max(0, maxFailures - e.failures) };
    },
    async assertCallMayStart(appointmentId) {
      const e = get(appointmentId);
      if (!e.consent || !e.introduced) {
        throw new PvsKitError('FORBIDDEN', 'Consent and introduction must be recorded before the call starts', {
          userMessage: 'Die Einwilligung und die Vorstellung aller Anwesenden müssen vor Beginn dokumentiert sein.',
          details: { consent: e.consent, introduced: e.introduced },
        });
      }
    },
  };
}
