import { PvsKitError } from '@pvskit/core';
import { lengthValue, utf8 } from './bytes.js';
import type { Sodium } from './sodium.js';

/**
 * CPace (draft-irtf-cfrg-cpace) over ristretto255 with BLAKE2b-512 (libsodium generichash) as H.
 * The PAKE part of the patient's access code (after the locator) is the password; both clients derive the same key only if both hold the
 * same code, and the relay in between learns nothing it could test guesses against offline.
 */

const DSI = utf8('CPaceRistretto255');
const DSI_ISK = utf8('CPaceRistretto255_ISK');
/** Channel identifier: binds the run to this protocol and version. */
const CHANNEL_ID = utf8('pvskit/video/v1');

/** Who speaks first: the patient (initiator, share "Ya") knocks, the doctor (responder, "Yb") answers. */
export type CPaceRole = 'initiator' | 'responder';

/** Output of a finished CPace run. */
export interface CPaceResult {
  /** 32-byte session key for {@link SecureChannel}. */
  sessionKey: Uint8Array;
  /** Our key-confirmation MAC, to send. */
  ownConfirmation: Uint8Array;
  /** Verifies the peer's key-confirmation MAC in constant time. */
  verifyPeerConfirmation(mac: Uint8Array): boolean;
}

function pakeError(message: string): PvsKitError {
  return new PvsKitError('CRYPTO', `PAKE failed: ${message}`, {
    userMessage: 'Der Zugangscode passt nicht zu diesem Termin.',
    details: { reason: 'pake' },
  });
}

/** Calculates the password-dependent generator g = map_to_group(H(DSI ‖ PRS ‖ CI ‖ sid)). */
export function cpaceGenerator(sodium: Sodium, password: string, sessionId: string): Uint8Array {
  const material = lengthValue(DSI, utf8(password), CHANNEL_ID, utf8(sessionId));
  const hash = sodium.crypto_generichash(sodium.crypto_core_ristretto255_HASHBYTES, material, null);
  return sodium.crypto_core_ristretto255_from_hash(hash);
}

/** One party of a CPace run. Create, send {@link share}, then {@link finish} with the peer's share. */
export class CPaceParty {
  /** Our public share Y = y·g (32 bytes); safe to send in clear. */
  readonly share: Uint8Array;
  private readonly scalar: Uint8Array;
  private finished = false;

  constructor(
    private readonly sodium: Sodium,
    password: string,
    private readonly sessionId: string,
    private readonly role: CPaceRole,
  ) {
    const g = cpaceGenerator(sodium, password, sessionId);
    this.scalar = sodium.crypto_core_ristretto255_scalar_random();
    this.share = sodium.crypto_scalarmult_ristretto255(this.scalar, g);
  }

  /** Computes the shared keys from the peer's share; rejects invalid or identity points. */
  finish(peerShare: Uint8Array): CPaceResult {
    if (this.finished) throw pakeError('party already finished');
    this.finished = true;
    const s = this.sodium;
    if (peerShare.length !== s.crypto_core_ristretto255_BYTES || !s.crypto_core_ristretto255_is_valid_point(peerShare)) {
      throw pakeError('peer share is not a valid ristretto255 point');
    }
    let k: Uint8Array;
    try {
      // libsodium refuses (throws) when the result is the identity element.
      k = s.crypto_scalarmult_ristretto255(this.scalar, peerShare);
    } catch {
      throw pakeError('peer share yields the identity element');
    }
    s.memzero(this.scalar);
    const ya = this.role === 'initiator' ? this.share : peerShare;
    const yb = this.role === 'initiator' ? peerShare : this.share;
    const isk = s.crypto_generichash(64, lengthValue(DSI_ISK, utf8(this.sessionId), k, ya, yb), null);
    s.memzero(k);
    const transcript = lengthValue(ya, yb);
    const mac = (who: CPaceRole): Uint8Array =>
      s.crypto_generichash(32, lengthValue(utf8(`pvskit/cpace/confirm/${who}`), transcript), isk);
    const own = mac(this.role);
    const expected = mac(this.role === 'initiator' ? 'responder' : 'initiator');
    const sessionKey = s.crypto_generichash(32, utf8('pvskit/cpace/session-key'), isk);
    s.memzero(isk);
    return {
      sessionKey,
      ownConfirmation: own,
      verifyPeerConfirmation: (peerMac: Uint8Array) => peerMac.length === expected.length && s.memcmp(peerMac, expected),
    };
  }
}
