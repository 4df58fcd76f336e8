import { z } from 'zod';
import type { Logger } from '@pvskit/core';
import type { KdfParams, KdfPreset } from '../base/crypto.js';
import type { EmailTransport, SmsTransport } from '../invitations/transports.js';
import type { VideoStore } from '../storage/port.js';

/** Options of {@link createVideoService}. */
export interface VideoServiceOptions {
  /** Where records live; `openSqliteStore({ path })` is the default implementation. */
  store: VideoStore;
  /**
   * Server-side secret, at least 32 bytes (or base64url of them). Keys for code HMACs ("pepper"), for
   * remembering used short names and for the provider's billing data are derived from it. Keep it out of the
   * database: whoever has both can test codes offline.
   */
  serverSecret: Uint8Array | string;
  /** Public base URL of the join page, e.g. `https://video.example.de`; links are `${baseUrl}/j/<id>#k=…`. */
  baseUrl: string;
  /** Current time; default `() => new Date()`. */
  clock?: () => Date;
  logger?: Logger;
  /** Invitation transports: integrated e-mail (SMTP) and SMS. */
  transports?: { email?: EmailTransport; sms?: SmsTransport };
  /** Argon2id cost: a preset or explicit parameters; default `moderate` (256 MiB, 3 passes). */
  kdf?: KdfPreset | KdfParams;
  /** Days after the appointment's end until its records are deleted; 1–90, default 90 (spec R10). */
  retentionDays?: number;
  /** Code validity around the start; default 30 minutes before to 120 minutes after (at least until the end). */
  codeWindow?: { beforeMinutes: number; afterMinutes: number };
  /** Wrong codes before an appointment locks; 1–10, default 10. */
  maxFailedAttempts?: number;
  /** Sending invitations: tries per send (default 3) and the backoff before each retry. */
  retry?: { attempts?: number; baseDelayMs?: number; delay?: (ms: number) => Promise<void> };
}

export const optionsSchema = z.object({
  baseUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), { message: 'baseUrl must be http(s)' })
    .refine((u) => !u.includes('#') && !u.includes('?'), { message: 'baseUrl must not carry a query or fragment' }),
  retentionDays: z.number().int().min(1).max(90).default(90),
  codeWindow: z
    .strictObject({ beforeMinutes: z.number().int().min(0).max(24 * 60), afterMinutes: z.number().int().min(0).max(24 * 60) })
    .default({ beforeMinutes: 30, afterMinutes: 120 }),
  maxFailedAttempts: z.number().int().min(1).max(10).default(10),
  retry: z
    .object({
      attempts: z.number().int().min(1).max(10).default(3),
      baseDelayMs: z.number().int().min(0).max(600_000).default(1000),
    })
    .default({ attempts: 3, baseDelayMs: 1000 }),
});
