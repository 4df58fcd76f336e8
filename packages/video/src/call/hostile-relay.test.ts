import { randomBytes } from 'node:crypto';
import type { PvsKitError } from '@pvskit/core';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { normaliseAccessCode, splitAccessCode } from '../access-code/access-code.js';
import { createSignalingServer } from '../signaling/server.js';
import { fromBase64Url, toBase64Url } from './bytes.js';
import { redeemAccessCode, type CallAuditEvent, type CallClient, type Knock } from './client.js';
import { CPaceParty, type CPaceResult } from './cpace.js';
import { deriveSessionKey, nonceCommitment, SecureChannel, shortAuthenticationString } from './e2e.js';
import { startHostileRelay, type HostileHook, type HostileRelay, type RelayedConnection } from './hostile-relay.js';
import { loadSodium } from './sodium.js';
import { countFrames, createCallTestbed, nextEvent, type CallTestbed } from './testkit.js';

/**
 * The signaling operator is the adversary (issue "video E2E against a hostile signaling operator"). It sees
 * every `/redeem` request and every frame, and it may drop, change, replay and originate messages, run its own
 * CPace with both ends, swap SDP and DTLS fingerprints and resume old tokens. Every attack must end in a CRYPTO
 * error on both clients or in SAS values that differ; no media may flow under a key the adversary holds.
 */

const sodium = await loadSodium();
let bed: CallTestbed | undefined;
let relay: HostileRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await bed?.dispose();
  bed = undefined;
});

interface Frame {
  t: string;
  to?: string;
  from?: string;
  body?: string;
  peers?: { peerId: string; role: string }[];
  resumeToken?: string;
}
const parse = (text: string): Frame => JSON.parse(text) as Frame;
const bodyOf = (f: Frame): Record<string, unknown> => JSON.parse(f.body ?? '{}') as Record<string, unknown>;

/**
 * An adversary in the patient's connection that answers the patient as "doctor" and knocks at the doctor as
 * "patient", each with its own CPace run under `password` (its best guess from what it saw), and re-seals
 * every envelope between its two sessions, optionally swapping the DTLS fingerprint in the SDP.
 */
class CpaceInTheMiddle {
  doctorId: string | undefined;
  /** Whether the doctor's confirmation verified under our guess (an offline test of one guess). */
  doctorConfirmed: boolean | undefined;
  sasTowardsPatient: string | undefined;
  sasTowardsDoctor: string | undefined;
  /** SDPs whose DTLS fingerprint it replaced with its own. */
  fingerprintsSwapped = 0;
  private asDoctor: { result: CPaceResult; nD: Uint8Array } | undefined;
  private asPatient: CPaceParty | undefined;
  private readonly ourNonce = sodium.randombytes_buf(16);
  private towardsPatient: SecureChannel | undefined;
  private towardsDoctor: SecureChannel | undefined;
  private introFromPatient: unknown;
  private doctorResult: CPaceResult | undefined;

  constructor(
    private readonly appointmentId: string,
    /** Its password guess, asked for when the patient knocks (after `/redeem`). */
    private readonly password: () => string,
    private readonly options: { swapFingerprint?: boolean } = {},
  ) {}

  readonly hook: HostileHook = (dir, text, conn) => {
    if (conn.role !== 'patient') return [text];
    const f = parse(text);
    if (dir === 'down' && f.t === 'welcome') this.doctorId = f.peers?.find((p) => p.role === 'doctor')?.peerId;
    if (f.t !== 'relay') return [text];
    const body = bodyOf(f);
    return dir === 'up' ? this.fromPatient(body, conn) : this.fromDoctor(body, conn);
  };

  private up(conn: RelayedConnection, body: unknown): void {
    conn.toServer(JSON.stringify({ t: 'relay', to: this.doctorId, body: JSON.stringify(body) }));
  }

  private down(body: unknown): string {
    return JSON.stringify({ t: 'relay', from: this.doctorId, body: JSON.stringify(body) });
  }

