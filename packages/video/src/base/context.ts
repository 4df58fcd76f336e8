import type { Logger } from '@pvskit/core';
import type { KdfParams } from './crypto.js';
import type { VideoStore } from '../storage/port.js';

/** What every module of the service shares. Internal: hosts see {@link VideoService} only. */
export interface VideoContext {
  store: VideoStore;
  /** Epoch milliseconds. */
  now: () => number;
  logger: Logger;
  kdf: KdfParams;
  /** HMAC key for access codes, derived from the server secret. */
  codeKey: Uint8Array;
  /** HMAC key for remembering used organisation short names. */
  nameKey: Uint8Array;
  /** Key for provider-side billing data (SEPA mandate). */
  billingKey: Uint8Array;
  baseUrl: string;
  retentionDays: number;
  codeWindow: { beforeMinutes: number; afterMinutes: number };
  maxFailedAttempts: number;
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
