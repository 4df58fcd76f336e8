import type { PvsKitError } from '@pvskit/core';
import { afterEach, describe, expect, test } from 'vitest';
import { splitAccessCode } from '../access-code/access-code.js';
import { toBase64Url } from './bytes.js';
import type { CallClient } from './client.js';
import { CPaceParty } from './cpace.js';
import { nonceCommitment } from './e2e.js';
import { doctorAccept, knockSchema, newHandshake, patientIntro, patientOpen, type HandshakeState } from './handshake.js';
import { parseFrame, startHostileRelay, type HostileRelay, type RelayedConnection } from './hostile-relay.js';
import { loadSodium } from './sodium.js';
import type { PakeTryLedger } from './types.js';
import { createCallTestbed, nextEvent, type CallTestbed } from './testkit.js';

/**
 * Attacks a hostile relay makes with messages it originates itself (no second client needed): fake waiting
 * patients knocking at the doctor, a fresh `welcome` that makes a client forget its sessions, fake doctors
 * that make a patient start handshake after handshake. Each is one cheap way around a per-try budget.
 */

const sodium = await loadSodium();
let bed: CallTestbed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

/** A hostile relay in front of the testbed's server, closed with the testbed. */
async function relayFor(t: CallTestbed): Promise<HostileRelay> {
  const r = await startHostileRelay(t.server.url);
  t.defer(() => r.close());
  return r;
}

/** A participant id of the relay's own making (the form the server uses). */
const fakeId = (i: number): string => `relayfake${String(i).padStart(4, '0')}`;

/** A knock with a guessed PAKE part: answered with a confirmation, the guesser can test its guess offline. */
function guessKnock(appointmentId: string): string {
  const guess = new CPaceParty(sodium, '00000', appointmentId, 'initiator');
  return JSON.stringify({ k: 'open', v: 2, mode: 'pake', c: toBase64Url(nonceCommitment(sodium, appointmentId, sodium.randombytes_buf(16))), Y: toBase64Url(guess.share) });
}

/** The doctor, through the relay, with every answer it sends to the relay's fake patients recorded. */
async function doctorBehindRelay(
  t: CallTestbed,
  r: HostileRelay,
  maxPakeFailures: number,
  pakeTryLedger?: PakeTryLedger,
): Promise<{ d: CallClient; conn: () => RelayedConnection; answers: Map<string, string> }> {
  let doctorConn: RelayedConnection | undefined;
  /** fake peer id → 'confirmation' (an accept with a MAC) or 'deny'. */
  const answers = new Map<string, string>();
  r.setHook((dir, text, conn) => {
    if (conn.role !== 'doctor') return [text];
    doctorConn = conn;
    const f = parseFrame(text);
    if (dir === 'up' && f.t === 'relay' && f.to?.startsWith('relayfake') === true) {
      const body = knockSchema.parse(JSON.parse(f.body ?? '{}'));
      if (body.k === 'accept' && body.mac !== undefined) answers.set(f.to, 'confirmation');
      return [];
    }
    if (dir === 'up' && (f.t === 'deny' || f.t === 'pake-failed') && f.peer?.startsWith('relayfake') === true) {
      if (!answers.has(f.peer)) answers.set(f.peer, 'deny');
      return [];
    }
    return [text];
  });
  const d = await t.doctor({ signalingUrl: r.url, maxPakeFailures, pakeConfirmTimeoutMs: 60_000, ...(pakeTryLedger === undefined ? {} : { pakeTryLedger }) });
  await d.connect();
  return { d, conn: () => doctorConn as RelayedConnection, answers };
}

/** The relay makes a waiting patient up and knocks for it with a guess. */
function fakeKnock(conn: RelayedConnection, appointmentId: string, i: number): void {
  conn.toClient(JSON.stringify({ t: 'peer-joined', peer: { peerId: fakeId(i), role: 'patient', admitted: false } }));
  conn.toClient(JSON.stringify({ t: 'relay', from: fakeId(i), body: guessKnock(appointmentId) }));
}

