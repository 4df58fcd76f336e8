import { afterEach, describe, expect, test } from 'vitest';
import { toBase64Url } from './bytes.js';
import type { CallClient } from './client.js';
import type { PakeTryLedger } from './types.js';
import { CPaceParty } from './cpace.js';
import { nonceCommitment } from './e2e.js';
import { loadSodium } from './sodium.js';
import { createCallTestbed, joinAsRawPatient, nextEvent, type CallTestbed, type RawPatient } from './testkit.js';

/**
 * Item 3 of the hostile-relay issue: the lockout counter moves once per failed PAKE handshake, counted from the
 * doctor's side. A guesser learns one guess's answer from the doctor's `accept` (its confirmation MAC); every
 * way of ending the handshake after that, other than success, must cost a try.
 */

const sodium = await loadSodium();
let bed: CallTestbed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

interface Guesser extends RawPatient {
  /** The doctor's answer: the guesser can now test its one guess offline. */
  accept: { nD: string; Y: string; mac: string };
  /** The committed nonce, for a reveal. */
  nonce: Uint8Array;
}

/** A wrong code's knock: a CPace share for a guessed PAKE part and a commitment to a fresh nonce. */
function wrongKnock(t: CallTestbed, nonce = sodium.randombytes_buf(16)): Record<string, unknown> {
  const guess = new CPaceParty(sodium, '00000', t.appointmentId, 'initiator');
  return { k: 'open', v: 2, mode: 'pake', c: toBase64Url(nonceCommitment(sodium, t.appointmentId, nonce)), Y: toBase64Url(guess.share) };
}

/** A patient socket that knocks with a wrong code and waits for the doctor's confirmation. */
async function guessUntilAccept(t: CallTestbed): Promise<Guesser> {
  const patient = await joinAsRawPatient(t);
  const nonce = sodium.randombytes_buf(16);
  patient.send(wrongKnock(t, nonce));
  await expect.poll(() => patient.messages.some((m) => m.t === 'relay'), { timeout: 5000 }).toBe(true);
  const relayed = patient.messages.find((m) => m.t === 'relay') as { body: string };
  const accept = JSON.parse(relayed.body) as Guesser['accept'] & { k: string };
  expect(accept.k).toBe('accept');
  expect(accept.mac).toBeDefined();
  return { ...patient, accept, nonce };
}

/** `times` guessers in a row, each leaving once it has the doctor's confirmation. */
async function guessAndLeave(t: CallTestbed, d: CallClient, times: number, before: () => unknown = () => {}): Promise<void> {
  for (let i = 0; i < times; i++) {
    before();
    const failed = nextEvent<unknown>(d, 'knock-failed', 10_000);
    const g = await guessUntilAccept(t);
    g.raw.close();
    await failed;
  }
}

/** A patient with `code` gets through the handshake to the doctor's waiting room. */
async function expectKnockWith(t: CallTestbed, d: CallClient, code: string): Promise<void> {
  const knock = nextEvent<unknown>(d, 'knock', 10_000);
  const p = await t.patient({ code });
  await p.connect();
  await knock;
}

/**
 * `guesses` guesses (new codes before each keep the server-side counter from locking the room) lock the
 * doctor's client; the next guesser is turned away without an accept, so it has no confirmation to test a
 * guess against.
 */
async function guessUntilLockedLocally(t: CallTestbed, d: CallClient, guesses: number): Promise<void> {
  const locked = nextEvent<void>(d, 'locked', 10_000);
  await guessAndLeave(t, d, guesses, () => t.access.reissueCodes(t.appointmentId));
  await locked;
  t.access.reissueCodes(t.appointmentId);
  const late = await joinAsRawPatient(t);
  late.send(wrongKnock(t));
  await expect.poll(() => late.messages.some((m) => m.t === 'denied'), { timeout: 5000 }).toBe(true);
  expect(late.messages.some((m) => m.t === 'relay')).toBe(false);
}

