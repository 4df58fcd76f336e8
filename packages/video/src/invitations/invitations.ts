import { PvsKitError } from '@pvskit/core';
import { practiceOf } from '../base/session.js';
import { fromUtf8, newId, open, seal, utf8 } from '../base/crypto.js';
import { dataKeyOf, type PracticeSession } from '../base/session.js';
import { appointmentOf, openAppointmentSecret, toAppointment, type Appointment } from '../appointments/appointments.js';
import { writeAudit } from '../base/audit.js';
import { assertPlanIncludes } from '../plans/entitlements.js';
import type { VideoContext } from '../base/context.js';
import type { OutboxChannel, OutboxRow, OutboxStatus, PracticeRow } from '../storage/port.js';
import { invitationEmail, invitationSms, printViewHtml, type InvitationFacts } from './texts.js';
import type { EmailTransport, SmsTransport } from './transports.js';

/** A rendered invitation for manual sending (basis: the practice pastes it into its own mail program). */
export interface RenderedInvitation {
  channel: OutboxChannel;
  subject?: string;
  text: string;
  /** `mailto:` link with subject and body, for the e-mail channel when the patient's address is known. */
  mailto?: string;
}

/** One entry of the outbox. Recipient shown masked; content stays sealed. */
export interface OutboxEntry {
  id: string;
  appointmentId: string;
  channel: OutboxChannel;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  recipientMasked: string;
  createdAt: number;
  updatedAt: number;
}

/** Invitations: texts, print view and sending with retries and an outbox. */
export interface InvitationsApi {
  /** Text for manual sending (e-mail: plan basis and plus; SMS text: any plan, sending it needs plus). */
  render(session: PracticeSession, appointmentId: string, channel: OutboxChannel): RenderedInvitation;
  /** Print view (HTML, escaped, self-contained). */
  printView(session: PracticeSession, appointmentId: string, audience?: 'patient' | 'practice'): string;
  /**
   * Sends through the configured transport (integrated e-mail and SMS need plan plus). Recorded in the outbox
   * first; retried with backoff; a final failure marks the entry `failed` and throws `TRANSPORT`.
   */
  send(
    session: PracticeSession,
    appointmentId: string,
    options: { channel: OutboxChannel; to?: string },
  ): Promise<OutboxEntry>;
  /** The practice's outbox, newest last. */
  outbox(session: PracticeSession): OutboxEntry[];
  /** Tries every `failed` entry again; returns the entries after the run. */
  retryFailed(session: PracticeSession): Promise<OutboxEntry[]>;
}

interface SealedMessage {
  to: string;
  subject?: string;
  text: string;
}

const outboxContext = (practiceId: string, id: string): string => `pvskit/outbox/v1|${practiceId}|${id}`;

