import { PvsKitError } from '@pvskit/core';
import { z } from 'zod';
import { concatBytes, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes.js';
import type { Sodium } from './sodium.js';

/** The two sides of a consultation. Staff organise but never hold the call (R2), so there is no third role. */
export type CallRole = 'doctor' | 'patient';

/** Which way an envelope travels; bound into the AAD so a reflected envelope never opens. */
export type EnvelopeDirection = 'd2p' | 'p2d';

/** A sealed signaling message: everything the relay ever sees of SDP, ICE, names and control messages. */
export interface SealedEnvelope {
  /** Protocol version. */
  v: 1;
  /** Sender role (also bound into the AAD through the direction). */
  from: CallRole;
  /** Per-direction sequence number, starting at 0, increasing by exactly one. */
  seq: number;
  /** 24-byte XChaCha20 nonce, base64url. */
  n: string;
  /** Ciphertext with Poly1305 tag, base64url. */
  c: string;
}

/** zod schema of {@link SealedEnvelope}; anything else is rejected before decryption. */
export const sealedEnvelopeSchema = z.strictObject({
  v: z.literal(1),
  from: z.enum(['doctor', 'patient']),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  n: z.string().max(64),
  c: z.string().max(1_000_000),
});

const LABEL = 'pvskit/video/v1';

/** Why an envelope was refused; part of the error details so hosts can log it without content. */
export type EnvelopeRejection = 'malformed' | 'wrong-sender' | 'replayed' | 'gap-or-reordered' | 'modified';

function cryptoError(reason: EnvelopeRejection, message: string, details: Record<string, unknown> = {}): PvsKitError {
  return new PvsKitError('CRYPTO', `Signaling envelope rejected (${reason}): ${message}`, {
    userMessage:
      'Die Verbindung wurde aus Sicherheitsgründen abgebrochen: eine Signalisierungsnachricht war manipuliert oder fehlte. Bitte erneut verbinden.',
    details: { reason, ...details },
  });
}

/** Direction of messages sent by `from`. */
export function directionOf(from: CallRole): EnvelopeDirection {
  return from === 'doctor' ? 'd2p' : 'p2d';
}

/**
 * The base key from an invitation link secret, bound to the appointment id so a secret copied to another
 * appointment yields an unrelated key.
 */
export function deriveLinkKey(sodium: Sodium, secret: Uint8Array, appointmentId: string): Uint8Array {
  if (secret.length !== 32) {
    throw new PvsKitError('CRYPTO', 'Link secret must be 32 bytes', {
      userMessage: 'Der Einladungslink ist unvollständig.',
    });
  }
  return sodium.crypto_generichash(32, utf8(`${LABEL}/link|${appointmentId}`), secret);
}

/**
 * The per-session key: base key plus both sides' fresh nonces, so envelopes of an earlier session (same link
 * secret) can never be replayed into a new one.
 */
export function deriveSessionKey(
  sodium: Sodium,
  baseKey: Uint8Array,
  appointmentId: string,
  patientNonce: Uint8Array,
  doctorNonce: Uint8Array,
): Uint8Array {
  return sodium.crypto_generichash(
    32,
    concatBytes(utf8(`${LABEL}/session|${appointmentId}|`), patientNonce, doctorNonce),
    baseKey,
  );
}

/**
 * The patient's commitment to its handshake nonce, sent in `open`; the nonce itself follows only in `intro`,
 * after the doctor answered. A relay in between therefore fixes its answer before the patient's nonce (and so
 * the session key and SAS) is known to it, and cannot search for values that make two sessions' SAS agree.
 */
export function nonceCommitment(sodium: Sodium, appointmentId: string, patientNonce: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, concatBytes(utf8(`${LABEL}/commit|${appointmentId}|`), patientNonce), null);
}

/** Digits of the short authentication string: 10^6 values. */
export const SAS_DIGITS = 6;

/**
 * The short authentication string of a session, `123 456`: both ends derive it from the session key (which
 * covers the CPace transcript or link key and both nonces). Two sessions with someone in between have
 * independent keys, so their SAS agree with probability 10^-6 (the nonce commitment stops the middle from
 * searching for a match).
 */
export function shortAuthenticationString(sodium: Sodium, sessionKey: Uint8Array, appointmentId: string): string {
  const bytes = sodium.crypto_generichash(8, utf8(`${LABEL}/sas|${appointmentId}`), sessionKey);
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const digits = (value % 10n ** BigInt(SAS_DIGITS)).toString().padStart(SAS_DIGITS, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

function aad(appointmentId: string, direction: EnvelopeDirection, seq: number): Uint8Array {
  return utf8(`${LABEL}/env|${appointmentId}|${direction}|${seq}`);
}

/**
 * One end of an end-to-end sealed signaling session (XChaCha20-Poly1305). Strict sequencing: the receiver
 * accepts exactly the next sequence number, so a dropped, replayed or reordered envelope is an error, not a
 * silent skip — a relay that interferes breaks the call instead of steering it.
 */
export class SecureChannel {
  private sendSeq = 0;
  private recvSeq = 0;
  private readonly peerRole: CallRole;

  constructor(
    private readonly sodium: Sodium,
    private readonly key: Uint8Array,
    private readonly appointmentId: string,
    private readonly self: CallRole,
  ) {
    this.peerRole = self === 'doctor' ? 'patient' : 'doctor';
  }

  /** Seals a JSON-serialisable payload as the next envelope of this direction. */
  seal(payload: unknown): SealedEnvelope {
    const seq = this.sendSeq++;
    const nonce = this.sodium.randombytes_buf(this.sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const cipher = this.sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
      utf8(JSON.stringify(payload)),
      aad(this.appointmentId, directionOf(this.self), seq),
      null,
      nonce,
      this.key,
    );
    return { v: 1, from: this.self, seq, n: toBase64Url(nonce), c: toBase64Url(cipher) };
  }

  /** Opens the next envelope from the peer or throws `PvsKitError('CRYPTO')`. */
  open(input: unknown): unknown {
    const parsed = sealedEnvelopeSchema.safeParse(input);
    if (!parsed.success) throw cryptoError('malformed', 'not a sealed envelope');
    const env = parsed.data;
    if (env.from !== this.peerRole) {
      throw cryptoError('wrong-sender', `expected an envelope from the ${this.peerRole}`, { from: env.from });
    }
    if (env.seq < this.recvSeq) {
      throw cryptoError('replayed', `sequence ${env.seq} already seen`, { seq: env.seq, expected: this.recvSeq });
    }
    if (env.seq > this.recvSeq) {
      throw cryptoError('gap-or-reordered', `sequence ${env.seq} arrived before ${this.recvSeq}`, {
        seq: env.seq,
        expected: this.recvSeq,
      });
    }
    const nonce = fromBase64Url(env.n);
    const cipher = fromBase64Url(env.c);
    if (nonce === undefined || cipher === undefined || nonce.length !== 24) {
      throw cryptoError('malformed', 'bad encoding');
    }
    let plain: Uint8Array;
    try {
      plain = this.sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
        null,
        cipher,
        aad(this.appointmentId, directionOf(env.from), env.seq),
        nonce,
        this.key,
      );
    } catch {
      throw cryptoError('modified', 'authentication tag does not verify (modified, or sealed under another key)', {
        seq: env.seq,
      });
    }
    this.recvSeq++;
    try {
      return JSON.parse(fromUtf8(plain)) as unknown;
    } catch {
      throw cryptoError('malformed', 'payload is not JSON');
    }
  }
}