async function expectOneTryBurnt(t: CallTestbed, d: CallClient, act: (g: Guesser) => void): Promise<void> {
  const failed = nextEvent<{ reason: string }>(d, 'knock-failed', 10_000);
  const g = await guessUntilAccept(t);
  act(g);
  expect((await failed).reason).toBe('pake');
  await expect.poll(() => t.access.failures(t.appointmentId), { timeout: 5000 }).toBe(1);
}

describe('every exit after the doctor sent its PAKE confirmation, other than success, burns one try', () => {
  test('a malformed message', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) => g.raw.send(JSON.stringify({ t: 'relay', to: g.doctorId, body: '{"k":"intro"' })));
  });

  test('a second open (a "duplicate" knock in the same session)', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) => g.send({ k: 'open', v: 2, mode: 'pake', c: toBase64Url(sodium.randombytes_buf(32)), Y: g.accept.Y }));
  });

  test('an introduction with a wrong confirmation', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) =>
      g.send({ k: 'intro', nP: toBase64Url(g.nonce), mac: toBase64Url(sodium.randombytes_buf(32)), env: { v: 1, from: 'patient', seq: 0, n: 'AA', c: 'AA' } }),
    );
  });

  test('an envelope instead of the introduction', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) => g.send({ k: 'env', env: { v: 1, from: 'patient', seq: 0, n: 'AA', c: 'AA' } }));
  });

  test('leaving', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) => g.raw.close());
  });

  test('silence until the confirmation times out', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor({ pakeConfirmTimeoutMs: 300 });
    await d.connect();
    await expectOneTryBurnt(t, d, () => {});
  });

  test('the same malformed message twice still counts once', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    await expectOneTryBurnt(t, d, (g) => {
      g.raw.send(JSON.stringify({ t: 'relay', to: g.doctorId, body: 'x' }));
      g.raw.send(JSON.stringify({ t: 'relay', to: g.doctorId, body: 'x' }));
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(t.access.failures(t.appointmentId)).toBe(1);
  });
});

describe('only the genuine parties move the lockout', () => {
  test('waiting patients reporting pake-failed about themselves lock nothing', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    for (let i = 0; i < 12; i++) {
      const p = await joinAsRawPatient(t);
      const self = p.messages.find((m) => m.t === 'welcome')?.peerId;
      p.raw.send(JSON.stringify({ t: 'pake-failed', peer: self }));
      p.raw.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(t.access.failures(t.appointmentId)).toBe(0);
    await expectKnockWith(t, d, t.patientCode);
  });

  test('new codes unlock an open room at once', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor({ maxPakeFailures: 100 });
    await d.connect();
    await guessAndLeave(t, d, 10);
    await expect.poll(() => t.access.failures(t.appointmentId), { timeout: 5000 }).toBe(10);
    const refused = await t.patient({ code: t.patientCode });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'LOCKED' });
    // The room stays open (the doctor is still in it); new codes must work in it right away.
    const { patientCode } = t.access.reissueCodes(t.appointmentId);
    const d2 = await t.doctor({ code: patientCode });
    await d2.connect();
    await expectKnockWith(t, d2, patientCode);
  });

  test('a relay that swallows the reports cannot get more than maxPakeFailures confirmations out of the doctor', async () => {
    // The test server here plays a relay that never counts: the doctor client keeps its own count.
    const t = (bed = await createCallTestbed());
    const d = await t.doctor({ maxPakeFailures: 3 });
    await d.connect();
    await guessUntilLockedLocally(t, d, 3);
  });
});