  private fromPatient(body: Record<string, unknown>, conn: RelayedConnection): string[] {
    if (body.k === 'open') {
      // As "doctor" towards the patient: our own CPace answer.
      const responder = new CPaceParty(sodium, this.password(), this.appointmentId, 'responder');
      const result = responder.finish(fromBase64Url(String(body.Y)) as Uint8Array);
      this.asDoctor = { result, nD: sodium.randombytes_buf(16) };
      // As "patient" towards the doctor: our own knock.
      this.asPatient = new CPaceParty(sodium, this.password(), this.appointmentId, 'initiator');
      this.up(conn, { k: 'open', v: 2, mode: 'pake', c: toBase64Url(nonceCommitment(sodium, this.appointmentId, this.ourNonce)), Y: toBase64Url(this.asPatient.share) });
      conn.toClient(this.down({ k: 'accept', nD: toBase64Url(this.asDoctor.nD), Y: toBase64Url(responder.share), mac: toBase64Url(result.ownConfirmation) }));
      return [];
    }
    if (body.k === 'intro' && this.asDoctor !== undefined) {
      const key = deriveSessionKey(sodium, this.asDoctor.result.sessionKey, this.appointmentId, fromBase64Url(String(body.nP)) as Uint8Array, this.asDoctor.nD);
      this.sasTowardsPatient = shortAuthenticationString(sodium, key, this.appointmentId);
      this.towardsPatient = new SecureChannel(sodium, key, this.appointmentId, 'doctor');
      this.introFromPatient = this.towardsPatient.open(body.env);
      this.sendIntroToDoctor(conn);
      return [];
    }
    if (body.k === 'env' && this.towardsPatient !== undefined && this.towardsDoctor !== undefined) {
      this.up(conn, { k: 'env', env: this.towardsDoctor.seal(this.tamper(this.towardsPatient.open(body.env))) });
      return [];
    }
    return [];
  }

  private fromDoctor(body: Record<string, unknown>, conn: RelayedConnection): string[] {
    if (body.k === 'accept' && this.asPatient !== undefined) {
      this.doctorResult = this.asPatient.finish(fromBase64Url(String(body.Y)) as Uint8Array);
      this.doctorConfirmed = this.doctorResult.verifyPeerConfirmation(fromBase64Url(String(body.mac)) as Uint8Array);
      const key = deriveSessionKey(sodium, this.doctorResult.sessionKey, this.appointmentId, this.ourNonce, fromBase64Url(String(body.nD)) as Uint8Array);
      this.sasTowardsDoctor = shortAuthenticationString(sodium, key, this.appointmentId);
      this.towardsDoctor = new SecureChannel(sodium, key, this.appointmentId, 'patient');
      this.sendIntroToDoctor(conn);
      return [];
    }
    if (body.k === 'env' && this.towardsPatient !== undefined && this.towardsDoctor !== undefined) {
      return [this.down({ k: 'env', env: this.towardsPatient.seal(this.tamper(this.towardsDoctor.open(body.env))) })];
    }
    return [];
  }

  private sendIntroToDoctor(conn: RelayedConnection): void {
    if (this.introFromPatient === undefined || this.towardsDoctor === undefined || this.doctorResult === undefined) return;
    this.up(conn, {
      k: 'intro',
      nP: toBase64Url(this.ourNonce),
      mac: toBase64Url(this.doctorResult.ownConfirmation),
      env: this.towardsDoctor.seal(this.introFromPatient),
    });
  }

  /** To hold the media keys itself the middle must put its own DTLS fingerprint into the SDP. */
  private tamper(payload: unknown): unknown {
    const p = payload as { t: string; data?: { sdp?: string } };
    if (this.options.swapFingerprint !== true || p.t !== 'signal' || typeof p.data?.sdp !== 'string') return payload;
    const fake = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    this.fingerprintsSwapped++;
    return { ...p, data: { ...p.data, sdp: p.data.sdp.replace(/a=fingerprint:sha-256 [0-9A-F:]+/g, `a=fingerprint:sha-256 ${fake}`) } };
  }
}

