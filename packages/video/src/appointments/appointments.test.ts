import { splitAccessCode } from '../access-code/access-code.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { createTestRig, registeredPractice, wrongDoctorCodeRests, type TestRig } from '../service/testing.js';

// 26.11.2026 15:30 in Berlin (CET) is 14:30 UTC.
const START_UTC = '2026-11-26T14:30:00Z';
const BOOKING = {
  patient: { firstName: 'Alice', lastName: 'Krejčová' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Prof. Dr. med. Christopher von Thallemer',
};

function error(fn: () => unknown): PvsKitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PvsKitError) return e;
    throw e;
  }
  throw new Error('expected a PvsKitError');
}

let rig: TestRig;
afterEach(() => rig.dispose());

async function setup(plan: 'basis' | 'plus' = 'basis') {
  rig = await createTestRig();
  const p = await registeredPractice(rig, plan);
  rig.clock.set(START_UTC);
  return p;
}

describe('booking', () => {
  it('issues two distinct codes xxx-xxx-xxx, a random id, a fragment link and the default window', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    expect(a.codes.doctor).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
    expect(a.codes.patient).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
    expect(a.codes.doctor).not.toBe(a.codes.patient);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.id).not.toContain(a.codes.patient.replace(/-/g, ''));
    expect(a.link).toBe(`https://video.example.de/j/${a.id}#k=${a.linkSecret}`);
    expect(a.linkSecret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes
    expect(a.validFrom).toBe('2026-11-26T14:00:00.000Z');
    expect(a.validUntil).toBe('2026-11-26T16:30:00.000Z');
    expect(a.maxParticipants).toBe(2);
    // Deletion ≤ 90 days after the appointment's end (15:30 + 45 min Berlin = 15:15 UTC).
    expect(a.deleteAfter).toBe('2027-02-24T15:15:00.000Z');
    const b = rig.service.appointments.book(session, BOOKING);
    expect(new Set([a.codes.doctor, a.codes.patient, b.codes.doctor, b.codes.patient]).size).toBe(4);
  });

  it('summer-time slots convert with the CEST offset', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, { ...BOOKING, slot: { start: '2026-07-01T09:00', durationMinutes: 15 } });
    expect(a.validFrom).toBe('2026-07-01T06:30:00.000Z');
  });

  it('conferences need plan plus and allow up to 9 participants; standard allows exactly 2', async () => {
    const basis = await setup('basis');
    const e = error(() => rig.service.appointments.book(basis.session, { ...BOOKING, kind: 'conference', participants: 5 }));
    expect(e.code).toBe('FORBIDDEN');
    expect(error(() => rig.service.appointments.book(basis.session, { ...BOOKING, participants: 3 })).code).toBe('VALIDATION');
    rig.dispose();
    const plus = await setup('plus');
    expect(rig.service.appointments.book(plus.session, { ...BOOKING, kind: 'conference', participants: 5 }).maxParticipants).toBe(5);
    expect(rig.service.appointments.book(plus.session, { ...BOOKING, kind: 'conference' }).maxParticipants).toBe(9);
    expect(error(() => rig.service.appointments.book(plus.session, { ...BOOKING, kind: 'conference', participants: 10 })).code).toBe(
      'VALIDATION',
    );
  });
});

