import type { PvsKitError } from '@pvskit/core';
import { afterEach, describe, expect, test } from 'vitest';
import type { CallClient, Knock } from './client.js';
import { toBase64Url } from './bytes.js';
import { loadSodium, type Sodium } from './sodium.js';
import { createCallTestbed, nextEvent, startTamperingRelay, type CallTestbed, type RelayHook } from './testkit.js';

/**
 * A compromised signaling server (modelled as a relay between the clients and the real server) that drops,
 * replays, reorders, modifies or swaps envelopes must make the call fail with a CRYPTO error — never
 * connect to the wrong peer.
 */

const beds: CallTestbed[] = [];
const sodium: Sodium = await loadSodium();
const ristrettoPoint = (): Uint8Array => sodium.crypto_core_ristretto255_from_hash(sodium.randombytes_buf(64));
afterEach(async () => {
  for (const b of beds.splice(0)) await b.dispose();
});

interface Frame {
  t: string;
  body?: string;
}
const parse = (text: string): Frame => JSON.parse(text) as Frame;
const isEnvelope = (text: string): boolean => {
  const f = parse(text);
  return f.t === 'relay' && typeof f.body === 'string' && (JSON.parse(f.body) as { k: string }).k === 'env';
};

interface Outcome {
  patientError: PvsKitError | undefined;
  doctorError: PvsKitError | undefined;
  connected: string[];
}

async function callThrough(hook: RelayHook, via = 'link' as 'link' | 'pake'): Promise<Outcome> {
  const t = await createCallTestbed();
  beds.push(t);
  const relay = await startTamperingRelay(t.server.url, hook);
  t.defer(() => relay.close());
  const d = await t.doctor({ signalingUrl: relay.url });
  const p = await t.patient(via === 'link' ? { signalingUrl: relay.url, secret: t.secret } : { signalingUrl: relay.url, code: t.patientCode });
  return runUntilFailure(d, p);
}

async function runUntilFailure(d: CallClient, p: CallClient): Promise<Outcome> {
  const outcome: Outcome = { patientError: undefined, doctorError: undefined, connected: [] };
  d.on('connected', () => outcome.connected.push('doctor'));
  p.on('connected', () => outcome.connected.push('patient'));
  d.on('error', (e) => (outcome.doctorError ??= e));
  d.on('knock-failed', (e) => (outcome.doctorError ??= { code: 'CRYPTO', details: { reason: e.reason } } as unknown as PvsKitError));
  p.on('error', (e) => (outcome.patientError ??= e));
  d.on('knock', (k: Knock) => void d.admit(k.peerId).catch(() => {}));
  await d.connect();
  await p.connect();
  await expect.poll(() => outcome.patientError ?? outcome.doctorError, { timeout: 15_000 }).toBeDefined();
  return outcome;
}

const reasonOf = (o: Outcome): unknown => (o.patientError ?? o.doctorError)?.details?.reason;