describe('a relay originating messages gets no more than maxPakeFailures testable confirmations from the doctor', () => {
  /** Twelve made-up guessers knock at once on a doctor allowed 3 tries: how many confirmations go out. */
  async function confirmationsForTwelveKnocks(pakeTryLedger?: PakeTryLedger): Promise<number> {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    const { conn, answers } = await doctorBehindRelay(t, r, 3, pakeTryLedger);
    for (let i = 0; i < 12; i++) fakeKnock(conn(), t.appointmentId, i);
    await expect.poll(() => answers.size, { timeout: 10_000 }).toBe(12);
    return [...answers.values()].filter((a) => a === 'confirmation').length;
  }

  test('many guessers knocking at once: confirmations still waiting for an answer count against the budget', async () => {
    expect(await confirmationsForTwelveKnocks()).toBe(3);
  });

  test('many knocks at once while the host is asked for each try: the client still stops at its own limit', async () => {
    // A host whose shared budget is larger than this client's limit (or a host that grants every try): the
    // client's own count is the bound a relay-made flood of knocks meets, as without `reserve`.
    const grantsAll: PakeTryLedger = { spent: 0, record: () => undefined, reserve: () => new Promise((ok) => setTimeout(() => ok(true), 20)) };
    expect(await confirmationsForTwelveKnocks(grantsAll)).toBe(3);
  });

  test('while the host is asked for a try: a relay that does not wait gets no confirmation', async () => {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    const answersOfHost: ((granted: boolean) => void)[] = [];
    const ledger: PakeTryLedger = {
      spent: 0,
      record: () => undefined,
      reserve: () => new Promise<boolean>((answer) => answersOfHost.push(answer)),
    };
    const { d, conn, answers } = await doctorBehindRelay(t, r, 10, ledger);
    // The relay speaks again before the doctor answered (here a made-up intro), or its patient leaves: both
    // sessions end, and the try the host grants afterwards is sent to no one.
    fakeKnock(conn(), t.appointmentId, 0);
    conn().toClient(JSON.stringify({ t: 'relay', from: fakeId(0), body: JSON.stringify({ k: 'intro', nP: 'AAAA', env: 'AAAA' }) }));
    fakeKnock(conn(), t.appointmentId, 1);
    await expect.poll(() => answersOfHost.length, { timeout: 5000 }).toBe(2);
    const left = nextEvent<{ peerId: string }>(d, 'peer-left', 5000);
    conn().toClient(JSON.stringify({ t: 'peer-left', peerId: fakeId(1), reason: 'left' }));
    expect((await left).peerId).toBe(fakeId(1));
    await expect.poll(() => answers.get(fakeId(0)), { timeout: 5000 }).toBe('deny');
    for (const grant of answersOfHost.splice(0)) grant(true);
    // The granted tries went to no one; the next knock asks the host again.
    fakeKnock(conn(), t.appointmentId, 2);
    await expect.poll(() => answersOfHost.length, { timeout: 5000 }).toBe(1);
    expect(answers.get(fakeId(0))).toBe('deny');
    expect(answers.get(fakeId(1))).toBeUndefined();
  });

  test('knock after knock while the practice is unreachable: no confirmation, no lock; then "no try left" locks', async () => {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    let asked = 0;
    let host: () => Promise<boolean> = () => Promise.reject(new TypeError('Failed to fetch'));
    const ledger: PakeTryLedger = { spent: 0, record: () => undefined, reserve: () => (asked++, host()) };
    const { d, conn, answers } = await doctorBehindRelay(t, r, 10, ledger);
    const seen: string[] = [];
    for (const event of ['locked', 'knock-failed', 'budget-unreachable'] as const) d.on(event, () => seen.push(event));
    for (let i = 0; i < 12; i++) fakeKnock(conn(), t.appointmentId, i);
    await expect.poll(() => answers.size, { timeout: 10_000 }).toBe(12);
    expect([...answers.values()].every((a) => a === 'deny')).toBe(true);
    // Each knock the page asked for was reported as such (tries still being asked for count against the
    // page's own limit, so how many got asked depends on timing).
    const askedWhileUnreachable = asked;
    expect(askedWhileUnreachable).toBeGreaterThan(0);
    expect(seen.filter((e) => e === 'budget-unreachable')).toHaveLength(askedWhileUnreachable);
    expect(seen).not.toContain('locked');

    // The practice answers again: the page was not locked, the next knock gets its try.
    host = () => Promise.resolve(true);
    fakeKnock(conn(), t.appointmentId, 12);
    await expect.poll(() => answers.get(fakeId(12)), { timeout: 10_000 }).toBe('confirmation');

    // The practice's word "no try left" locks the page, and it asks no more.
    host = () => Promise.resolve(false);
    const locked = nextEvent<void>(d, 'locked', 10_000);
    fakeKnock(conn(), t.appointmentId, 13);
    await locked;
    await expect.poll(() => answers.get(fakeId(13)), { timeout: 5000 }).toBe('deny');
    host = () => Promise.resolve(true);
    fakeKnock(conn(), t.appointmentId, 14);
    await expect.poll(() => answers.get(fakeId(14)), { timeout: 5000 }).toBe('deny');
    expect(asked).toBe(askedWhileUnreachable + 2);
  });

  test('a fresh welcome (the relay "forgot" the doctor) does not give back the tries spent before', async () => {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    const { d, conn, answers } = await doctorBehindRelay(t, r, 1);
    fakeKnock(conn(), t.appointmentId, 0);
    await expect.poll(() => answers.get(fakeId(0)), { timeout: 10_000 }).toBe('confirmation');
    // The relay tells the doctor it starts over: a new slot, nobody waiting. The doctor's sessions go.
    conn().toClient(JSON.stringify({ t: 'welcome', peerId: 'relayslot0001', role: 'doctor', admitted: true, resumed: false, resumeToken: 'x', peers: [] }));
    await expect.poll(() => d.id, { timeout: 5000 }).toBe('relayslot0001');
    fakeKnock(conn(), t.appointmentId, 1);
    await expect.poll(() => answers.get(fakeId(1)), { timeout: 10_000 }).toBe('deny');
  });
});

