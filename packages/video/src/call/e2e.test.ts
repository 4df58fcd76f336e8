import { fc, test as fcTest } from '@fast-check/vitest';
import { PvsKitError } from '@pvskit/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { CPaceParty } from './cpace.js';
import { deriveLinkKey, deriveSessionKey, nonceCommitment, SecureChannel, shortAuthenticationString, type SealedEnvelope } from './e2e.js';
import { doctorAccept, doctorVerifyIntro, newHandshake, patientIntro, patientOpen, type KnockMessage } from './handshake.js';
import { loadSodium, type Sodium } from './sodium.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const APPT = 'AbCdEfGhIjKlMnOpQrSt12';

function pair(key?: Uint8Array): { doctor: SecureChannel; patient: SecureChannel } {
  const k = key ?? sodium.randombytes_buf(32);
  return { doctor: new SecureChannel(sodium, k, APPT, 'doctor'), patient: new SecureChannel(sodium, k, APPT, 'patient') };
}

function reasonOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PvsKitError);
    expect((e as PvsKitError).code).toBe('CRYPTO');
    return (e as PvsKitError).details?.reason;
  }
  return 'accepted';
}

describe('SecureChannel', () => {
  test('opens in order, both directions', () => {
    const { doctor, patient } = pair();
    for (let i = 0; i < 5; i++) {
      expect(patient.open(doctor.seal({ i, sdp: 'v=0' }))).toEqual({ i, sdp: 'v=0' });
      expect(doctor.open(patient.seal({ i }))).toEqual({ i });
    }
  });

  test('replay, reorder, drop, reflection, wrong key and wrong appointment are refused', () => {
    const { doctor, patient } = pair();
    const e0 = doctor.seal('a');
    const e1 = doctor.seal('b');
    const e2 = doctor.seal('c');
    expect(reasonOf(() => patient.open(e1))).toBe('gap-or-reordered');
    patient.open(e0);
    expect(reasonOf(() => patient.open(e0))).toBe('replayed');
    expect(reasonOf(() => patient.open(e2))).toBe('gap-or-reordered');
    // Reflected back to its sender.
    expect(reasonOf(() => doctor.open(e1))).toBe('wrong-sender');
    // A sender field rewritten to pass the role check still fails: the direction is in the AAD.
    const shared = sodium.randombytes_buf(32);
    const own = new SecureChannel(sodium, shared, APPT, 'doctor').seal('x');
    const victim = new SecureChannel(sodium, shared, APPT, 'doctor');
    expect(reasonOf(() => victim.open({ ...own, from: 'patient' }))).toBe('modified');
    // Same key, another appointment id.
    const key = sodium.randombytes_buf(32);
    const a = new SecureChannel(sodium, key, APPT, 'doctor');
    const b = new SecureChannel(sodium, key, 'ZZZZZZZZZZZZZZZZZZZZZZ', 'patient');
    expect(reasonOf(() => b.open(a.seal('y')))).toBe('modified');
    expect(reasonOf(() => patient.open({ hello: 1 }))).toBe('malformed');
  });

  fcTest.prop([fc.nat(), fc.integer({ min: 1, max: 255 }), fc.string()])('any changed ciphertext byte is detected', (pos, xor, text) => {
    const { doctor, patient } = pair();
    const env: SealedEnvelope = doctor.seal({ text });
    const bytes = fromBase64Url(env.c) as Uint8Array;
    const i = pos % bytes.length;
    bytes[i] = (bytes[i] as number) ^ xor;
    expect(reasonOf(() => patient.open({ ...env, c: toBase64Url(bytes) }))).toBe('modified');
  });

  test('link key and session key bind appointment and both nonces', () => {
    const secret = sodium.randombytes_buf(32);
    const k1 = deriveLinkKey(sodium, secret, APPT);
    expect(k1).toEqual(deriveLinkKey(sodium, secret, APPT));
    expect(k1).not.toEqual(deriveLinkKey(sodium, secret, 'ZZZZZZZZZZZZZZZZZZZZZZ'));
    const nP = sodium.randombytes_buf(16);
    const nD = sodium.randombytes_buf(16);
    expect(deriveSessionKey(sodium, k1, APPT, nP, nD)).not.toEqual(deriveSessionKey(sodium, k1, APPT, nP, sodium.randombytes_buf(16)));
    expect(() => deriveLinkKey(sodium, new Uint8Array(16), APPT)).toThrow(PvsKitError);
  });
});

