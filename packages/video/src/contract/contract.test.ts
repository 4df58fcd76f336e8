import { afterEach, describe, expect, it } from 'vitest';
import { fc, it as prop } from '@fast-check/vitest';
import { PvsKitError } from '@pvskit/core';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { addMonths, contractEndDate, quarterEnd } from './notice.js';
import type { VideoStore } from '../storage/port.js';
import { openSqliteStore } from '../storage/sqlite-store.js';

describe('3 months notice to the end of a quarter', () => {
  it.each([
    ['2026-09-30', '2026-12-31'],
    ['2026-10-01', '2027-03-31'],
    ['2026-06-30', '2026-09-30'],
    ['2026-07-01', '2026-12-31'],
    ['2026-12-31', '2027-03-31'],
    ['2027-01-01', '2027-06-30'],
    ['2026-11-30', '2027-03-31'],
    ['2027-03-31', '2027-06-30'],
    ['2027-04-01', '2027-09-30'],
    ['2027-11-30', '2028-03-31'],
    ['2028-03-31', '2028-06-30'],
  ])('cancelled on %s ends on %s', (on, end) => {
    expect(contractEndDate(on)).toBe(end);
  });

  it('adds months as § 188 BGB does, clamping to the month end', () => {
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2026-10-31', 1)).toBe('2026-11-30');
    expect(quarterEnd('2026-02-10')).toBe('2026-03-31');
  });

  prop.prop([fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })])(
    'the end is a quarter end, at least 3 months and less than 6 months after the cancellation',
    (d) => {
      const on = d.toISOString().slice(0, 10);
      const end = contractEndDate(on);
      expect(quarterEnd(end)).toBe(end);
      expect(end >= addMonths(on, 3)).toBe(true);
      expect(end < addMonths(on, 6) || end === quarterEnd(addMonths(on, 3))).toBe(true);
    },
  );
});

let rig: TestRig;

describe('cancellation, revocation and deletion', () => {
  afterEach(() => rig.dispose());

  it('a cancellation can be revoked during the notice period, which resets it', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    expect(rig.service.contract.cancel(session, { on: '2026-09-30' })).toMatchObject({ endsOn: '2026-12-31', revocable: true });
    expect(() => rig.service.contract.cancel(session, { on: '2026-10-02' })).toThrow(/already cancelled/);
    expect(rig.service.contract.revokeCancellation(session, { on: '2026-12-31' })).toMatchObject({ cancelledOn: null, endsOn: null });
    // A new cancellation starts a new notice period.
    expect(rig.service.contract.cancel(session, { on: '2027-01-05' }).endsOn).toBe('2027-06-30');
    const late = (() => {
      try {
        rig.service.contract.revokeCancellation(session, { on: '2027-07-01' });
      } catch (e) {
        return e as PvsKitError;
      }
      return undefined;
    })();
    expect(late?.code).toBe('EXPIRED');
  });

  it('at the end the keys are destroyed first, then every row of the practice is deleted', async () => {
    rig = await createTestRig();
    const { session, reg, password, device, masterPassword } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, { patient: { firstName: 'Alice', lastName: 'K' }, slot: { start: '2026-11-26T15:30', durationMinutes: 15 } });
    rig.service.contract.cancel(session, { on: '2026-09-30' });

    expect(rig.service.contract.runContractEnds('2026-12-31')).toEqual([]);
    const [report] = rig.service.contract.runContractEnds('2027-01-01');
    expect(report).toMatchObject({
      practiceId: reg.practiceId,
      endedOn: '2026-12-31',
      keysDestroyed: { passwordWraps: 1, masterWraps: 1, deviceKeys: 1 },
      // Code MACs of one pair: two locators and the whole doctor code.
      deleted: { practices: 1, users: 1, devices: 1, appointments: 1, accessCodes: 3 },
    });
    expect(rig.store.getPractice(reg.practiceId)).toBeUndefined();
    expect(rig.store.getAppointment(a.id)).toBeUndefined();
    await expect(
      rig.service.account.login({ organisation: 'PWinkler', user: 'MartinW', password, device: { id: reg.deviceId, secretKey: device.secretKey } }),
    ).rejects.toMatchObject({ code: 'AUTH' });
    await expect(
      rig.service.account.recoverWithMasterPassword({ organisation: 'PWinkler', user: 'MartinW', masterPassword, newPassword: 'Neu-Passwort-1', newPasswordRepeat: 'Neu-Passwort-1' }),
    ).rejects.toMatchObject({ code: 'AUTH' });
    expect(() => rig.service.appointments.list(session)).toThrow(PvsKitError);
    expect(rig.logger.entries.map((e) => e.message)).toEqual(
      expect.arrayContaining(['video practice keys destroyed at contract end', 'video practice deleted at contract end']),
    );
    // A short name is handed out once only (seed): not even after the practice is gone.
    const { winkler } = await import('../service/testing.js');
    await expect(rig.service.account.register((await winkler()).input)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the daily maintenance job purges expired records and ends contracts', async () => {
    rig = await createTestRig();
    const { session, reg } = await registeredPractice(rig);
    rig.service.appointments.book(session, { patient: { firstName: 'Alice', lastName: 'K' }, slot: { start: '2026-11-26T15:30', durationMinutes: 15 } });
    rig.service.contract.cancel(session, { on: '2026-11-26' });
    // 31.03.2027 is the last day; on 01.04.2027 (Berlin) the practice goes.
    const first = rig.service.runMaintenance(new Date('2027-03-31T21:00:00Z'));
    expect(first.purged.appointments).toBe(1); // 90 days after 26.11.2026 have passed
    expect(first.contractEnds).toEqual([]);
    const second = rig.service.runMaintenance(new Date('2027-03-31T22:30:00Z'));
    expect(second.contractEnds.map((r) => r.practiceId)).toEqual([reg.practiceId]);
  });

  it('if deletion fails after shredding, the remaining rows are unreadable: no wrap or sealed key is left', async () => {
    const dir = await createTestRig();
    const real = openSqliteStore({ path: `${dir.dbPath}.2` });
    dir.dispose();
    const failing: VideoStore = {
      ...real,
      deletePractice: () => {
        throw new Error('disk full');
      },
    };
    rig = await createTestRig({ store: failing });
    const { session, reg, password, device } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, { patient: { firstName: 'Alice', lastName: 'K' }, slot: { start: '2026-11-26T15:30', durationMinutes: 15 } });
    rig.service.contract.cancel(session, { on: '2026-09-30' });
    expect(() => rig.service.contract.runContractEnds('2027-01-01')).toThrow('disk full');
    expect(rig.store.getAppointment(a.id)?.sealed.length).toBeGreaterThan(0);
    expect(rig.store.getPractice(reg.practiceId)?.masterWrap).toBeNull();
    expect(rig.store.listUsers(reg.practiceId).every((u) => u.passwordWrap === null)).toBe(true);
    expect(rig.store.listDevices(reg.practiceId).every((d) => d.sealedKey === null)).toBe(true);
    await expect(
      rig.service.account.login({ organisation: 'PWinkler', user: 'MartinW', password, device: { id: reg.deviceId, secretKey: device.secretKey } }),
    ).rejects.toMatchObject({ code: 'AUTH' });
    real.close();
  });
});
