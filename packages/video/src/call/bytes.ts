/** Byte helpers that work the same in browsers and Node (no Buffer). */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 encode. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 decode; throws on invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** LEB128 length prefix + bytes, as CPace's `lv_cat` prescribes, so concatenations cannot be ambiguous. */
export function lengthValue(...parts: readonly Uint8Array[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const prefix: number[] = [];
    let n = p.length;
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n > 0) byte |= 0x80;
      prefix.push(byte);
    } while (n > 0);
    chunks.push(Uint8Array.from(prefix), p);
  }
  return concatBytes(...chunks);
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Parses base64url (padding optional); returns undefined for anything else. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  const trimmed = text.replace(/=+$/, '');
  if (!B64URL.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  const binary = atob(trimmed.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
