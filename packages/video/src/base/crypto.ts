import sodium from 'libsodium-wrappers-sumo';
import { PvsKitError } from '@pvskit/core';

/*
 * The only module that talks to libsodium directly. Everything else gets bytes in and bytes out, so the
 * primitives (and their parameters) are chosen in one place. libsodium is loaded lazily by whoever imports
 * @pvskit/video; core and billing never import this package.
 */

/** Resolves once libsodium's WebAssembly is ready; every crypto call below needs it. */
export async function cryptoReady(): Promise<void> {
  await sodium.ready;
}

/** Argon2id cost parameters, as libsodium's `crypto_pwhash` takes them. */
export interface KdfParams {
  /** Number of passes (t). */
  opsLimit: number;
  /** Memory in bytes (m). */
  memLimit: number;
}

/** Named Argon2id cost presets. `moderate` is the default (see the issue note for measured times). */
export type KdfPreset = 'interactive' | 'moderate' | 'sensitive';

/** The libsodium values behind a preset; libsodium must be ready (see `cryptoReady`). */
export function kdfPreset(preset: KdfPreset): KdfParams {
  switch (preset) {
    case 'interactive':
      return { opsLimit: sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE, memLimit: sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE };
    case 'moderate':
      return { opsLimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE, memLimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE };
    case 'sensitive':
      return { opsLimit: sodium.crypto_pwhash_OPSLIMIT_SENSITIVE, memLimit: sodium.crypto_pwhash_MEMLIMIT_SENSITIVE };
  }
}

/** Rejects parameters below libsodium's own minimum for Argon2id. */
export function checkKdfParams(params: KdfParams): KdfParams {
  if (
    !Number.isInteger(params.opsLimit) ||
    !Number.isInteger(params.memLimit) ||
    params.opsLimit < sodium.crypto_pwhash_OPSLIMIT_MIN ||
    params.memLimit < sodium.crypto_pwhash_MEMLIMIT_MIN
  ) {
    throw new PvsKitError('CONFIG', 'Argon2id parameters below the libsodium minimum', { details: { ...params } });
  }
  return params;
}

export const KEY_BYTES = 32;

export function randomBytes(length: number): Uint8Array {
  return sodium.randombytes_buf(length);
}

/** A uniformly random integer in [0, upperBound). */
export function randomInt(upperBound: number): number {
  return sodium.randombytes_uniform(upperBound);
}

export function toB64(bytes: Uint8Array): string {
  return sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);
}

export function fromB64(text: string): Uint8Array {
  try {
    return sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
  } catch (cause) {
    throw new PvsKitError('CRYPTO', 'value is not base64url', { cause });
  }
}

export function toHex(bytes: Uint8Array): string {
  return sodium.to_hex(bytes);
}

export function utf8(text: string): Uint8Array {
  return sodium.from_string(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return sodium.to_string(bytes);
}

/** Constant-time equality of two byte strings of the same length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium.memcmp(a, b);
}

export function wipe(bytes: Uint8Array): void {
  sodium.memzero(bytes);
}

/** Argon2id (v1.3) of `password` into a 32-byte key. */
export function deriveKey(password: string, salt: Uint8Array, params: KdfParams): Uint8Array {
  return sodium.crypto_pwhash(
    KEY_BYTES,
    utf8(password),
    salt,
    params.opsLimit,
    params.memLimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

export function saltBytes(): number {
  return sodium.crypto_pwhash_SALTBYTES;
}

/**
 * XChaCha20-Poly1305 (IETF AEAD) with a random 24-byte nonce, returned as nonce‖ciphertext. `context` is
 * authenticated but not stored: it binds a ciphertext to its row (practice, record id, purpose), so a
 * ciphertext copied into another row does not decrypt.
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, context: string): Uint8Array {
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, utf8(context), null, nonce, key);
  const out = new Uint8Array(nonce.length + ct.length);
  out.set(nonce, 0);
  out.set(ct, nonce.length);
  return out;
}

/** Inverse of {@link seal}; throws CRYPTO on a wrong key, wrong context or tampered bytes. */
export function open(key: Uint8Array, sealed: Uint8Array, context: string): Uint8Array {
  const n = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(n),
      utf8(context),
      sealed.subarray(0, n),
      key,
    );
  } catch (cause) {
    throw new PvsKitError('CRYPTO', 'decryption failed (wrong key, context or tampered data)', { cause });
  }
}

/** An X25519 key pair for a device. */
export interface DeviceKeyPair {
  /** base64url, 32 bytes; shared with the service when the device asks for approval. */
  publicKey: string;
  /** base64url, 32 bytes; never leaves the device. */
  secretKey: string;
}

export function generateBoxKeyPair(): DeviceKeyPair {
  const kp = sodium.crypto_box_keypair();
  return { publicKey: toB64(kp.publicKey), secretKey: toB64(kp.privateKey) };
}

export function boxPublicKeyBytes(): number {
  return sodium.crypto_box_PUBLICKEYBYTES;
}

/** Anonymous sealed box (X25519 + XSalsa20-Poly1305) to a device's public key. */
export function sealTo(publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sodium.crypto_box_seal(plaintext, publicKey);
}

export function openSealed(sealed: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  try {
    return sodium.crypto_box_seal_open(sealed, publicKey, secretKey);
  } catch (cause) {
    throw new PvsKitError('CRYPTO', 'sealed box does not open with this device key', { cause });
  }
}

export function hmacSha256(key: Uint8Array, message: string): Uint8Array {
  return sodium.crypto_auth_hmacsha256(utf8(message), key);
}

/** A 32-byte subkey of `masterKey` for one purpose (BLAKE2b-based crypto_kdf). */
export function subkey(masterKey: Uint8Array, id: number, context8: string): Uint8Array {
  return sodium.crypto_kdf_derive_from_key(KEY_BYTES, id, context8, masterKey);
}

export function genericHash(bytes: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, bytes, null);
}

/** A random 128-bit identifier, base64url (22 characters). Never derived from anything. */
export function newId(): string {
  return toB64(randomBytes(16));
}
