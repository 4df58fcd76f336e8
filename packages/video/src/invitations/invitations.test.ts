import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { createRecordingSmsTransport, createSmtpTransport, type EmailTransport } from './transports.js';
import { escapeHtml } from './texts.js';

const BOOKING = {
  patient: { firstName: 'Alice', lastName: 'Krejčová' },
  contact: { email: 'alice@example.org', phone: '+49 170 5550123' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Prof. Dr. med. Christopher von Thallemer',
};

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (random port) that keeps what it receives. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Decodes the single text part and the subject of a nodemailer message (quoted-printable / base64, UTF-8). */
function decode(raw: string): { subject: string; text: string } {
  const [head = '', ...bodyParts] = raw.split(/\r?\n\r?\n/);
  const body = bodyParts.join('\n\n');
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subjectRaw = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
  const subject = subjectRaw
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?(.*?)\?=/gi, (_m, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
  const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(unfolded)?.[1]?.trim().toLowerCase();
  let text: string;
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    text = Buffer.from(bytes, 'latin1').toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else {
    text = body;
  }
  return { subject, text: text.replace(/\r\n/g, '\n') };
}

let rig: TestRig;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  rig.dispose();
});

describe('integrated e-mail over SMTP', () => {
  it('an invitation arrives at the local SMTP server with the right German text', async () => {
    const smtp = await startSmtp();
    cleanups.push(smtp.close);
    const email = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, from: '"Praxis Winkler" <video@praxis-winkler.de>', timeoutMs: 5000 });
    cleanups.push(() => email.close());
    rig = await createTestRig({ transports: { email } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);

    const entry = await rig.service.invitations.send(session, a.id, { channel: 'email' });
    expect(entry).toMatchObject({ status: 'sent', attempts: 1, channel: 'email', recipientMasked: 'a…@example.org' });

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0] as Received;
    expect(mail.to).toEqual(['alice@example.org']);
    expect(mail.from).toBe('video@praxis-winkler.de');
    const { subject, text } = decode(mail.raw);
    expect(subject).toBe('Einladung zur Videosprechstunde am 26.11.2026 um 15:30 Uhr');
    expect(text).toContain('Guten Tag Alice Krejčová,');
    expect(text).toContain('Prof. Dr. med. Christopher von Thallemer lädt Sie zu einer Videosprechstunde ein.');
    expect(text).toContain('Termin: Donnerstag, 26.11.2026, 15:30 Uhr (Dauer etwa 45 Minuten)');
    expect(text).toContain(a.link);
    expect(text).toContain(`geben Sie Ihren Zugangscode ein: ${a.codes.patient}`);
    expect(text).toContain('von 30 Minuten vor bis 2 Stunden nach Terminbeginn');
    expect(text).toContain('Erlauben Sie den Zugriff auf Kamera und Mikrofon');
    // Only the patient's code; no doctor code, no reason, no advertising, no other links.
    expect(text).not.toContain(a.codes.doctor);
    expect(text).not.toMatch(/Diagnose|Grund|Anlass|Angebot|Werbung|Newsletter/i);
    const urls = text.match(/https?:\/\/\S+/g) ?? [];
    for (const u of urls) expect(u.startsWith('https://video.example.de')).toBe(true);
  });

  it('basis cannot send integrated e-mail or SMS but can render the manual e-mail and the print view', async () => {
    rig = await createTestRig({ transports: { sms: createRecordingSmsTransport() } });
    const { session } = await registeredPractice(rig, 'basis');
    const a = rig.service.appointments.book(session, BOOKING);
    await expect(rig.service.invitations.send(session, a.id, { channel: 'sms' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(rig.service.invitations.send(session, a.id, { channel: 'email' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const manual = rig.service.invitations.render(session, a.id, 'email');
    expect(manual.subject).toContain('26.11.2026');
    expect(manual.mailto?.startsWith('mailto:alice%40example.org?subject=')).toBe(true);
    expect(decodeURIComponent(manual.mailto ?? '')).toContain(a.codes.patient);
  });
});

describe('SMS and retries', () => {
  it('a failing provider is retried with backoff and succeeds; the outbox shows it', async () => {
    const sms = createRecordingSmsTransport({ failFirst: 2 });
    const delays: number[] = [];
    rig = await createTestRig({
      transports: { sms },
      retry: { attempts: 3, baseDelayMs: 500, delay: async (ms) => void delays.push(ms) },
    });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    const entry = await rig.service.invitations.send(session, a.id, { channel: 'sms' });
    expect(entry.status).toBe('sent');
    expect(entry.attempts).toBe(3);
    expect(delays).toEqual([500, 1000]);
    expect(sms.sent).toHaveLength(1);
    const text = sms.sent[0]?.text ?? '';
    expect(text).toContain('Videosprechstunde bei Prof. Dr. med. Christopher von Thallemer am 26.11.2026 um 15:30 Uhr');
    expect(text).toContain(a.link);
    expect(text).toContain(a.codes.patient);
    expect(sms.sent[0]?.to).toBe('+49 170 5550123');
  });

  it('a send that keeps failing is reported, recorded as failed in the outbox, and can be retried later', async () => {
    const sms = createRecordingSmsTransport({ failFirst: 5 });
    rig = await createTestRig({ transports: { sms } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    const err = await rig.service.invitations.send(session, a.id, { channel: 'sms' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PvsKitError);
    expect((err as PvsKitError).code).toBe('TRANSPORT');
    expect((err as PvsKitError).userMessage).toContain('Postausgang');
    const [failed] = rig.service.invitations.outbox(session);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, channel: 'sms', recipientMasked: '…123' });
    expect(failed?.lastError).toContain('SMS provider unavailable');
    expect(rig.logger.entries.some((e) => e.level === 'error' && e.data?.outboxId === failed?.id)).toBe(true);
    expect(rig.service.consent.evidence(session, a.id).audit.map((x) => x.event)).toContain('invitation.failed');

    const after = await rig.service.invitations.retryFailed(session);
    // Provider fails 5 times: 3 tries in the first send, then 2 more failures and a success in the retry.
    expect(after[0]).toMatchObject({ id: failed?.id, status: 'sent', attempts: 6 });
    expect(sms.sent).toHaveLength(1);
  });

  it('transport errors quoting the address are scrubbed before they are stored', async () => {
    const leaky: EmailTransport = {
      send: async (m) => {
        throw new Error(`550 <${m.to}> mailbox unavailable, call +49 170 5550123`);
      },
    };
    rig = await createTestRig({ transports: { email: leaky }, retry: { attempts: 1, delay: async () => {} } });
    const { session } = await registeredPractice(rig, 'plus');
    const a = rig.service.appointments.book(session, BOOKING);
    await expect(rig.service.invitations.send(session, a.id, { channel: 'email' })).rejects.toMatchObject({ code: 'TRANSPORT' });
    const [entry] = rig.service.invitations.outbox(session);
    expect(entry?.lastError).toBe('550 <<Adresse>> mailbox unavailable, call <Nummer>');
  });
});

describe('print view', () => {
  it('is self-contained HTML with escaped values; the patient copy omits the doctor code', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, {
      ...BOOKING,
      patient: { firstName: '<script>alert(1)</script>', lastName: 'O\'Brien & "Sohn"' },
    });
    const patientCopy = rig.service.invitations.printView(session, a.id);
    expect(patientCopy).not.toContain('<script>');
    expect(patientCopy).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(patientCopy).toContain('O&#39;Brien &amp; &quot;Sohn&quot;');
    expect(patientCopy).toContain(a.codes.patient);
    expect(patientCopy).not.toContain(a.codes.doctor);
    expect(patientCopy).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(patientCopy).not.toMatch(/src=|href=/i);
    const practiceCopy = rig.service.invitations.printView(session, a.id, 'practice');
    expect(practiceCopy).toContain(`Arzt-Zugangscode</th><td>${a.codes.doctor}`);
  });
});