describe('the doctor-side budget outlives a reload through the host\'s ledger', () => {
  /** The host's storage of spent tries, as a PVS keeps it per appointment and code pair. */
  function memoryLedger(): { spent: number; record: (n: number) => void; history: number[] } {
    const ledger = { spent: 0, history: [] as number[], record: (n: number) => { ledger.spent = n; ledger.history.push(n); } };
    return ledger;
  }

  test('a reloaded doctor client gives a relay only the tries left, not a fresh budget', async () => {
    // The relay never counts (new codes before every guess keep the server-side counter from locking).
    const t = (bed = await createCallTestbed());
    const ledger = memoryLedger();
    const d = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: ledger });
    await d.connect();
    await guessAndLeave(t, d, 2, () => t.access.reissueCodes(t.appointmentId));
    expect(ledger.spent).toBe(2);
    d.close();

    // The page is reloaded: a new client with the same ledger has one try left.
    const reloaded = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: ledger });
    await reloaded.connect();
    await guessUntilLockedLocally(t, reloaded, 1);
    expect(ledger.spent).toBe(3);
  });

  test('admitting the genuine patient gives the try back in the ledger too', async () => {
    const t = (bed = await createCallTestbed());
    const ledger = memoryLedger();
    const d = await t.doctor({ pakeTryLedger: ledger });
    await d.connect();
    const knock = nextEvent<{ peerId: string }>(d, 'knock', 10_000);
    const p = await t.patient({ code: t.patientCode });
    const joined = p.connect();
    const k = await knock;
    expect(ledger.spent).toBe(1);
    await d.admit(k.peerId);
    await joined;
    expect(ledger.history).toEqual([1, 0]);
  });

  test('an admission that does not happen gives nothing back (a refused start, a relay that never confirms)', async () => {
    // With the code leaked, a relay could otherwise draw SAS sample after sample from handshakes the doctor
    // tries to admit, each "admission" failing after the try was returned.
    const t = (bed = await createCallTestbed());
    const ledger = memoryLedger();
    const d = await t.doctor({
      pakeTryLedger: ledger,
      mayStart: () => Promise.reject(new Error('consent missing')),
    });
    await d.connect();
    const knock = nextEvent<{ peerId: string }>(d, 'knock', 10_000);
    const p = await t.patient({ code: t.patientCode });
    void p.connect().catch(() => {});
    const k = await knock;
    await expect(d.admit(k.peerId)).rejects.toThrow('consent missing');
    expect(ledger.history).toEqual([1]);
  });

  /** A practice keeping one count for all call pages of the appointment: each page reports its changes. */
  /** The practice's count shared by its call pages; `limit`: pages that ask before each confirmation (reserve). */
  function practiceLedger(limit?: number): { spent: number; page: () => PakeTryLedger } {
    const practice = {
      spent: 0,
      page(): PakeTryLedger {
        let reported = practice.spent;
        const ledger: PakeTryLedger = {
          spent: reported,
          record: (n: number) => {
            practice.spent += n - reported;
            reported = n;
          },
        };
        if (limit === undefined) return ledger;
        return {
          ...ledger,
          // Taken at once, as an atomic UPDATE … WHERE spent < limit would; the page's later report includes it.
          reserve: async () => {
            await new Promise((r) => setTimeout(r, 5));
            if (practice.spent >= limit) return false;
            practice.spent += 1;
            reported += 1;
            return true;
          },
        };
      },
    };
    return practice;
  }

  test('two call pages open at the same time share one budget when they ask the practice before each confirmation', async () => {
    const t = (bed = await createCallTestbed());
    const practice = practiceLedger(3);
    const tabA = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: practice.page() });
    const tabB = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: practice.page() });
    await tabA.connect();
    await guessUntilLockedLocally(t, tabA, 3);
    expect(practice.spent).toBe(3);
    tabA.close();
    // The relay turns to the other tab: the practice has no try left for it either.
    await tabB.connect();
    const locked = nextEvent<void>(tabB, 'locked', 10_000);
    const late = await joinAsRawPatient(t);
    late.send(wrongKnock(t));
    await expect.poll(() => late.messages.some((m) => m.t === 'denied' || m.t === 'relay'), { timeout: 5000 }).toBe(true);
    expect(late.messages.some((m) => m.t === 'relay')).toBe(false);
    await locked;
    expect(practice.spent).toBe(3);
  });

  test('near miss: pages that only report afterwards each spend their own budget (why hosts with several pages need reserve)', async () => {
    const t = (bed = await createCallTestbed());
    const practice = practiceLedger();
    const tabA = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: practice.page() });
    const tabB = await t.doctor({ maxPakeFailures: 3, pakeTryLedger: practice.page() });
    await tabA.connect();
    await guessUntilLockedLocally(t, tabA, 3);
    tabA.close();
    await tabB.connect();
    const accepted = await guessUntilAccept(t);
    expect(accepted.accept.mac).toBeDefined();
  });

  test('with reserve, admitting the genuine patient gives the try back once', async () => {
    const t = (bed = await createCallTestbed());
    const practice = practiceLedger(3);
    const d = await t.doctor({ pakeTryLedger: practice.page() });
    await d.connect();
    const knock = nextEvent<{ peerId: string }>(d, 'knock', 10_000);
    const p = await t.patient({ code: t.patientCode });
    const joined = p.connect();
    const k = await knock;
    expect(practice.spent).toBe(1);
    await d.admit(k.peerId);
    await joined;
    await expect.poll(() => practice.spent, { timeout: 5000 }).toBe(0);
  });

  test('a count the host cannot vouch for is refused, and a patient has no ledger', async () => {
    const t = (bed = await createCallTestbed());
    for (const spent of [-1, 1.5, Number.NaN]) {
      await expect(t.doctor({ pakeTryLedger: { spent, record: () => {} } })).rejects.toMatchObject({ code: 'CONFIG' });
    }
    await expect(t.patient({ code: t.patientCode, pakeTryLedger: memoryLedger() })).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('a call page that cannot reach the practice for one try is not locked', () => {
  test('the knock at hand is turned away without a confirmation; the next knock asks again and connects', async () => {
    const t = (bed = await createCallTestbed());
    let asked = 0;
    const ledger: PakeTryLedger = {
      spent: 0,
      record: () => undefined,
      // One network hiccup, then the practice answers again.
      reserve: () => (++asked === 1 ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve(true)),
    };
    const d = await t.doctor({ pakeTryLedger: ledger });
    const seen: string[] = [];
    for (const event of ['locked', 'knock-failed'] as const) d.on(event, () => seen.push(event));
    await d.connect();

    const unreachable = nextEvent<{ peerId: string; error: { code: string; userMessage: string } }>(d, 'budget-unreachable', 10_000);
    const first = await joinAsRawPatient(t);
    first.send(wrongKnock(t));
    await expect.poll(() => first.messages.some((m) => m.t === 'denied'), { timeout: 5000 }).toBe(true);
    expect(first.messages.some((m) => m.t === 'relay')).toBe(false);
    const report = await unreachable;
    expect(report.error.code).toBe('TRANSPORT');
    expect(report.error.userMessage).toMatch(/nicht erreichbar/);
    first.raw.close();

    const knock = nextEvent<{ peerId: string }>(d, 'knock', 10_000);
    const p = await t.patient({ code: t.patientCode });
    const connected = Promise.all([nextEvent<unknown>(d, 'connected', 15_000), nextEvent<unknown>(p, 'connected', 15_000)]);
    const joined = p.connect();
    const k = await knock;
    await d.admit(k.peerId);
    await joined;
    await connected;
    expect(asked).toBe(2);
    expect(seen).toEqual([]);
  });

  test('the host saying "no try left" still locks the page, also against a later grant', async () => {
    const t = (bed = await createCallTestbed());
    let asked = 0;
    let answer = false;
    const ledger: PakeTryLedger = { spent: 0, record: () => undefined, reserve: () => (asked++, Promise.resolve(answer)) };
    const d = await t.doctor({ pakeTryLedger: ledger });
    await d.connect();
    const locked = nextEvent<void>(d, 'locked', 10_000);
    const first = await joinAsRawPatient(t);
    first.send(wrongKnock(t));
    await locked;
    await expect.poll(() => first.messages.some((m) => m.t === 'denied'), { timeout: 5000 }).toBe(true);
    expect(first.messages.some((m) => m.t === 'relay')).toBe(false);
    answer = true;
    const late = await joinAsRawPatient(t);
    late.send(wrongKnock(t));
    await expect.poll(() => late.messages.some((m) => m.t === 'denied'), { timeout: 5000 }).toBe(true);
    expect(late.messages.some((m) => m.t === 'relay')).toBe(false);
    expect(asked).toBe(1);
  });
});