describe('tampering relay is detected', () => {
  test('a modified envelope (one ciphertext character changed) fails with CRYPTO/modified', async () => {
    let done = false;
    const o = await callThrough((dir, text) => {
      if (dir === 'up' && !done && isEnvelope(text)) {
        done = true;
        const f = parse(text);
        const body = JSON.parse(f.body as string) as { env: { c: string } };
        const c = body.env.c;
        body.env.c = (c[10] === 'A' ? 'B' : 'A') + c.slice(1, 10) + (c[10] === 'A' ? 'B' : 'A') + c.slice(11);
        return [JSON.stringify({ ...f, body: JSON.stringify(body) })];
      }
      return [text];
    });
    expect((o.patientError ?? o.doctorError)?.code).toBe('CRYPTO');
    expect(reasonOf(o)).toBe('modified');
    expect(o.connected).toEqual([]);
  });

  test('a replayed envelope fails with CRYPTO/replayed', async () => {
    let done = false;
    const o = await callThrough((dir, text) => {
      if (dir === 'down' && !done && isEnvelope(text)) {
        done = true;
        return [text, text];
      }
      return [text];
    });
    expect(reasonOf(o)).toBe('replayed');
    expect(o.connected).toEqual([]);
  });

  test('reordered envelopes fail with CRYPTO/gap-or-reordered', async () => {
    let held: string | undefined;
    let done = false;
    const o = await callThrough((dir, text, conn) => {
      if (dir === 'down' && conn === 1 && !done && isEnvelope(text)) {
        if (held === undefined) {
          held = text;
          return [];
        }
        done = true;
        return [text, held];
      }
      return [text];
    });
    expect(reasonOf(o)).toBe('gap-or-reordered');
    expect(o.connected).toEqual([]);
  });

  test('a dropped envelope is noticed at the next one (CRYPTO/gap-or-reordered)', async () => {
    let dropped = false;
    const o = await callThrough((dir, text, conn) => {
      if (dir === 'down' && conn === 1 && !dropped && isEnvelope(text)) {
        dropped = true;
        return [];
      }
      return [text];
    });
    expect(reasonOf(o)).toBe('gap-or-reordered');
    expect(o.connected).toEqual([]);
  });

  /** Changes one field of the patient's first `open` on its way to the doctor. */
  const tamperOpen = (field: 'Y' | 'c', change: (value: string) => string): { hook: RelayHook; done: () => boolean } => {
    let done = false;
    const hook: RelayHook = (dir, text) => {
      const f = parse(text);
      if (dir === 'up' && !done && f.t === 'relay' && typeof f.body === 'string') {
        const body = JSON.parse(f.body) as Record<string, unknown>;
        if (body.k === 'open' && typeof body[field] === 'string') {
          done = true;
          body[field] = change(body[field]);
          return [JSON.stringify({ ...f, body: JSON.stringify(body) })];
        }
      }
      return [text];
    };
    return { hook, done: () => done };
  };

  test('a tampered PAKE share fails key confirmation and never yields a session', async () => {
    // Another valid point: the patient's share as seen by the doctor is now someone else's.
    const tamper = tamperOpen('Y', () => toBase64Url(ristrettoPoint()));
    const o = await callThrough(tamper.hook, 'pake');
    expect(tamper.done()).toBe(true);
    expect((o.patientError ?? o.doctorError)?.code).toBe('CRYPTO');
    expect(o.connected).toEqual([]);
  });

  test('a swapped nonce commitment is caught when the nonce is revealed', async () => {
    const tamper = tamperOpen('c', (c) => c.replace(/^./, (x) => (x === 'A' ? 'B' : 'A')));
    const o = await callThrough(tamper.hook);
    expect(tamper.done()).toBe(true);
    expect(reasonOf(o)).toBe('commitment');
    expect(o.connected).toEqual([]);
  });

  test('an offer from another call swapped in: the patient refuses, nobody connects to the wrong peer', async () => {
    // One relay in front of one server carries two appointments. It lets call 2 run and records its
    // doctor's first sealed message (the offer with its DTLS fingerprint), then hands that to patient 1 in
    // place of doctor 1's offer, keeping every routing field so it looks legitimate.
    const t = await createCallTestbed();
    beds.push(t);
    const second = t.access.addAppointment();
    t.access.recordConsent(second.appointmentId);
    t.access.recordIntroduction(second.appointmentId);
    let recorded: string | undefined;
    let swapped = false;
    const relay = await startTamperingRelay(t.server.url, (dir, text, conn) => {
      if (dir !== 'down' || !isEnvelope(text)) return [text];
      if (conn === 1 && recorded === undefined) recorded = parse(text).body;
      if (conn === 3 && !swapped && recorded !== undefined) {
        swapped = true;
        return [JSON.stringify({ ...parse(text), body: recorded })];
      }
      return [text];
    });
    t.defer(() => relay.close());
    const secret2 = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const d2 = await t.client({
      role: 'doctor',
      signalingUrl: relay.url,
      appointmentId: second.appointmentId,
      ticket: t.server.issueDoctorTicket(second.appointmentId),
      secret: secret2,
      mediaStream: t.camera().stream,
    });
    const p2 = await t.client({
      role: 'patient',
      signalingUrl: relay.url,
      appointmentId: second.appointmentId,
      secret: secret2,
      name: 'Bruno Zweiter',
      mediaStream: t.camera().stream,
    });
    const d1 = await t.doctor({ signalingUrl: relay.url });
    const p1 = await t.patient({ signalingUrl: relay.url, secret: t.secret });
    const connected: string[] = [];
    for (const [name, c] of [['d1', d1], ['p1', p1], ['d2', d2], ['p2', p2]] as const) {
      c.on('connected', () => connected.push(name));
    }
    const knock2 = nextEvent<Knock>(d2, 'knock', 10_000);
    await d2.connect(); // relay connection 0
    await p2.connect(); // 1
    const call2Up = nextEvent<unknown>(p2, 'connected', 15_000);
    await d2.admit((await knock2).peerId);
    await call2Up;
    expect(recorded).toBeDefined();

    const knock1 = nextEvent<Knock>(d1, 'knock', 10_000);
    const p1Error = nextEvent<PvsKitError>(p1, 'error', 15_000);
    await d1.connect(); // 2
    await p1.connect(); // 3
    await d1.admit((await knock1).peerId);
    const e1 = await p1Error;
    expect(swapped).toBe(true);
    expect(e1.code).toBe('CRYPTO');
    expect(e1.details?.reason).toBe('modified');
    expect(p1.state).toBe('failed');
    expect(connected).not.toContain('p1');
    expect(connected).not.toContain('d1');
  });
});