describe('access codes', () => {
  it('accept the right code with its role, case and blanks forgiven', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const grant = rig.service.verifyAccessCode({ code: a.codes.patient.toUpperCase().replace(/-/g, ' ') });
    expect(grant).toMatchObject({ appointmentId: a.id, role: 'patient', maxParticipants: 2, kind: 'standard' });
    expect(rig.service.verifyAccessCode({ code: a.codes.doctor, appointmentId: a.id }).role).toBe('doctor');
  });

  it('an unknown code says "Zugangscode unbekannt", the same whether or not the appointment exists', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const wrong = a.codes.patient === '000-000-000' ? '000-000-001' : '000-000-000';
    const errs = [
      error(() => rig.service.verifyAccessCode({ code: wrong })),
      error(() => rig.service.verifyAccessCode({ code: wrong, appointmentId: a.id })),
      error(() => rig.service.verifyAccessCode({ code: wrong, appointmentId: 'AAAAAAAAAAAAAAAAAAAAAA' })),
      error(() => rig.service.verifyAccessCode({ code: 'kein code' })),
      // The doctor's code typed on the patient page is not a patient code.
      error(() => rig.service.verifyAccessCode({ code: a.codes.doctor, role: 'patient' })),
    ];
    for (const e of errs) {
      expect(e.code).toBe('NOT_FOUND');
      expect(e.userMessage).toBe('Zugangscode unbekannt');
      expect(e.message).toBe(errs[0]?.message);
      expect(e.details).toBeUndefined();
    }
  });

  it('a code of another appointment is unknown for this one', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const b = rig.service.appointments.book(session, BOOKING);
    expect(error(() => rig.service.verifyAccessCode({ code: b.codes.patient, appointmentId: a.id })).code).toBe('NOT_FOUND');
    expect(rig.service.access.attemptState(a.id)).toEqual({ failedAttempts: 1, locked: false });
  });

  it('after 10 wrong tries the 11th is refused even with the right code, until a new pair is issued', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const wrong = (i: number): string => `${(0xabc000000 + i).toString(16).slice(0, 3)}-${(0xabc000000 + i).toString(16).slice(3, 6)}-${(0xabc000000 + i).toString(16).slice(6, 9)}`;
    for (let i = 0; i < 10; i++) {
      const code = wrong(i);
      if (code === a.codes.patient || code === a.codes.doctor) continue;
      expect(error(() => rig.service.verifyAccessCode({ code, appointmentId: a.id })).code).toBe('NOT_FOUND');
    }
    expect(rig.service.isLocked(a.id)).toBe(true);
    const eleventh = error(() => rig.service.verifyAccessCode({ code: a.codes.patient, appointmentId: a.id }));
    expect(eleventh.code).toBe('LOCKED');
    // Also by code alone (no appointment id) the lock holds.
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.patient })).code).toBe('LOCKED');
    expect(rig.service.appointments.get(session, a.id).status).toBe('locked');

    const renewed = rig.service.appointments.issueNewCodes(session, a.id);
    expect(renewed.status).toBe('active');
    expect(renewed.codes.patient).not.toBe(a.codes.patient);
    expect([a.codeGeneration, renewed.codeGeneration]).toEqual([1, 2]);
    expect(rig.service.appointments.get(session, a.id).codeGeneration).toBe(2);
    expect(renewed.link).toBe(a.link);
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.patient })).code).toBe('NOT_FOUND');
    expect(rig.service.verifyAccessCode({ code: renewed.codes.patient, appointmentId: a.id }).role).toBe('patient');
  });

  it('the signaling server shares the counter through registerFailedAttempt (e.g. a failed PAKE)', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    for (let i = 1; i <= 9; i++) expect(rig.service.registerFailedAttempt(a.id)).toEqual({ failedAttempts: i, locked: false });
    expect(rig.service.registerFailedAttempt(a.id)).toEqual({ failedAttempts: 10, locked: true });
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.doctor, appointmentId: a.id })).code).toBe('LOCKED');
  });

  it('outside the window (30 min before to 2 h after the start) a code answers exactly like an unknown code', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const unknown = error(() => rig.service.verifyAccessCode({ code: '000-000-000' }));
    rig.clock.set('2026-11-26T13:59:59Z');
    const early = error(() => rig.service.verifyAccessCode({ code: a.codes.patient }));
    expect({ code: early.code, message: early.message, userMessage: early.userMessage, details: early.details }).toEqual({
      code: unknown.code,
      message: unknown.message,
      userMessage: unknown.userMessage,
      details: unknown.details,
    });
    rig.clock.set('2026-11-26T14:00:00Z');
    expect(rig.service.verifyAccessCode({ code: a.codes.patient }).appointmentId).toBe(a.id);
    rig.clock.set('2026-11-26T16:30:00Z');
    expect(rig.service.verifyAccessCode({ code: a.codes.patient }).appointmentId).toBe(a.id);
    rig.clock.set('2026-11-26T16:30:01Z');
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.doctor })).userMessage).toBe('Zugangscode unbekannt');
    // Out-of-window checks do not count as wrong tries on the appointment.
    expect(rig.service.access.attemptState(a.id).failedAttempts).toBe(0);
  });

  it('a locked appointment outside its window answers like an unknown code too (not LOCKED)', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    for (let i = 0; i < 10; i++) rig.service.registerFailedAttempt(a.id);
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.patient })).code).toBe('LOCKED');
    const unknown = error(() => rig.service.verifyAccessCode({ code: '000-000-000' }));
    for (const at of ['2026-11-26T13:59:59Z', '2026-11-26T16:30:01Z']) {
      rig.clock.set(at);
      const outside = error(() => rig.service.verifyAccessCode({ code: a.codes.patient }));
      expect({ code: outside.code, message: outside.message, userMessage: outside.userMessage }).toEqual({
        code: unknown.code,
        message: unknown.message,
        userMessage: unknown.userMessage,
      });
    }
  });

  it('a patient code is found by its locator alone; a whole doctor code is checked whole', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const patient = splitAccessCode(a.codes.patient);
    expect(rig.service.verifyAccessCode({ code: patient.locator })).toMatchObject({ appointmentId: a.id, role: 'patient', proof: 'locator' });
    expect(rig.service.verifyAccessCode({ code: a.codes.doctor })).toMatchObject({ role: 'doctor', proof: 'code' });
    expect(rig.service.verifyAccessCode({ code: splitAccessCode(a.codes.doctor).locator })).toMatchObject({ role: 'doctor', proof: 'locator' });
    // The doctor code's rest is checked: a wrong rest is an unknown code.
    const doctor = splitAccessCode(a.codes.doctor);
    const wrongRest = `${doctor.locator}${doctor.secret === '00000' ? '00001' : '00000'}`;
    expect(error(() => rig.service.verifyAccessCode({ code: wrongRest })).userMessage).toBe('Zugangscode unbekannt');
  });

  it('wrong rests of the doctor code from many addresses refuse the doctor code (no per-address budget to share)', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const guesses = wrongDoctorCodeRests(a.codes.doctor);
    guesses.forEach((guess, i) => {
      // Each guess from another address: the per-address limit never bites.
      expect(error(() => rig.service.verifyAccessCode({ code: guess, ip: `198.51.100.${i + 1}` })).userMessage).toBe('Zugangscode unbekannt');
    });
    const refused = error(() => rig.service.verifyAccessCode({ code: a.codes.doctor, ip: '203.0.113.50' }));
    expect(refused.code).toBe('LOCKED');
    expect(refused.userMessage).toContain('Arztcode');
    // Near miss: an unknown locator (no appointment to count against) moves no appointment's counter.
    const other = rig.service.appointments.book(session, BOOKING);
    const unknown = ['0000', 'ffff', '1234'].find((l) => l !== splitAccessCode(other.codes.doctor).locator && l !== splitAccessCode(other.codes.patient).locator) ?? '0000';
    error(() => rig.service.verifyAccessCode({ code: `${unknown}00000`, ip: '198.51.100.99' }));
    expect(rig.service.access.attemptState(other.id)).toEqual({ failedAttempts: 0, locked: false });
    // New codes give the doctor code back.
    const renewed = rig.service.appointments.issueNewCodes(session, a.id);
    expect(rig.service.verifyAccessCode({ code: renewed.codes.doctor }).role).toBe('doctor');
  });

  it('wrong rests of the doctor code outside the window count nothing: no answer there to test a guess against', async () => {
    // Outside its window even the right code answers "unknown", so a wrong rest guessed there learns nothing;
    // counting it would only let strangers spend doctor codes days ahead, unseen until the doctor is turned away.
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const guesses = wrongDoctorCodeRests(a.codes.doctor);
    for (const at of ['2026-11-26T13:59:59Z', '2026-11-26T16:30:01Z']) {
      rig.clock.set(at);
      guesses.forEach((guess, i) => {
        expect(error(() => rig.service.verifyAccessCode({ code: guess, ip: `198.51.100.${i + 1}` })).userMessage).toBe('Zugangscode unbekannt');
      });
    }
    rig.clock.set(START_UTC);
    expect(rig.service.verifyAccessCode({ code: a.codes.doctor, ip: '203.0.113.50' })).toMatchObject({ appointmentId: a.id, role: 'doctor', proof: 'code' });
  });

  // Before the doctor-code counter of its own, these misses locked the whole appointment: anyone who found a live
  // doctor locator (a locator alone answers with appointment id and role at /redeem) locked out the patients too
  // with ten requests, while the doctor was not online and saw nothing.
  it('wrong rests of the doctor code refuse the doctor code, not the patient (link or code)', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const guesses = wrongDoctorCodeRests(a.codes.doctor);
    guesses.forEach((guess, i) => {
      error(() => rig.service.verifyAccessCode({ code: guess, ip: `198.51.100.${i + 1}` }));
    });
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.doctor, ip: '203.0.113.50' })).code).toBe('LOCKED');
    expect(rig.service.access.describeAppointment(a.id)?.locked).toBe(false);
    expect(rig.service.verifyAccessCode({ code: splitAccessCode(a.codes.patient).locator, ip: '203.0.113.51' })).toMatchObject({ appointmentId: a.id, role: 'patient' });
  });

  it('describeAppointment gives the signaling server metadata only', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const info = rig.service.access.describeAppointment(a.id);
    expect(info).toMatchObject({ appointmentId: a.id, kind: 'standard', maxParticipants: 2, withinWindow: true, locked: false, cancelled: false });
    expect(JSON.stringify(info)).not.toMatch(/Alice|Krej|Thallemer/);
    expect(rig.service.access.describeAppointment('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
  });

  it('a cancelled appointment accepts no code', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    rig.service.appointments.cancel(session, a.id);
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.patient })).userMessage).toBe('Zugangscode unbekannt');
    expect(rig.service.appointments.get(session, a.id).status).toBe('cancelled');
  });

  it('a client guessing codes without an appointment id is throttled', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    let rateLimited = 0;
    for (let i = 0; i < 40; i++) {
      const code = `${(0x100000000 + i * 7919).toString(16).slice(0, 9)}`;
      if (code === a.codes.patient.replace(/-/g, '')) continue;
      const e = error(() => rig.service.verifyAccessCode({ code, ip: '203.0.113.9' }));
      if (e.code === 'RATE_LIMITED') rateLimited += 1;
    }
    expect(rateLimited).toBe(10);
    expect(error(() => rig.service.verifyAccessCode({ code: a.codes.patient, ip: '203.0.113.9' })).code).toBe('RATE_LIMITED');
    expect(rig.service.verifyAccessCode({ code: a.codes.patient, ip: '198.51.100.1' }).role).toBe('patient');
    rig.clock.advanceMinutes(16);
    expect(rig.service.verifyAccessCode({ code: a.codes.patient, ip: '203.0.113.9' }).role).toBe('patient');
  });
});

