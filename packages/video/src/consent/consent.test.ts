import { afterEach, describe, expect, it } from 'vitest';
import { PvsKitError } from '@pvskit/core';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { CONSENT_TEXTS, currentConsentText } from './texts.js';

const BOOKING = {
  patient: { firstName: 'Alice', lastName: 'Krejčová' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  knownPatient: false,
};

let rig: TestRig;
afterEach(() => rig.dispose());

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof PvsKitError) return e.code;
    throw e;
  }
  return 'none';
}

describe('consent and introduction gate the call', () => {
  it('assertCallMayStart is FORBIDDEN until consent and introduction are recorded', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, BOOKING);
    expect(code(() => rig.service.assertCallMayStart(a.id))).toBe('FORBIDDEN');

    rig.clock.set('2026-11-26T14:25:00Z');
    const consent = rig.service.consent.recordConsent({ appointmentId: a.id, textVersion: 'vs-2026-01', channel: 'join-page' });
    expect(consent).toEqual({ kind: 'consent', at: Date.parse('2026-11-26T14:25:00Z'), data: { textVersion: 'vs-2026-01', channel: 'join-page' } });
    try {
      rig.service.assertCallMayStart(a.id);
    } catch (e) {
      expect((e as PvsKitError).details).toEqual({ missing: ['introduction'] });
    }
    expect(code(() => rig.service.assertCallMayStart(a.id))).toBe('FORBIDDEN');

    rig.service.consent.acknowledgeIntroduction({ appointmentId: a.id, personsPresent: 2 });
    expect(code(() => rig.service.assertCallMayStart(a.id))).toBe('none');

    // A withdrawal closes the gate again.
    rig.service.consent.withdrawConsent({ appointmentId: a.id, channel: 'verbal' });
    expect(code(() => rig.service.assertCallMayStart(a.id))).toBe('FORBIDDEN');
  });

  it('unknown consent text versions and unknown appointments are refused', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, BOOKING);
    expect(code(() => rig.service.consent.recordConsent({ appointmentId: a.id, textVersion: 'v0', channel: 'written' }))).toBe('VALIDATION');
    expect(code(() => rig.service.assertCallMayStart('AAAAAAAAAAAAAAAAAAAAAA'))).toBe('NOT_FOUND');
    rig.service.appointments.cancel(session, a.id);
    expect(code(() => rig.service.assertCallMayStart(a.id))).toBe('CONFLICT');
  });

  it('the evidence of an appointment shows consent, introduction, eGK check (01444) and a metadata-only audit', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const a = rig.service.appointments.book(session, BOOKING);
    rig.clock.set('2026-11-26T14:25:00Z');
    rig.service.verifyAccessCode({ code: a.codes.patient });
    const consent = { appointmentId: a.id, textVersion: currentConsentText('2026-11-26').version, channel: 'join-page' } as const;
    const first = rig.service.consent.recordConsent(consent);
    // One consent per appointment: the same consent again (a reload, a second knock) records nothing new.
    expect(rig.service.consent.recordConsent(consent)).toEqual(first);
    rig.service.consent.acknowledgeIntroduction({ appointmentId: a.id, personsPresent: 3 });
    rig.service.consent.recordUnknownPatientAuthentication({ appointmentId: a.id, method: 'egk-camera', result: 'confirmed' });

    const ev = rig.service.consent.evidence(session, a.id);
    expect(ev.consent?.data).toEqual({ textVersion: 'vs-2026-01', channel: 'join-page' });
    expect(ev.introduction?.data).toEqual({ personsPresent: 3 });
    expect(ev.unknownPatientAuthentication?.data).toEqual({ method: 'egk-camera', result: 'confirmed' });
    expect(ev.audit.map((e) => e.event)).toEqual([
      'appointment.booked',
      'code.accepted',
      'evidence.consent',
      'evidence.introduction',
      'evidence.unknown-patient-auth',
    ]);
    const auditText = JSON.stringify(ev.audit);
    for (const secret of ['Alice', 'Krejčová', a.codes.patient, a.codes.doctor, a.linkSecret]) expect(auditText).not.toContain(secret);
    for (const e of ev.audit) expect(e.deleteAfter).toBe(Date.parse(a.deleteAfter));
  });

  it('consent texts are versioned data and mention no recording and withdrawal', () => {
    for (const t of CONSENT_TEXTS) {
      expect(t.text).toContain('aufgezeichnet');
      expect(t.text).toContain('widerrufen');
    }
  });
});
