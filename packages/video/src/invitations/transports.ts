import nodemailer from 'nodemailer';
import { PvsKitError } from '@pvskit/core';

/** An e-mail as the service hands it to a transport. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Port for integrated e-mail (plan plus). Reject (throw) on any failure; the service retries and records it. */
export interface EmailTransport {
  send(message: EmailMessage): Promise<{ messageId?: string }>;
}

/** An SMS as the service hands it to a provider. */
export interface SmsMessage {
  /** Phone number as entered for the patient. */
  to: string;
  text: string;
}

/** Port for an SMS provider (plan plus). Reject on failure. */
export interface SmsTransport {
  send(message: SmsMessage): Promise<{ id?: string }>;
}

/** SMTP settings for {@link createSmtpTransport}. */
export interface SmtpTransportOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). With false, STARTTLS is used when offered (and required when `requireTls`). */
  secure?: boolean;
  requireTls?: boolean;
  auth?: { user: string; pass: string };
  /** Sender, e.g. `"Praxis Winkler" <video@praxis-winkler.de>`. */
  from: string;
  /** Only for tests against a local server with a self-signed certificate. */
  allowSelfSigned?: boolean;
  /** Per-connection timeout in ms; default 15,000. */
  timeoutMs?: number;
}

/** Integrated e-mail over SMTP (nodemailer). */
export function createSmtpTransport(options: SmtpTransportOptions): EmailTransport & { close(): void } {
  const timeout = options.timeoutMs ?? 15_000;
  const transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTls ?? false,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: { rejectUnauthorized: options.allowSelfSigned !== true },
  });
  return {
    async send(message) {
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html === undefined ? {} : { html: message.html }),
        });
        return { messageId: String(info.messageId) };
      } catch (cause) {
        throw new PvsKitError('TRANSPORT', `SMTP send failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
          cause,
          userMessage: 'Die E-Mail konnte nicht versendet werden.',
        });
      }
    },
    close: () => transporter.close(),
  };
}

/** A recording SMS provider for tests and the harness: keeps every message, can fail the first n sends. */
export function createRecordingSmsTransport(options: { failFirst?: number } = {}): SmsTransport & {
  readonly sent: SmsMessage[];
  readonly attempts: number;
} {
  const sent: SmsMessage[] = [];
  let attempts = 0;
  return {
    sent,
    get attempts() {
      return attempts;
    },
    async send(message) {
      attempts += 1;
      if (attempts <= (options.failFirst ?? 0)) {
        throw new PvsKitError('TRANSPORT', `SMS provider unavailable (attempt ${attempts})`);
      }
      sent.push({ ...message });
      return { id: `sms-${sent.length}` };
    },
  };
}
