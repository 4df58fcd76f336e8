import { afterEach, describe, expect, it } from 'vitest';
import { PvsKitError, ValidationError } from '@pvskit/core';
import { generateDeviceKeyPair } from '../index.js';
import { createTestRig, registeredPractice, winkler, type TestRig } from '../service/testing.js';
import { cryptoReady, fromB64, kdfPreset, openSealed } from '../base/crypto.js';

const SLOT = { start: '2026-11-26T15:30', durationMinutes: 45 };
const BOOKING = { patient: { firstName: 'Alice', lastName: 'Krejčová' }, slot: SLOT };

async function error(p: Promise<unknown> | (() => unknown)): Promise<PvsKitError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof PvsKitError) return e;
    throw e;
  }
  throw new Error('expected a PvsKitError');
}

let rig: TestRig;
afterEach(() => rig.dispose());

describe('keyring with real Argon2id parameters (interactive preset)', () => {
  it('wrong password, wrong organisation, wrong user and a too long password give the same error', async () => {
    await cryptoReady();
    rig = await createTestRig({ kdf: kdfPreset('interactive') });
    const { reg, device, password } = await registeredPractice(rig);
    const dev = { id: reg.deviceId, secretKey: device.secretKey };
    const attempts = [
      { organisation: 'PWinkler', user: 'MartinW', password: 'Falsch2026!' },
      { organisation: 'PWinklerX', user: 'MartinW', password },
      { organisation: 'PWinkler', user: 'Martin', password },
      { organisation: 'pwinkler', user: 'MartinW', password },
      { organisation: 'Praxis Winkler', user: 'MartinW', password },
      { organisation: 'PWinkler', user: 'MartinW', password: password + 'x'.repeat(30) },
      { organisation: 'PWinkler', user: 'MartinW', password: ` ${password}` },
    ];
    const errors = await Promise.all(attempts.map((a) => error(rig.service.account.login({ ...a, device: dev }))));
    for (const e of errors) {
      expect(e.code).toBe('AUTH');
      expect(e.message).toBe(errors[0]?.message);
      expect(e.userMessage).toBe(errors[0]?.userMessage);
      expect(e.userMessage).toContain('Fehler beim Login');
    }
    // Blanks around the short names are forgiven.
    const session = await rig.service.account.login({ organisation: ' PWinkler ', user: 'MartinW  ', password, device: dev });
    expect(session.userShortName).toBe('MartinW');
  });

  it('master-password recovery sets a new password over the same data; the old password stops working', async () => {
    await cryptoReady();
    rig = await createTestRig({ kdf: kdfPreset('interactive') });
    const { reg, device, password, masterPassword, session } = await registeredPractice(rig);
    const booked = rig.service.appointments.book(session, BOOKING);
    rig.service.account.logout(session);
    const dev = { id: reg.deviceId, secretKey: device.secretKey };

    const wrongMaster = await error(
      rig.service.account.recoverWithMasterPassword({
        organisation: 'PWinkler',
        user: 'MartinW',
        masterPassword: 'nicht-das-Master',
        newPassword: 'Neu-Passwort-1',
        newPasswordRepeat: 'Neu-Passwort-1',
      }),
    );
    expect(wrongMaster.code).toBe('AUTH');
    // The password is not the master password: no reset without the master password.
    const withPassword = await error(
      rig.service.account.recoverWithMasterPassword({
        organisation: 'PWinkler',
        user: 'MartinW',
        masterPassword: password,
        newPassword: 'Neu-Passwort-1',
        newPasswordRepeat: 'Neu-Passwort-1',
      }),
    );
    expect(withPassword.code).toBe('AUTH');

    await rig.service.account.recoverWithMasterPassword({
      organisation: 'PWinkler',
      user: 'MartinW',
      masterPassword,
      newPassword: 'Neu-Passwort-1',
      newPasswordRepeat: 'Neu-Passwort-1',
    });
    const old = await error(rig.service.account.login({ organisation: 'PWinkler', user: 'MartinW', password, device: dev }));
    expect(old.code).toBe('AUTH');
    const again = await rig.service.account.login({
      organisation: 'PWinkler',
      user: 'MartinW',
      password: 'Neu-Passwort-1',
      device: dev,
    });
    expect(rig.service.appointments.get(again, booked.id).patient.lastName).toBe('Krejčová');
  });
});