function mask(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to.slice(0, 1)}…@${to.slice(at + 1)}`;
  return to.length <= 3 ? '…' : `…${to.slice(-3)}`;
}

/** Transport errors may quote the address or number; the stored reason must not. */
function scrub(message: string): string {
  return message
    .replace(/[^\s<>"']+@[^\s<>"']+/g, '<Adresse>')
    .replace(/\+?\d[\d /-]{5,}\d/g, '<Nummer>')
    .slice(0, 300);
}

interface PracticeProfile {
  organisation?: { name?: string };
  mainUser?: { salutation?: string; title?: string; firstName?: string; lastName?: string };
}

function practiceNames(practice: PracticeRow): { practiceName: string; mainUserName: string } {
  const profile = JSON.parse(practice.profileJson) as PracticeProfile;
  const u = profile.mainUser ?? {};
  const mainUserName = [u.title, u.firstName, u.lastName].filter((x) => x !== undefined && x !== '').join(' ');
  return { practiceName: profile.organisation?.name ?? practice.orgShortName, mainUserName };
}

export function createInvitationsApi(
  ctx: VideoContext,
  transports: { email?: EmailTransport; sms?: SmsTransport },
  retry: { attempts: number; baseDelayMs: number; delay: (ms: number) => Promise<void> },
): InvitationsApi {
  const { store } = ctx;

  function facts(session: PracticeSession, appointmentId: string): { a: Appointment; f: InvitationFacts; practice: PracticeRow; deleteAfter: number } {
    const practice = practiceOf(ctx, session);
    const row = appointmentOf(ctx, session, appointmentId);
    if (row.cancelledAt !== null) {
      throw new PvsKitError('CONFLICT', 'appointment is cancelled', { userMessage: 'Der Termin wurde abgesagt.' });
    }
    const a = toAppointment(ctx, row, openAppointmentSecret(dataKeyOf(session), row));
    const names = practiceNames(practice);
    return {
      a,
      practice,
      deleteAfter: row.deleteAfter,
      f: {
        patientName: `${a.patient.firstName} ${a.patient.lastName}`,
        physicianName: a.physicianName ?? names.mainUserName,
        practiceName: names.practiceName,
        start: a.start,
        durationMinutes: a.durationMinutes,
        link: a.link,
        joinUrl: ctx.baseUrl,
        patientCode: a.codes.patient,
        doctorCode: a.codes.doctor,
        codeWindow: ctx.codeWindow,
      },
    };
  }

  function toEntry(row: OutboxRow, key: Uint8Array): OutboxEntry {
    const msg = JSON.parse(fromUtf8(open(key, row.sealed, outboxContext(row.practiceId, row.id)))) as SealedMessage;
    return {
      id: row.id,
      appointmentId: row.appointmentId,
      channel: row.channel,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      recipientMasked: mask(msg.to),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async function deliver(row: OutboxRow, key: Uint8Array): Promise<OutboxRow> {
    const msg = JSON.parse(fromUtf8(open(key, row.sealed, outboxContext(row.practiceId, row.id)))) as SealedMessage;
    let current = row;
    for (let i = 0; i < retry.attempts; i++) {
      if (i > 0) await retry.delay(retry.baseDelayMs * 2 ** (i - 1));
      try {
        if (row.channel === 'email') {
          const t = transports.email;
          if (t === undefined) throw new PvsKitError('CONFIG', 'no e-mail transport configured');
          await t.send({ to: msg.to, subject: msg.subject ?? '', text: msg.text });
        } else {
          const t = transports.sms;
          if (t === undefined) throw new PvsKitError('CONFIG', 'no SMS transport configured');
          await t.send({ to: msg.to, text: msg.text });
        }
        current = { ...current, status: 'sent', attempts: current.attempts + 1, lastError: null, updatedAt: ctx.now() };
        store.updateOutbox(current);
        return current;
      } catch (error) {
        const reason = scrub(error instanceof Error ? error.message : String(error));
        current = { ...current, status: 'pending', attempts: current.attempts + 1, lastError: reason, updatedAt: ctx.now() };
        store.updateOutbox(current);
        ctx.logger.warn('video invitation send failed', { outboxId: row.id, channel: row.channel, attempt: i + 1, reason });
        if (error instanceof PvsKitError && error.code === 'CONFIG') break;
      }
    }
    current = { ...current, status: 'failed', updatedAt: ctx.now() };
    store.updateOutbox(current);
    return current;
  }

  async function sendRow(row: OutboxRow, key: Uint8Array, deleteAfter: number): Promise<OutboxEntry> {
    const done = await deliver(row, key);
    const appointment = { id: row.appointmentId, deleteAfter };
    if (done.status === 'sent') {
      writeAudit(ctx, row.practiceId, 'invitation.sent', { channel: row.channel, attempts: done.attempts }, appointment);
      return toEntry(done, key);
    }
    writeAudit(ctx, row.practiceId, 'invitation.failed', { channel: row.channel, attempts: done.attempts }, appointment);
    ctx.logger.error('video invitation could not be sent; kept in the outbox as failed', {
      outboxId: row.id,
      channel: row.channel,
      attempts: done.attempts,
    });
    throw new PvsKitError('TRANSPORT', `invitation not sent after ${done.attempts} attempts: ${done.lastError ?? ''}`, {
      userMessage:
        row.channel === 'email'
          ? 'Die Einladung per E-Mail konnte nicht versendet werden. Sie steht im Postausgang und kann erneut gesendet werden.'
          : 'Die Einladung per SMS konnte nicht versendet werden. Sie steht im Postausgang und kann erneut gesendet werden.',
      details: { outboxId: row.id, attempts: done.attempts, lastError: done.lastError },
    });
  }

  return {
    render(session, appointmentId, channel) {
      const { a, f } = facts(session, appointmentId);
      if (channel === 'sms') return { channel, text: invitationSms(f) };
      const mail = invitationEmail(f);
      const to = a.contact?.email;
      return {
        channel,
        subject: mail.subject,
        text: mail.text,
        ...(to === undefined
          ? {}
          : {
              mailto: `mailto:${encodeURIComponent(to)}?subject=${encodeURIComponent(mail.subject)}&body=${encodeURIComponent(mail.text)}`,
            }),
      };
    },

    printView(session, appointmentId, audience = 'patient') {
      const { f, practice } = facts(session, appointmentId);
      assertPlanIncludes(practice.plan, 'printView');
      return printViewHtml(f, audience);
    },

    async send(session, appointmentId, options) {
      const { a, f, practice, deleteAfter } = facts(session, appointmentId);
      assertPlanIncludes(practice.plan, options.channel === 'email' ? 'integratedEmail' : 'smsInvitation');
      const to = options.to ?? (options.channel === 'email' ? a.contact?.email : a.contact?.phone);
      if (to === undefined || to.trim() === '') {
        throw new PvsKitError('VALIDATION', `no ${options.channel} recipient for this appointment`, {
          userMessage:
            options.channel === 'email'
              ? 'Für diesen Termin ist keine E-Mail-Adresse hinterlegt.'
              : 'Für diesen Termin ist keine Mobilnummer hinterlegt.',
        });
      }
      const message: SealedMessage =
        options.channel === 'email' ? { to, ...invitationEmail(f) } : { to, text: invitationSms(f) };
      const key = dataKeyOf(session);
      const id = newId();
      const now = ctx.now();
      const row: OutboxRow = {
        id,
        practiceId: practice.id,
        appointmentId,
        channel: options.channel,
        status: 'pending',
        attempts: 0,
        lastError: null,
        sealed: seal(key, utf8(JSON.stringify(message)), outboxContext(practice.id, id)),
        createdAt: now,
        updatedAt: now,
        deleteAfter,
      };
      // In the outbox before the first try: a crash mid-send leaves a pending entry, never nothing.
      store.insertOutbox(row);
      return sendRow(row, key, deleteAfter);
    },

    outbox(session) {
      const practice = practiceOf(ctx, session);
      const key = dataKeyOf(session);
      return store.listOutbox(practice.id).map((r) => toEntry(r, key));
    },

    async retryFailed(session) {
      const practice = practiceOf(ctx, session);
      const key = dataKeyOf(session);
      for (const row of store.listOutbox(practice.id)) {
        if (row.status === 'sent') continue;
        const appointment = store.getAppointment(row.appointmentId);
        try {
          await sendRow(row, key, appointment?.deleteAfter ?? row.deleteAfter);
        } catch (error) {
          if (!(error instanceof PvsKitError && error.code === 'TRANSPORT')) throw error;
        }
      }
      return store.listOutbox(practice.id).map((r) => toEntry(r, key));
    },
  };
}
