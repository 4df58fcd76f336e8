import { PvsKitError } from '@pvskit/core';
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { CPaceParty } from './cpace.js';
import { deriveSessionKey, nonceCommitment, sealedEnvelopeSchema, SecureChannel, shortAuthenticationString } from './e2e.js';
import type { Sodium } from './sodium.js';

/*
 * The handshake (v2) between a waiting patient and the doctor, over the relay:
 *   patient → doctor  open   { mode, c = H(nP), Y_a (PAKE) }
 *   doctor  → patient accept { nD, Y_b, doctor's CPace confirmation (PAKE) }
 *   patient → doctor  intro  { nP, patient's CPace confirmation (PAKE), sealed { name, consent } }
 * The base key is the link key or the CPace key; the session key binds it to both nonces. The patient commits
 * to its nonce in `open` and reveals it only in `intro`, after the doctor's answer: whoever sits in between
 * must fix its own answer before it learns the patient's nonce, so it cannot grind its values until the SAS of
 * its two sessions agree. Every step throws `PvsKitError('CRYPTO')` with a `reason` on failure.
 */

export const knockSchema = z.discriminatedUnion('k', [
  z.strictObject({ k: z.literal('open'), v: z.literal(2), mode: z.enum(['link', 'pake']), c: z.string().max(64), Y: z.string().max(64).optional() }),
  z.strictObject({ k: z.literal('accept'), nD: z.string().max(64), Y: z.string().max(64).optional(), mac: z.string().max(64).optional() }),
  z.strictObject({ k: z.literal('intro'), nP: z.string().max(64), mac: z.string().max(64).optional(), env: sealedEnvelopeSchema }),
  z.strictObject({ k: z.literal('env'), env: sealedEnvelopeSchema }),
]);
/** A message between the two ends, as the relay carries it (JSON in `body`). */
export type KnockMessage = z.infer<typeof knockSchema>;

/** What travels sealed inside the handshake's envelopes. */
export const sealedPayloadSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('intro'),
    name: z.string().min(1).max(200),
    consent: z.strictObject({ textVersion: z.string().min(1).max(40) }).optional(),
  }),
  z.strictObject({ t: z.literal('signal'), data: z.record(z.string(), z.unknown()) }),
  z.strictObject({ t: z.literal('bye') }),
]);
export type SealedPayload = z.infer<typeof sealedPayloadSchema>;
export type IntroPayload = Extract<SealedPayload, { t: 'intro' }>;

/** One side's handshake state with one peer. */
export interface HandshakeState {
  mode: 'link' | 'pake' | undefined;
  patientNonce: Uint8Array | undefined;
  /** Doctor: the patient's commitment to its nonce, and our own nonce. */
  commitment: Uint8Array | undefined;
  doctorNonce: Uint8Array | undefined;
  /** Doctor: link key or CPace key, until the patient reveals its nonce. */
  baseKey: Uint8Array | undefined;
  cpace: CPaceParty | undefined;
  /** Doctor: the patient's expected PAKE confirmation. */
  verifyPeerMac: ((mac: Uint8Array) => boolean) | undefined;
  /** Doctor: our PAKE confirmation went out; from now on every end but success is a failed try. */
  confirmationSent: boolean;
  channel: SecureChannel | undefined;
  sas: string | undefined;
}

/** The secrets a side holds: the link key and/or the PAKE part of the patient code. */
export interface HandshakeSecrets {
  linkKey: Uint8Array | undefined;
  code: string | undefined;
}

export function newHandshake(): HandshakeState {
  return {
    mode: undefined,
    patientNonce: undefined,
    commitment: undefined,
    doctorNonce: undefined,
    baseKey: undefined,
    cpace: undefined,
    verifyPeerMac: undefined,
    confirmationSent: false,
    channel: undefined,
    sas: undefined,
  };
}

export function cryptoFailure(message: string, reason: string): PvsKitError {
  return new PvsKitError('CRYPTO', message, {
    userMessage: 'Die Verbindung wurde aus Sicherheitsgründen abgebrochen.',
    details: { reason },
  });
}

export function asCrypto(error: unknown): PvsKitError {
  if (error instanceof PvsKitError) return error;
  return cryptoFailure(`Sealed payload rejected: ${String(error)}`, 'malformed');
}

const sasOf = (sodium: Sodium, sessionKey: Uint8Array, appointmentId: string): string => shortAuthenticationString(sodium, sessionKey, appointmentId);

/** Patient: the knock (link secret preferred over the code). */
export function patientOpen(sodium: Sodium, appointmentId: string, secrets: HandshakeSecrets, hs: HandshakeState): KnockMessage {
  hs.patientNonce = sodium.randombytes_buf(16);
  const open: Extract<KnockMessage, { k: 'open' }> = {
    k: 'open',
    v: 2,
    mode: secrets.linkKey !== undefined ? 'link' : 'pake',
    c: toBase64Url(nonceCommitment(sodium, appointmentId, hs.patientNonce)),
  };
  hs.mode = open.mode;
  if (open.mode === 'pake') {
    hs.cpace = new CPaceParty(sodium, secrets.code ?? '', appointmentId, 'initiator');
    open.Y = toBase64Url(hs.cpace.share);
  }
  return open;
}