describe('a relay that knows the code cannot draw SAS samples from the doctor without limit', () => {
  test('fake patients that complete the handshake and leave before admission spend the tries too', async () => {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    const secrets = { linkKey: undefined, code: splitAccessCode(t.patientCode).secret };
    const fakes = new Map<string, HandshakeState>();
    let verified = 0;
    const { d, conn, answers } = await doctorBehindRelay(t, r, 3);
    const locked = nextEvent<void>(d, 'locked', 10_000);
    d.on('knock', (k) => {
      // A completed handshake: the doctor shows its SAS; the relay notes it and lets the "patient" leave.
      verified++;
      conn().toClient(JSON.stringify({ t: 'peer-left', peerId: k.peerId, reason: 'left' }));
    });
    r.setHook((dir, text, c) => {
      if (c.role !== 'doctor') return [text];
      const f = parseFrame(text);
      if (dir === 'up' && f.t === 'deny' && f.peer?.startsWith('relayfake') === true) {
        answers.set(f.peer, 'deny');
        return [];
      }
      if (dir !== 'up' || f.t !== 'relay' || f.to?.startsWith('relayfake') !== true) return [text];
      const body = knockSchema.parse(JSON.parse(f.body ?? '{}'));
      const hs = fakes.get(f.to);
      if (body.k !== 'accept' || hs === undefined) return [];
      answers.set(f.to, 'confirmation');
      const intro = patientIntro(sodium, t.appointmentId, body, secrets, { t: 'intro', name: 'Eve Mittel' }, hs);
      c.toClient(JSON.stringify({ t: 'relay', from: f.to, body: JSON.stringify(intro) }));
      return [];
    });
    for (let i = 0; i < 6; i++) {
      const hs = newHandshake();
      fakes.set(fakeId(i), hs);
      conn().toClient(JSON.stringify({ t: 'peer-joined', peer: { peerId: fakeId(i), role: 'patient', admitted: false } }));
      conn().toClient(JSON.stringify({ t: 'relay', from: fakeId(i), body: JSON.stringify(patientOpen(sodium, t.appointmentId, secrets, hs)) }));
      await expect.poll(() => answers.has(fakeId(i)), { timeout: 10_000 }).toBe(true);
    }
    expect(verified).toBe(3);
    expect([...answers.values()]).toEqual(['confirmation', 'confirmation', 'confirmation', 'deny', 'deny', 'deny']);
    // The doctor's screen learns that code guests are turned away from now on.
    await locked;
  });
});

describe('a relay cannot make a patient run handshake after handshake (SAS grinding with a leaked code)', () => {
  test('fake doctors coming and going: the patient stops after maxHandshakes', async () => {
    const t = (bed = await createCallTestbed());
    const r = await relayFor(t);
    // The worst case of the SAS claim: the relay knows the whole code and completes every handshake.
    const secrets = { linkKey: undefined, code: splitAccessCode(t.patientCode).secret };
    let patientConn: RelayedConnection | undefined;
    let intros = 0;
    let next = 0;
    const newDoctor = (): void => {
      const id = fakeId(next++);
      patientConn?.toClient(JSON.stringify({ t: 'peer-joined', peer: { peerId: id, role: 'doctor', admitted: true } }));
    };
    r.setHook((dir, text, conn) => {
      if (conn.role !== 'patient') return [text];
      patientConn = conn;
      const f = parseFrame(text);
      if (dir !== 'up' || f.t !== 'relay' || f.to?.startsWith('relayfake') !== true) return [text];
      const body = knockSchema.parse(JSON.parse(f.body ?? '{}'));
      if (body.k === 'open') {
        const accept = doctorAccept(sodium, t.appointmentId, body, secrets, true, newHandshake());
        conn.toClient(JSON.stringify({ t: 'relay', from: f.to, body: JSON.stringify(accept) }));
      } else if (body.k === 'intro') {
        // One more SAS sample for the relay; a new "doctor" makes the patient start over.
        intros++;
        newDoctor();
      }
      return [];
    });
    const p = await t.patient({ signalingUrl: r.url, code: t.patientCode, maxHandshakes: 4 });
    let error: PvsKitError | undefined;
    p.on('error', (e) => (error ??= e));
    await p.connect();
    newDoctor();
    await expect.poll(() => p.state, { timeout: 10_000 }).toBe('failed');
    expect(intros).toBe(4);
    expect(error?.code).toBe('CRYPTO');
    expect(error?.details?.reason).toBe('too-many-handshakes');
  });
});
