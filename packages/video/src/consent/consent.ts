import { z } from 'zod';
import { parseWith, PvsKitError } from '@pvskit/core';
import { newId } from '../base/crypto.js';
import type { PracticeSession } from '../base/session.js';
import { appointmentOf } from '../appointments/appointments.js';
import type { VideoContext } from '../base/context.js';
import type { AppointmentRow, EvidenceKind, EvidenceRow } from '../storage/port.js';
import { toAuditEntry, writeAudit, type AuditEntry } from '../base/audit.js';
import { consentTextVersion } from './texts.js';

/*
 * Evidence the practice may have to show: consent (R16), the introduction of everyone present (R18) and the
 * check of an unknown patient's eGK (R22, basis for GOP 01444). Stored as metadata only, deleted with the
 * appointment. Recorded server-side (by the join page / signaling server that already checked the code), read
 * back by the practice.
 */

export const consentSchema = z.strictObject({
  appointmentId: z.string().min(1).max(64),
  /** A version from `CONSENT_TEXTS`. */
  textVersion: z.string().min(1).max(40),
  /** How consent was given: on the join page, in writing, or orally and documented by the practice. */
  channel: z.enum(['join-page', 'written', 'verbal']),
});
/** Input of `recordConsent`. */
export type ConsentInput = z.input<typeof consentSchema>;

/** Introduction acknowledgement input. */
export const introductionSchema = z.strictObject({
  appointmentId: z.string().min(1).max(64),
  /** Persons present on both sides, all introduced (count only, no names). */
  personsPresent: z.number().int().min(2).max(50),
});
/** Input of `acknowledgeIntroduction`. */
export type IntroductionInput = z.input<typeof introductionSchema>;

/** Authentication of an unknown patient (eGK to the camera), the basis of GOP 01444. */
export const unknownPatientAuthSchema = z.strictObject({
  appointmentId: z.string().min(1).max(64),
  /** How identity was checked: eGK held to the camera (Anlage 31b). */
  method: z.enum(['egk-camera']),
  result: z.enum(['confirmed', 'failed']),
});
/** Input of `recordUnknownPatientAuthentication`. */
export type UnknownPatientAuthInput = z.input<typeof unknownPatientAuthSchema>;

/** One evidence record. */
export interface EvidenceRecord {
  kind: EvidenceKind;
  /** Epoch ms. */
  at: number;
  data: Record<string, string | number | boolean>;
}

/** Evidence of one appointment, for the practice (and its PVS). */
export interface AppointmentEvidence {
  appointmentId: string;
  consent: EvidenceRecord | null;
  introduction: EvidenceRecord | null;
  unknownPatientAuthentication: EvidenceRecord | null;
  records: EvidenceRecord[];
  audit: AuditEntry[];
}

/** Consent, introduction and unknown-patient authentication. */
export interface ConsentApi {
  recordConsent(input: ConsentInput): EvidenceRecord;
  withdrawConsent(input: { appointmentId: string; channel: 'join-page' | 'written' | 'verbal' }): EvidenceRecord;
  acknowledgeIntroduction(input: IntroductionInput): EvidenceRecord;
  recordUnknownPatientAuthentication(input: UnknownPatientAuthInput): EvidenceRecord;
  /** FORBIDDEN unless consent (not withdrawn) and the introduction are recorded; NOT_FOUND/CONFLICT otherwise. */
  assertCallMayStart(appointmentId: string): void;
  evidence(session: PracticeSession, appointmentId: string): AppointmentEvidence;
}

const toRecord = (r: EvidenceRow): EvidenceRecord => ({
  kind: r.kind,
  at: r.at,
  data: JSON.parse(r.dataJson) as EvidenceRecord['data'],
});