describe('CPace over ristretto255', () => {
  const run = (pwA: string, pwB: string, sidA = APPT, sidB = APPT) => {
    const a = new CPaceParty(sodium, pwA, sidA, 'initiator');
    const b = new CPaceParty(sodium, pwB, sidB, 'responder');
    const ra = a.finish(b.share);
    const rb = b.finish(a.share);
    return { ra, rb };
  };

  test('same code: same session key and both confirmations verify', () => {
    const { ra, rb } = run('c3f-e04-d96', 'c3f-e04-d96');
    expect(ra.sessionKey).toEqual(rb.sessionKey);
    expect(ra.verifyPeerConfirmation(rb.ownConfirmation)).toBe(true);
    expect(rb.verifyPeerConfirmation(ra.ownConfirmation)).toBe(true);
    // Confirmations are direction-specific: a reflected MAC does not verify.
    expect(ra.verifyPeerConfirmation(ra.ownConfirmation)).toBe(false);
  });

  test('fresh scalars give a fresh key every run', () => {
    expect(run('c3f-e04-d96', 'c3f-e04-d96').ra.sessionKey).not.toEqual(run('c3f-e04-d96', 'c3f-e04-d96').ra.sessionKey);
  });

  fcTest.prop([fc.stringMatching(/^[0-9a-f]{9}$/), fc.stringMatching(/^[0-9a-f]{9}$/)])('different codes never confirm', (x, y) => {
    fc.pre(x !== y);
    const { ra, rb } = run(x, y);
    expect(ra.verifyPeerConfirmation(rb.ownConfirmation)).toBe(false);
    expect(rb.verifyPeerConfirmation(ra.ownConfirmation)).toBe(false);
    expect(ra.sessionKey).not.toEqual(rb.sessionKey);
  });

  test('another appointment id (session id) does not confirm', () => {
    const { ra, rb } = run('c3f-e04-d96', 'c3f-e04-d96', APPT, 'ZZZZZZZZZZZZZZZZZZZZZZ');
    expect(ra.verifyPeerConfirmation(rb.ownConfirmation)).toBe(false);
  });

  test('invalid and identity points are refused', () => {
    const a = new CPaceParty(sodium, 'c3f-e04-d96', APPT, 'initiator');
    expect(() => a.finish(new Uint8Array(32))).toThrow(PvsKitError);
    const b = new CPaceParty(sodium, 'c3f-e04-d96', APPT, 'initiator');
    expect(() => b.finish(new Uint8Array(32).fill(0xff))).toThrow(/PAKE failed/);
    const c = new CPaceParty(sodium, 'c3f-e04-d96', APPT, 'initiator');
    expect(() => c.finish(new Uint8Array(31))).toThrow(PvsKitError);
  });
});

describe('short authentication string and nonce commitment', () => {
  test('same key: same SAS on both ends; another key or appointment: another SAS', () => {
    const key = sodium.randombytes_buf(32);
    const sas = shortAuthenticationString(sodium, key, APPT);
    expect(sas).toMatch(/^\d{3} \d{3}$/);
    expect(shortAuthenticationString(sodium, Uint8Array.from(key), APPT)).toBe(sas);
    const others = new Set(Array.from({ length: 50 }, () => shortAuthenticationString(sodium, sodium.randombytes_buf(32), APPT)));
    expect(others.has(sas)).toBe(false);
    expect(others.size).toBeGreaterThan(45);
  });

  test('the commitment binds nonce and appointment', () => {
    const nonce = sodium.randombytes_buf(16);
    const c = nonceCommitment(sodium, APPT, nonce);
    expect(nonceCommitment(sodium, APPT, Uint8Array.from(nonce))).toEqual(c);
    const flipped = Uint8Array.from(nonce);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(nonceCommitment(sodium, APPT, flipped)).not.toEqual(c);
    expect(nonceCommitment(sodium, `${APPT}x`, nonce)).not.toEqual(c);
  });
});

describe('handshake against a relay replaying and reflecting', () => {
  const intro = { t: 'intro' as const, name: 'Alice Krejčová' };
  type Of<K extends KnockMessage['k']> = Extract<KnockMessage, { k: K }>;

  /** One complete handshake; returns its messages. */
  function handshake(secrets: { linkKey: Uint8Array | undefined; code: string | undefined }): { open: Of<'open'>; accept: Of<'accept'>; intro: Of<'intro'> } {
    const p = newHandshake();
    const d = newHandshake();
    const open = patientOpen(sodium, APPT, secrets, p) as Of<'open'>;
    const accept = doctorAccept(sodium, APPT, open, secrets, true, d) as Of<'accept'>;
    const introMsg = patientIntro(sodium, APPT, accept, secrets, intro, p) as Of<'intro'>;
    expect(doctorVerifyIntro(sodium, APPT, introMsg, false, d)).toEqual(intro);
    expect(p.sas).toBe(d.sas);
    return { open, accept, intro: introMsg };
  }

  test("the patient's own share reflected back as the doctor's does not confirm", () => {
    const secrets = { linkKey: undefined, code: '04d96' };
    // The relay has no MAC to offer but random bytes or one of an earlier run; neither verifies.
    const old = handshake(secrets).accept.mac as string;
    for (const mac of [toBase64Url(sodium.randombytes_buf(32)), old]) {
      const p = newHandshake();
      const open = patientOpen(sodium, APPT, secrets, p) as Of<'open'>;
      const reflected: Of<'accept'> = { k: 'accept', nD: toBase64Url(sodium.randombytes_buf(16)), Y: open.Y as string, mac };
      expect(reasonOf(() => patientIntro(sodium, APPT, reflected, secrets, intro, p))).toBe('pake');
      // And the patient sent nothing it could use: its own confirmation goes out only after the doctor's verified.
      expect(p.channel).toBeUndefined();
    }
  });

  test('a whole earlier session (same room, after a reload) replayed to the doctor never opens, by code or by link', () => {
    for (const secrets of [
      { linkKey: undefined, code: '04d96' },
      { linkKey: sodium.randombytes_buf(32), code: undefined },
    ]) {
      const old = handshake(secrets);
      const d = newHandshake();
      doctorAccept(sodium, APPT, old.open, secrets, true, d);
      expect(reasonOf(() => doctorVerifyIntro(sodium, APPT, old.intro, false, d))).toBe(secrets.code !== undefined ? 'pake' : 'modified');
    }
  });

  test("an earlier doctor's answer replayed to a new patient knock never confirms (code) or seals for the relay (link)", () => {
    const secrets = { linkKey: undefined, code: '04d96' };
    const old = handshake(secrets);
    const p = newHandshake();
    patientOpen(sodium, APPT, secrets, p);
    expect(reasonOf(() => patientIntro(sodium, APPT, old.accept, secrets, intro, p))).toBe('pake');
  });
});