/**
 * The adversary's best PAKE guess from what it saw at `/redeem`: a whole code's PAKE part if a client ever sent
 * one (the old protocol did), else the locator padded to the PAKE part's length.
 */
function bestGuessFrom(redeemed: string[]): string {
  const seen = JSON.parse(redeemed[0] ?? '{}') as { code?: string; locator?: string };
  const whole = seen.code === undefined ? null : normaliseAccessCode(seen.code);
  return whole !== null ? splitAccessCode(whole).secret : `${seen.locator ?? ''}0`.padEnd(5, '0');
}

interface Ends {
  d: CallClient;
  p: CallClient;
  knocks: Knock[];
  doctorAudit: CallAuditEvent[];
  patientError: PvsKitError | undefined;
  doctorError: PvsKitError | undefined;
  connected: string[];
  patientSas: string | undefined;
}

/** Doctor and a code patient, both through the hostile relay; the patient redeems its code there first. */
async function codeCallThroughRelay(t: CallTestbed, r: HostileRelay, admit = false): Promise<Ends> {
  const redeemed = await redeemAccessCode({ signalingUrl: r.url, code: t.patientCode });
  const d = await t.doctor({ signalingUrl: r.url, secret: undefined as never });
  const p = await t.patient({ signalingUrl: r.url, code: t.patientCode, appointmentId: redeemed.appointmentId });
  const ends: Ends = { d, p, knocks: [], doctorAudit: [], patientError: undefined, doctorError: undefined, connected: [], patientSas: undefined };
  d.on('knock', (k) => {
    ends.knocks.push(k);
    if (admit) void d.admit(k.peerId).catch(() => {});
  });
  d.on('audit', (e) => ends.doctorAudit.push(e));
  d.on('error', (e) => (ends.doctorError ??= e));
  p.on('error', (e) => (ends.patientError ??= e));
  p.on('sas', (e) => (ends.patientSas = e.sas));
  d.on('connected', () => ends.connected.push('doctor'));
  p.on('connected', () => ends.connected.push('patient'));
  await d.connect();
  await p.connect();
  return ends;
}