export function createConsentApi(ctx: VideoContext): ConsentApi {
  const { store } = ctx;

  function live(appointmentId: string): AppointmentRow {
    const row = store.getAppointment(appointmentId);
    if (row === undefined) {
      throw new PvsKitError('NOT_FOUND', 'appointment not found', { userMessage: 'Termin nicht gefunden.' });
    }
    if (row.cancelledAt !== null) {
      throw new PvsKitError('CONFLICT', 'appointment is cancelled', { userMessage: 'Der Termin wurde abgesagt.' });
    }
    return row;
  }

  function record(row: AppointmentRow, kind: EvidenceKind, data: EvidenceRecord['data']): EvidenceRecord {
    const ev: EvidenceRow = {
      id: newId(),
      practiceId: row.practiceId,
      appointmentId: row.id,
      kind,
      at: ctx.now(),
      dataJson: JSON.stringify(data),
      deleteAfter: row.deleteAfter,
    };
    store.transaction(() => {
      store.insertEvidence(ev);
      writeAudit(ctx, row.practiceId, `evidence.${kind}`, data, row);
    });
    return toRecord(ev);
  }

  /** The last record of a kind decides (a later withdrawal beats an earlier consent and vice versa). */
  function latest(rows: EvidenceRow[], kinds: EvidenceKind[]): EvidenceRow | undefined {
    return rows.filter((r) => kinds.includes(r.kind)).at(-1);
  }

  return {
    recordConsent(input) {
      const c = parseWith(consentSchema, input, 'consent');
      if (consentTextVersion(c.textVersion) === undefined) {
        throw new PvsKitError('VALIDATION', `unknown consent text version ${c.textVersion}`);
      }
      const row = live(c.appointmentId);
      // One consent per appointment: the same consent arriving again (a reload, a second knock) adds nothing.
      const current = latest(store.listEvidence(row.id), ['consent', 'consent-withdrawn']);
      if (current?.kind === 'consent') {
        const same = toRecord(current);
        if (same.data['textVersion'] === c.textVersion && same.data['channel'] === c.channel) return same;
      }
      return record(row, 'consent', { textVersion: c.textVersion, channel: c.channel });
    },

    withdrawConsent(input) {
      return record(live(input.appointmentId), 'consent-withdrawn', { channel: input.channel });
    },

    acknowledgeIntroduction(input) {
      const i = parseWith(introductionSchema, input, 'introduction');
      return record(live(i.appointmentId), 'introduction', { personsPresent: i.personsPresent });
    },

    recordUnknownPatientAuthentication(input) {
      const u = parseWith(unknownPatientAuthSchema, input, 'unknown patient authentication');
      return record(live(u.appointmentId), 'unknown-patient-auth', { method: u.method, result: u.result });
    },

    assertCallMayStart(appointmentId) {
      const rows = store.listEvidence(live(appointmentId).id);
      const consent = latest(rows, ['consent', 'consent-withdrawn']);
      const missing: string[] = [];
      if (consent?.kind !== 'consent') missing.push('consent');
      if (latest(rows, ['introduction']) === undefined) missing.push('introduction');
      if (missing.length > 0) {
        throw new PvsKitError('FORBIDDEN', `call may not start: missing ${missing.join(' and ')}`, {
          userMessage: missing.includes('consent')
            ? 'Die Videosprechstunde kann erst beginnen, wenn die Einwilligung der Patientin oder des Patienten vorliegt.'
            : 'Bitte bestätigen Sie zuerst, dass alle Anwesenden vorgestellt wurden.',
          details: { missing },
        });
      }
    },

    evidence(session, appointmentId) {
      const row = appointmentOf(ctx, session, appointmentId);
      const rows = store.listEvidence(row.id);
      const consent = latest(rows, ['consent', 'consent-withdrawn']);
      const intro = latest(rows, ['introduction']);
      const auth = latest(rows, ['unknown-patient-auth']);
      return {
        appointmentId: row.id,
        consent: consent?.kind === 'consent' ? toRecord(consent) : null,
        introduction: intro === undefined ? null : toRecord(intro),
        unknownPatientAuthentication: auth === undefined ? null : toRecord(auth),
        records: rows.map(toRecord),
        audit: store.listAudit(row.practiceId, row.id).map(toAuditEntry),
      };
    },
  };
}
