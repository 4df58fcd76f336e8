import { afterEach, describe, expect, it } from 'vitest';
import { createPvsKit } from '@pvskit/core';
import { createTestRig, registeredPractice, type TestRig } from './testing.js';
import { videoPlugin, type AppointmentBookData } from './plugin.js';

const CONTEXT = {
  patient: {
    id: 'P-1',
    firstName: 'Alice',
    lastName: 'Krejčová',
    birthDate: '1980-02-01',
    insurance: { type: 'GKV' as const, kvnr: 'A123456780' },
  },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physician: { name: 'Dr. med. Martin Winkler' },
};

let rig: TestRig;
afterEach(() => rig.dispose());

describe('appointment-book plugin', () => {
  it('books through the host and returns the appointment with codes and link as data', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const kit = createPvsKit({ plugins: [videoPlugin(rig.service, { session })] });
    const result = await kit.callHook('appointment-book', CONTEXT);
    const mine = result.results[0];
    expect(mine?.status).toBe('ok');
    const data = mine?.data as AppointmentBookData;
    expect(data.appointment.codes.patient).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
    expect(data.appointment.link).toContain('#k=');
    expect(data.appointment.physicianName).toBe('Dr. med. Martin Winkler');
    expect(data.appointment.patient).toEqual({ firstName: 'Alice', lastName: 'Krejčová', id: 'P-1' });
    expect(result.cards[0]?.summary).toBe('Videosprechstunde am 26.11.2026 um 15:30 Uhr angelegt');
    // Codes are not put on cards (cards may be logged by hosts).
    expect(JSON.stringify(result.cards)).not.toContain(data.appointment.codes.patient);
    expect(rig.service.appointments.get(session, data.appointment.id).start).toBe('2026-11-26T15:30');
  });

  it('a conference on plan basis comes back as a warning card, not as a plugin failure', async () => {
    rig = await createTestRig();
    const { session } = await registeredPractice(rig);
    const kit = createPvsKit({ plugins: [videoPlugin(rig.service, { session })] });
    const result = await kit.callHook('appointment-book', { ...CONTEXT, kind: 'conference', participants: 4 });
    expect(result.results[0]?.status).toBe('ok');
    expect(result.results[0]?.data).toBeUndefined();
    expect(result.cards[0]).toMatchObject({ indicator: 'warning', summary: '„Konferenzen mit mehreren Teilnehmern“ ist nur im Tarif plus enthalten.' });
  });
});