describe('a hostile signaling operator (real signaling server, real WebRTC)', () => {
  test('it learns only the locator at /redeem, and its own CPace with both ends ends in CRYPTO errors on both', async () => {
    const t = (bed = await createCallTestbed());
    const r = (relay = await startHostileRelay(t.server.url));
    const { locator, secret } = splitAccessCode(t.patientCode);
    const mitm = new CpaceInTheMiddle(t.appointmentId, () => bestGuessFrom(r.redeemed));
    r.setHook(mitm.hook);
    const ends = await codeCallThroughRelay(t, r);
    await expect.poll(() => ends.patientError, { timeout: 15_000 }).toBeDefined();
    expect(ends.patientError?.code).toBe('CRYPTO');
    expect(ends.patientError?.details?.reason).toBe('pake');
    // The doctor's side: the knock failed as a crypto failure and cost one try; nobody was let in.
    await expect.poll(() => ends.doctorAudit.some((e) => e.type === 'crypto-failure' && e.reason === 'pake'), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => t.access.failures(t.appointmentId), { timeout: 5000 }).toBe(1);
    expect(mitm.doctorConfirmed).toBe(false);
    expect(ends.knocks).toEqual([]);
    expect(ends.connected).toEqual([]);
    // What it saw: the locator at /redeem, never the PAKE part (in no request and no frame).
    expect(r.redeemed.map((b) => JSON.parse(b) as unknown)).toEqual([{ locator }]);
    for (const seen of [...r.redeemed, ...r.frames]) expect(seen).not.toContain(secret);
  });

  test('even with the whole code leaked (what the old /redeem handed over), both SAS differ and a fingerprint swap carries no media', { timeout: 90_000 }, async () => {
    const t = (bed = await createCallTestbed());
    const r = (relay = await startHostileRelay(t.server.url));
    const mitm = new CpaceInTheMiddle(t.appointmentId, () => splitAccessCode(t.patientCode).secret, { swapFingerprint: true });
    r.setHook(mitm.hook);
    const ends = await codeCallThroughRelay(t, r, true);
    // Both handshakes complete: the adversary holds both session keys …
    await expect.poll(() => ends.knocks.length, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => ends.patientSas, { timeout: 15_000 }).toBeDefined();
    expect(mitm.doctorConfirmed).toBe(true);
    // … but the two screens show different SAS (the nonce commitment keeps it from searching for a match).
    const doctorSas = (ends.knocks[0] as Knock).sas;
    expect(ends.patientSas).toBe(mitm.sasTowardsPatient);
    expect(doctorSas).toBe(mitm.sasTowardsDoctor);
    expect(ends.patientSas).not.toBe(doctorSas);
    expect(ends.d.sas((ends.knocks[0] as Knock).peerId)).toBe(doctorSas);
    expect(ends.p.sas()).toBe(ends.patientSas);
    // To hold the media keys it swaps the DTLS fingerprints: DTLS then fails, no media flows.
    // Offer and answer both went through with its fingerprints: DTLS cannot complete with either real end.
    await expect.poll(() => mitm.fingerprintsSwapped, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    // It fails (at once on an idle machine; under load it may only time out later): either way, never connects.
    await Promise.race([
      expect.poll(() => ends.patientError ?? ends.doctorError, { timeout: 10_000 }).toBeDefined(),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]).catch(() => {});
    const failure = ends.patientError ?? ends.doctorError;
    if (failure !== undefined) expect(failure.message).toMatch(/WebRTC: Connection failed/);
    expect(ends.connected).toEqual([]);
  });

  test('with the code leaked and the fingerprints left alone, media flows directly between the real ends (DTLS keys not the adversary\'s)', async () => {
    const t = (bed = await createCallTestbed());
    const r = (relay = await startHostileRelay(t.server.url));
    const mitm = new CpaceInTheMiddle(t.appointmentId, () => splitAccessCode(t.patientCode).secret);
    r.setHook(mitm.hook);
    const ends = await codeCallThroughRelay(t, r, true);
    await expect.poll(() => ends.connected.length, { timeout: 30_000 }).toBe(2);
    expect(ends.patientSas).not.toBe((ends.knocks[0] as Knock).sas);
  });

  test('without interference the SAS agree and media flows (control)', async () => {
    const t = (bed = await createCallTestbed());
    const r = (relay = await startHostileRelay(t.server.url));
    const ends = await codeCallThroughRelay(t, r);
    const track = nextEvent<MediaStreamTrack>(ends.p, 'track', 15_000);
    await expect.poll(() => ends.knocks.length, { timeout: 15_000 }).toBe(1);
    expect((ends.knocks[0] as Knock).sas).toBe(ends.patientSas);
    await ends.d.admit((ends.knocks[0] as Knock).peerId);
    const frames = countFrames(await track);
    t.defer(() => frames.stop());
    await frames.waitFor(5, 15_000);
  });

  test('a handshake replayed from another room fails its nonce commitment (CRYPTO), the doctor never sees a knock', async () => {
    const t = (bed = await createCallTestbed());
    const other = t.access.addAppointment();
    const r = (relay = await startHostileRelay(t.server.url));
    // It records a patient's knock in this room and plays it to the doctor of another room.
    const recorded: Record<string, unknown>[] = [];
    r.setHook((dir, text, conn) => {
      const f = parse(text);
      if (dir === 'up' && conn.role === 'patient' && f.t === 'relay') recorded.push(bodyOf(f));
      return [text];
    });
    const d1 = await t.doctor({ signalingUrl: r.url });
    const p1 = await t.patient({ signalingUrl: r.url, secret: t.secret });
    const k1 = nextEvent<Knock>(d1, 'knock', 10_000);
    await d1.connect();
    await p1.connect();
    await k1;
    const d2 = await t.client({ role: 'doctor', appointmentId: other.appointmentId, ticket: t.server.issueDoctorTicket(other.appointmentId), secret: t.secret });
    const knocks: Knock[] = [];
    d2.on('knock', (k) => knocks.push(k));
    await d2.connect();
    const failed = nextEvent<{ reason: string }>(d2, 'knock-failed', 10_000);
    const raw = new WebSocket(t.server.url);
    t.defer(() => raw.terminate());
    const messages: Frame[] = [];
    raw.on('message', (data) => messages.push(JSON.parse(String(data)) as Frame));
    await new Promise((res) => raw.once('open', res));
    raw.send(JSON.stringify({ t: 'hello', appointmentId: other.appointmentId, role: 'patient' }));
    await expect.poll(() => messages.length, { timeout: 5000 }).toBeGreaterThan(0);
    const doctor2 = messages[0]?.peers?.[0]?.peerId;
    const replay = (k: string): void => {
      const body = recorded.find((b) => b.k === k);
      raw.send(JSON.stringify({ t: 'relay', to: doctor2, body: JSON.stringify(body) }));
    };
    replay('open');
    await expect.poll(() => messages.some((m) => m.t === 'relay'), { timeout: 5000 }).toBe(true);
    replay('intro');
    expect((await failed).reason).toBe('commitment');
    expect(knocks).toEqual([]);
  });

  test('old resume tokens: after leaving they are refused; where the server forgot the slot they only reach the waiting room', async () => {
    const secret = randomBytes(32);
    const t = (bed = await createCallTestbed({ server: { secret } }));
    const r = (relay = await startHostileRelay(t.server.url));
    const tokens: string[] = [];
    r.setHook((dir, text, conn) => {
      const f = parse(text);
      if (dir === 'down' && conn.role === 'patient' && f.t === 'admitted' && f.resumeToken !== undefined) tokens.push(f.resumeToken);
      return [text];
    });
    const d = await t.doctor({ signalingUrl: r.url, reconnectDelayMs: 50 });
    const p = await t.patient({ signalingUrl: r.url, secret: t.secret });
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await d.connect();
    await p.connect();
    const connected = nextEvent<unknown>(p, 'connected', 15_000);
    await d.admit((await knock).peerId);
    await connected;
    const token = tokens.at(-1) as string;

    const helloWith = async (url: string): Promise<Frame> => {
      const raw = new WebSocket(url);
      t.defer(() => raw.terminate());
      const first = new Promise<Frame>((res) => raw.once('message', (data) => res(JSON.parse(String(data)) as Frame)));
      await new Promise((res) => raw.once('open', res));
      raw.send(JSON.stringify({ t: 'hello', appointmentId: t.appointmentId, role: 'patient', resume: token }));
      return first;
    };

    // The server forgets every slot (restart with the same secret): the old token no longer admits.
    const { port } = t.server;
    await t.server.close();
    const restarted = await createSignalingServer({ port, host: '127.0.0.1', access: t.access, secret });
    t.defer(() => restarted.close());
    p.close();
    const welcome = await helloWith(t.server.url);
    expect(welcome).toMatchObject({ t: 'welcome', resumed: true, admitted: false });
    const state = JSON.parse(restarted.dumpState()) as { participants: { admitted: boolean; role: string }[] }[];
    expect(state[0]?.participants.filter((x) => x.role === 'patient').map((x) => x.admitted)).toEqual([false]);

    // After a clean leave the same token is refused outright.
    const raw = await helloWith(t.server.url);
    expect(raw.t).toBe('welcome');
    const leaver = new WebSocket(t.server.url);
    t.defer(() => leaver.terminate());
    await new Promise((res) => leaver.once('open', res));
    leaver.send(JSON.stringify({ t: 'hello', appointmentId: t.appointmentId, role: 'patient', resume: token }));
    await new Promise((res) => leaver.once('message', res));
    leaver.send(JSON.stringify({ t: 'leave' }));
    await new Promise((res) => leaver.once('close', res));
    const refused = await helloWith(t.server.url);
    expect(refused).toMatchObject({ t: 'error', code: 'CONFLICT', fatal: true });
  });
});
