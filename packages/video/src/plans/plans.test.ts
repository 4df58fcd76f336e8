import { afterEach, describe, expect, it } from 'vitest';
import { fc, it as prop } from '@fast-check/vitest';
import { ValidationError, type PvsKitError } from '@pvskit/core';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { PLAN_CATALOGUE, planIncludes } from './entitlements.js';
import { sepaMandateSchema } from './sepa.js';

let rig: TestRig;

const MANDATE = { accountHolder: 'Dr. Med. Martin Winkler', iban: 'DE41 5001 0517 0123 4567 89', bic: 'INGDDEFF', consent: true as const };

describe('plan entitlements (seed: basis vs plus)', () => {
  afterEach(() => rig?.dispose());

  it('plus-only features are exactly SMS, integrated e-mail, screen sharing, conferences, further users, support, AVV', () => {
    const plusOnly = PLAN_CATALOGUE.plans.plus.features.filter((f) => !planIncludes('basis', f));
    expect(plusOnly.sort()).toEqual(
      ['conferences', 'emailSupport', 'furtherUsers', 'integratedEmail', 'phoneSupport', 'screenSharing', 'smsInvitation', 'writtenAvvConfirmation'].sort(),
    );
    for (const f of PLAN_CATALOGUE.plans.basis.features) expect(planIncludes('plus', f)).toBe(true);
  });

  it('the API enforces them: further users and screen sharing need plus; switching needs a valid SEPA mandate', async () => {
    rig = await createTestRig();
    const { session, reg, device } = await registeredPractice(rig, 'basis');
    await expect(rig.service.account.addUser(session, { shortName: 'Empfang', password: 'Empfang-2026', role: 'staff' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(rig.service.plans.isEntitled(reg.practiceId, 'screenSharing')).toBe(false);
    expect(() => rig.service.plans.assertEntitled(reg.practiceId, 'screenSharing')).toThrow(/plus/);

    const bad = (() => {
      try {
        rig.service.plans.changePlan(session, { plan: 'plus', sepaMandate: { ...MANDATE, iban: 'DE41 5001 0517 0123 4567 88' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((i) => i.path)).toEqual([['iban']]);

    expect(rig.service.plans.changePlan(session, { plan: 'plus', sepaMandate: MANDATE }).plan).toBe('plus');
    expect(rig.service.plans.isEntitled(reg.practiceId, 'screenSharing')).toBe(true);
    const staff = await rig.service.account.addUser(session, { shortName: 'Empfang', password: 'Empfang-2026', role: 'staff' });
    expect(staff).toMatchObject({ shortName: 'Empfang', role: 'staff', isMain: false });
    expect(rig.service.plans.readSepaMandate(reg.practiceId)).toMatchObject({ iban: 'DE41500105170123456789', bic: 'INGDDEFF' });

    // The further user logs in with its own password on an approved device and sees the practice's data.
    const booked = rig.service.appointments.book(session, {
      patient: { firstName: 'Alice', lastName: 'Krejčová' },
      slot: { start: '2026-11-26T15:30', durationMinutes: 15 },
    });
    const staffSession = await rig.service.account.login({
      organisation: 'PWinkler',
      user: 'Empfang',
      password: 'Empfang-2026',
      device: { id: reg.deviceId, secretKey: device.secretKey },
    });
    expect(rig.service.appointments.get(staffSession, booked.id).patient.lastName).toBe('Krejčová');
    expect(() => rig.service.account.approveDevice(staffSession, reg.deviceId)).toThrow(/main user/);
    // R2: staff organise, only doctors hold the consultation.
    expect(() => rig.service.account.assertMayHoldConsultation(staffSession)).toThrow(/only a doctor/);
    expect(() => rig.service.account.assertMayHoldConsultation(session)).not.toThrow();
    // Back to basis is refused while there is a further user.
    const downgrade = (() => {
      try {
        rig.service.plans.changePlan(session, { plan: 'basis' });
      } catch (e) {
        return e as PvsKitError;
      }
      return undefined;
    })();
    expect(downgrade?.code).toBe('CONFLICT');
  });

  it('the SEPA mandate is stored encrypted (no IBAN or holder in the database)', async () => {
    rig = await createTestRig();
    const { reg } = await registeredPractice(rig, 'plus');
    const row = rig.store.getPractice(reg.practiceId);
    const stored = Buffer.from(row?.sepaSealed ?? []).toString('latin1');
    expect(stored).not.toContain('DE89');
    expect(stored).not.toContain('Winkler');
    expect(rig.service.plans.readSepaMandate(reg.practiceId)).toMatchObject({ iban: 'DE89370400440532013000', consent: true });
  });
});

describe('SEPA mandate schema', () => {
  it('needs the ticked consent and a valid BIC', () => {
    expect(sepaMandateSchema.safeParse({ ...MANDATE, consent: false }).success).toBe(false);
    expect(sepaMandateSchema.safeParse({ ...MANDATE, bic: 'NOTABIC' }).success).toBe(false);
    expect(sepaMandateSchema.parse({ ...MANDATE, bic: 'ingd deff' }).bic).toBe('INGDDEFF');
  });

  prop.prop([fc.integer({ min: 0, max: 21 }), fc.integer({ min: 0, max: 9 })])(
    'changing one digit of a valid IBAN makes it invalid (mod-97 check)',
    (pos, delta) => {
      const iban = 'DE41500105170123456789';
      const i = 4 + (pos % 18);
      const d = Number(iban[i]);
      fc.pre(delta !== 0);
      const changed = iban.slice(0, i) + String((d + delta) % 10) + iban.slice(i + 1);
      expect(sepaMandateSchema.safeParse({ ...MANDATE, iban: changed }).success).toBe(false);
    },
  );
});
