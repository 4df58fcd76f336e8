import { PvsKitError } from '@pvskit/core';
import { deriveKey, fromB64, open, randomBytes, saltBytes, seal, toB64, wipe, type KdfParams } from '../base/crypto.js';
import type { WrappedKeyRecord } from '../storage/port.js';

/*
 * Key wrapping. The practice data key never changes while the practice exists; passwords only change the
 * wrap around it, so a password change or a recovery rewrites one small record and never re-encrypts data.
 * Each wrap stores its own salt and Argon2id parameters, so defaults can be raised without breaking old wraps.
 */

/** Context strings bind a wrap to its practice and owner (a wrap copied to another user does not open). */
export const wrapContext = {
  user: (practiceId: string, userId: string): string => `pvskit/wrap/v1|${practiceId}|user|${userId}`,
  master: (practiceId: string): string => `pvskit/wrap/v1|${practiceId}|master`,
};

export function wrapKey(dataKey: Uint8Array, password: string, params: KdfParams, context: string): WrappedKeyRecord {
  const salt = randomBytes(saltBytes());
  const kek = deriveKey(password, salt, params);
  try {
    return {
      v: 1,
      salt: toB64(salt),
      opsLimit: params.opsLimit,
      memLimit: params.memLimit,
      sealed: toB64(seal(kek, dataKey, context)),
    };
  } finally {
    wipe(kek);
  }
}

/** Opens a wrap; throws CRYPTO when the password (or the context) is wrong. */
export function unwrapKey(wrap: WrappedKeyRecord, password: string, context: string): Uint8Array {
  if (wrap.v !== 1) throw new PvsKitError('CRYPTO', `unknown wrap version ${String(wrap.v)}`);
  const kek = deriveKey(password, fromB64(wrap.salt), { opsLimit: wrap.opsLimit, memLimit: wrap.memLimit });
  try {
    return open(kek, fromB64(wrap.sealed), context);
  } finally {
    wipe(kek);
  }
}

/** Spends the same Argon2id work as a real unwrap, so an unknown name is not faster than a wrong password. */
export function burnDerivation(password: string, params: KdfParams): void {
  wipe(deriveKey(password, new Uint8Array(saltBytes()), params));
}