/** Doctor: the answer to a knock. `pakeAllowed` false turns code guests away before any confirmation. */
export function doctorAccept(
  sodium: Sodium,
  appointmentId: string,
  msg: Extract<KnockMessage, { k: 'open' }>,
  secrets: HandshakeSecrets,
  pakeAllowed: boolean,
  hs: HandshakeState,
): KnockMessage {
  hs.mode = msg.mode;
  hs.commitment = fromBase64Url(msg.c);
  if (hs.commitment === undefined || hs.commitment.length !== 32) throw cryptoFailure('Bad nonce commitment', 'malformed');
  hs.doctorNonce = sodium.randombytes_buf(16);
  const nD = toBase64Url(hs.doctorNonce);
  if (msg.mode === 'link') {
    if (secrets.linkKey === undefined) throw cryptoFailure('Patient came by link but no link secret is configured', 'no-secret');
    hs.baseKey = secrets.linkKey;
    return { k: 'accept', nD };
  }
  const share = msg.Y === undefined ? undefined : fromBase64Url(msg.Y);
  if (secrets.code === undefined || share === undefined || !pakeAllowed) {
    throw cryptoFailure('No PAKE with code guests (no patient code, or too many failed tries)', 'no-code');
  }
  const party = new CPaceParty(sodium, secrets.code, appointmentId, 'responder');
  let result;
  try {
    result = party.finish(share);
  } catch (error) {
    throw asCrypto(error);
  }
  hs.verifyPeerMac = result.verifyPeerConfirmation;
  hs.baseKey = result.sessionKey;
  hs.confirmationSent = true;
  return { k: 'accept', nD, Y: toBase64Url(party.share), mac: toBase64Url(result.ownConfirmation) };
}

/** Patient: checks the doctor's answer (PAKE confirmation) and seals the introduction. Reason `pake` for a wrong code. */
export function patientIntro(
  sodium: Sodium,
  appointmentId: string,
  msg: Extract<KnockMessage, { k: 'accept' }>,
  secrets: HandshakeSecrets,
  intro: IntroPayload,
  hs: HandshakeState,
): KnockMessage {
  if (hs.channel !== undefined || hs.patientNonce === undefined) throw cryptoFailure('Unexpected second handshake answer', 'replayed-accept');
  const nD = fromBase64Url(msg.nD);
  if (nD === undefined || nD.length !== 16) throw cryptoFailure('Bad doctor nonce', 'malformed');
  let baseKey: Uint8Array;
  let mac: string | undefined;
  if (hs.mode === 'link') {
    baseKey = secrets.linkKey as Uint8Array;
  } else {
    const share = msg.Y === undefined ? undefined : fromBase64Url(msg.Y);
    const peerMac = msg.mac === undefined ? undefined : fromBase64Url(msg.mac);
    if (share === undefined || peerMac === undefined || hs.cpace === undefined) throw cryptoFailure('Incomplete PAKE answer', 'pake');
    let result;
    try {
      result = hs.cpace.finish(share);
    } catch (error) {
      throw asCrypto(error);
    }
    if (!result.verifyPeerConfirmation(peerMac)) {
      throw new PvsKitError('CRYPTO', 'PAKE key confirmation failed: wrong access code', {
        userMessage: 'Zugangscode unbekannt',
        details: { reason: 'pake' },
      });
    }
    baseKey = result.sessionKey;
    mac = toBase64Url(result.ownConfirmation);
  }
  const sessionKey = deriveSessionKey(sodium, baseKey, appointmentId, hs.patientNonce, nD);
  hs.channel = new SecureChannel(sodium, sessionKey, appointmentId, 'patient');
  hs.sas = sasOf(sodium, sessionKey, appointmentId);
  const message: Extract<KnockMessage, { k: 'intro' }> = { k: 'intro', nP: toBase64Url(hs.patientNonce), env: hs.channel.seal(intro) };
  if (mac !== undefined) message.mac = mac;
  return message;
}

/** Doctor: checks the patient's confirmation and nonce reveal, opens the sealed introduction. */
export function doctorVerifyIntro(sodium: Sodium, appointmentId: string, msg: Extract<KnockMessage, { k: 'intro' }>, verified: boolean, hs: HandshakeState): IntroPayload {
  if (verified || hs.baseKey === undefined || hs.commitment === undefined || hs.doctorNonce === undefined) {
    throw cryptoFailure('Introduction out of turn', 'replayed-intro');
  }
  if (hs.mode === 'pake') {
    const mac = msg.mac === undefined ? undefined : fromBase64Url(msg.mac);
    if (mac === undefined || hs.verifyPeerMac === undefined || !hs.verifyPeerMac(mac)) {
      throw cryptoFailure('PAKE key confirmation failed: the patient used another code', 'pake');
    }
  }
  const nP = fromBase64Url(msg.nP);
  const committed = nP === undefined ? undefined : nonceCommitment(sodium, appointmentId, nP);
  if (nP === undefined || nP.length !== 16 || committed === undefined || !sodium.memcmp(committed, hs.commitment)) {
    throw cryptoFailure('The revealed nonce does not match its commitment', 'commitment');
  }
  const sessionKey = deriveSessionKey(sodium, hs.baseKey, appointmentId, nP, hs.doctorNonce);
  hs.channel = new SecureChannel(sodium, sessionKey, appointmentId, 'doctor');
  let payload;
  try {
    payload = sealedPayloadSchema.parse(hs.channel.open(msg.env));
  } catch (error) {
    throw asCrypto(error);
  }
  if (payload.t !== 'intro') throw cryptoFailure('Expected the introduction first', 'protocol');
  hs.sas = sasOf(sodium, sessionKey, appointmentId);
  return payload;
}