describe('devices', () => {
  it('a device not yet approved cannot decrypt; approval seals the key to it; revocation takes it away', async () => {
    rig = await createTestRig();
    const { session, password } = await registeredPractice(rig);
    const booked = rig.service.appointments.book(session, BOOKING);
    const laptop = await generateDeviceKeyPair();
    const creds = { organisation: 'PWinkler', user: 'MartinW', password };
    const { deviceId } = await rig.service.account.requestDevice({ ...creds, deviceName: 'Empfang', devicePublicKey: laptop.publicKey });

    const pending = await error(rig.service.account.login({ ...creds, device: { id: deviceId, secretKey: laptop.secretKey } }));
    expect(pending.code).toBe('FORBIDDEN');
    expect(rig.store.getDevice(deviceId)?.sealedKey).toBeNull();

    rig.service.account.approveDevice(session, deviceId);
    const sealed = rig.store.getDevice(deviceId)?.sealedKey;
    expect(sealed).toBeInstanceOf(Uint8Array);
    // Only the device's own secret key opens its sealed copy.
    const stranger = await generateDeviceKeyPair();
    expect(() => openSealed(sealed as Uint8Array, fromB64(laptop.publicKey), fromB64(stranger.secretKey))).toThrow(PvsKitError);
    const onLaptop = await rig.service.account.login({ ...creds, device: { id: deviceId, secretKey: laptop.secretKey } });
    expect(rig.service.appointments.get(onLaptop, booked.id).patient.firstName).toBe('Alice');
    // A wrong secret key for an approved device does not log in either.
    const forged = await error(rig.service.account.login({ ...creds, device: { id: deviceId, secretKey: stranger.secretKey } }));
    expect(forged.code).toBe('FORBIDDEN');

    rig.service.account.revokeDevice(session, deviceId);
    const revoked = await error(rig.service.account.login({ ...creds, device: { id: deviceId, secretKey: laptop.secretKey } }));
    expect(revoked.code).toBe('FORBIDDEN');
    expect(rig.store.getDevice(deviceId)?.sealedKey).toBeNull();
    expect(rig.service.account.listDevices(session).map((d) => d.status)).toEqual(['approved', 'revoked']);
  });

  it('a request for a device needs valid credentials (generic error otherwise)', async () => {
    rig = await createTestRig();
    await registeredPractice(rig);
    const laptop = await generateDeviceKeyPair();
    const e = await error(
      rig.service.account.requestDevice({
        organisation: 'PWinkler',
        user: 'MartinW',
        password: 'falsch-falsch',
        deviceName: 'Empfang',
        devicePublicKey: laptop.publicKey,
      }),
    );
    expect(e.code).toBe('AUTH');
  });
});

describe('registration rules', () => {
  it('password must have 8 to 32 characters and is not echoed in the error', async () => {
    rig = await createTestRig();
    for (const pw of ['kurz123', 'x'.repeat(33)]) {
      const w = await winkler({ password: pw });
      const e = await error(rig.service.account.register(w.input));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toContainEqual(['login', 'password']);
      expect(JSON.stringify(e.toJSON())).not.toContain(pw);
    }
    const ok32 = await winkler({ password: 'ä'.repeat(32) });
    await expect(rig.service.account.register(ok32.input)).resolves.toMatchObject({ orgShortName: 'PWinkler' });
  });

  it('organisation short names are unique regardless of case, trimmed, and never handed out twice', async () => {
    rig = await createTestRig();
    await rig.service.account.register((await winkler({ orgShortName: '  PWinkler ' })).input);
    expect(rig.store.findPracticeByOrgKey('pwinkler')?.orgShortName).toBe('PWinkler');
    const dup = await error(rig.service.account.register((await winkler({ orgShortName: 'pwinkler' })).input));
    expect(dup.code).toBe('CONFLICT');
  });

  it('placeholders 999999999 (LANR/BSNR) and 99999 (PLZ) are accepted; plus needs a SEPA mandate', async () => {
    rig = await createTestRig();
    const w = await winkler();
    await rig.service.account.register({
      ...w.input,
      organisation: { ...w.input.organisation, bsnr: '999999999' },
      address: { ...w.input.address, zip: '99999' },
      mainUser: { ...w.input.mainUser, lanr: '999999999' },
    });
    const plus = await winkler({ plan: 'plus', orgShortName: 'Other' });
    const { sepaMandate: _omit, ...withoutMandate } = plus.input;
    const e = await error(rig.service.account.register(withoutMandate));
    expect((e as ValidationError).issues.map((i) => i.path)).toContainEqual(['sepaMandate']);
  });
});

describe('password change', () => {
  it('re-wraps the key: data ciphertexts stay byte-identical, the old password stops working', async () => {
    rig = await createTestRig();
    const { session, reg, device, password } = await registeredPractice(rig);
    const booked = rig.service.appointments.book(session, BOOKING);
    const before = rig.store.getAppointment(booked.id)?.sealed;
    const wrapBefore = rig.store.getUser(reg.userId)?.passwordWrap;
    await rig.service.account.changePassword(session, {
      currentPassword: password,
      newPassword: 'Winter2026?',
      newPasswordRepeat: 'Winter2026?',
    });
    expect(rig.store.getAppointment(booked.id)?.sealed).toEqual(before);
    expect(rig.store.getUser(reg.userId)?.passwordWrap).not.toEqual(wrapBefore);
    const dev = { id: reg.deviceId, secretKey: device.secretKey };
    expect((await error(rig.service.account.login({ organisation: 'PWinkler', user: 'MartinW', password, device: dev }))).code).toBe('AUTH');
    const s2 = await rig.service.account.login({ organisation: 'PWinkler', user: 'MartinW', password: 'Winter2026?', device: dev });
    expect(rig.service.appointments.get(s2, booked.id).patient.lastName).toBe('Krejčová');
  });

  it('a wrong current password is refused', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const e = await error(
      rig.service.account.changePassword(session, { currentPassword: 'nope-nope', newPassword: 'Winter2026?', newPasswordRepeat: 'Winter2026?' }),
    );
    expect(e.code).toBe('AUTH');
  });

  it('logout wipes the session key: the session is refused afterwards', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    rig.service.account.logout(session);
    expect((await error(() => rig.service.appointments.list(session))).code).toBe('AUTH');
  });
});