describe('appointment data is practice-only', () => {
  it('another practice cannot read an appointment (NOT_FOUND)', async () => {
    const { session } = await setup();
    const a = rig.service.appointments.book(session, BOOKING);
    const { generateDeviceKeyPair } = await import('../account/account.js');
    const dev = await generateDeviceKeyPair();
    const other = await rig.service.account.register({
      organisation: { name: 'Praxis B', kind: 'Arztpraxis', size: '1-5 Mitarbeiter' },
      address: { street: 'Weg', houseNumber: '1', zip: '10115', city: 'Berlin' },
      mainUser: { salutation: 'Frau', firstName: 'Berta', lastName: 'B', email: 'b@example.de', phone: '030 1' },
      login: {
        orgShortName: 'PraxisB',
        userShortName: 'Berta',
        password: 'Passwort-B-1',
        passwordRepeat: 'Passwort-B-1',
        masterPassword: 'Master-B-123',
        masterPasswordRepeat: 'Master-B-123',
        deviceName: 'PC',
        devicePublicKey: dev.publicKey,
      },
      acceptDataProcessingAgreement: true,
      credentialsNoted: true,
    });
    const s2 = await rig.service.account.login({
      organisation: 'PraxisB',
      user: 'Berta',
      password: 'Passwort-B-1',
      device: { id: other.deviceId, secretKey: dev.secretKey },
    });
    expect(error(() => rig.service.appointments.get(s2, a.id)).code).toBe('NOT_FOUND');
  });
});
