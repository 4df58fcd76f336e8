import { afterEach, expect, test } from 'vitest';
import { splitAccessCode } from '../access-code/access-code.js';
import { parseInvitationLink, redeemAccessCode, type Knock } from '../call/client.js';
import { countFrames, nextEvent, trackedClients, withWrongPakePart } from '../call/testkit.js';
import { createTestRig, registeredPractice, type TestRig } from '../service/testing.js';
import { createSignalingServer } from './server.js';
import { accessControlFromVideoService } from './video-service-access.js';

let rig: TestRig | undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  rig?.dispose();
  rig = undefined;
});

const { client, camera } = trackedClients(cleanups);

const BOOKING = {
  patient: { firstName: 'Alice', lastName: 'Krejčová' },
  slot: { start: '2026-11-26T15:30', durationMinutes: 45 },
  physicianName: 'Dr. med. Martin Winkler',
};

test('a booked appointment of the video service runs as a call: invitation link, consent gate, PAKE lockout counter', async () => {
  rig = await createTestRig();
  const { session } = await registeredPractice(rig);
  rig.clock.set('2026-11-26T14:30:00Z');
  const appointment = rig.service.appointments.book(session, BOOKING);
  const currentRig = rig;
  const access = accessControlFromVideoService({ service: rig.service, store: rig.store, now: () => currentRig.clock.now.getTime() });
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', access });
  cleanups.push(() => server.close());

  // The doctor logs in with the doctor code; the patient opens the invitation link (secret in the fragment).
  const doctorGrant = await redeemAccessCode({ signalingUrl: server.url, code: appointment.codes.doctor, role: 'doctor' });
  const link = parseInvitationLink(appointment.link);
  expect(link.appointmentId).toBe(appointment.id);
  const d = await client({
    signalingUrl: server.url,
    role: 'doctor',
    appointmentId: appointment.id,
    ticket: doctorGrant.ticket as string,
    secret: appointment.linkSecret,
    code: appointment.codes.patient,
    mediaStream: camera(),
  });
  const p = await client({
    signalingUrl: server.url,
    role: 'patient',
    appointmentId: link.appointmentId,
    secret: link.secret,
    name: 'Alice Krejčová',
    mediaStream: camera(),
  });
  await d.connect();
  const knock = nextEvent<Knock>(d, 'knock', 10_000);
  await p.connect();
  const k = await knock;
  // No consent yet: the server refuses to admit.
  await expect(d.admit(k.peerId)).rejects.toMatchObject({ code: 'FORBIDDEN' });

  // A wrong typed code (PAKE) counts on the appointment's failure counter of the video service.
  const wrong = withWrongPakePart(appointment.codes.patient);
  const guesser = await client({ signalingUrl: server.url, role: 'patient', appointmentId: appointment.id, code: wrong, name: 'Eve Rater' });
  const failed = nextEvent<unknown>(guesser, 'error', 10_000);
  await guesser.connect();
  await failed;
  await expect.poll(() => rig?.service.access.attemptState(appointment.id).failedAttempts, { timeout: 5000 }).toBe(1);

  rig.service.consent.recordConsent({ appointmentId: appointment.id, textVersion: 'vs-2026-01', channel: 'join-page' });
  rig.service.consent.acknowledgeIntroduction({ appointmentId: appointment.id, personsPresent: 2 });
  const track = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
  await d.admit(k.peerId);
  const frames = countFrames(await track);
  cleanups.push(() => frames.stop());
  await frames.waitFor(5, 15_000);

  // After the window a code answers exactly like an unknown one: no 5xx, no date (the relay passes it on).
  rig.clock.set('2026-11-26T18:00:00Z');
  const redeem = async (locator: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${server.url.replace(/^ws/, 'http')}/redeem`, { method: 'POST', body: JSON.stringify({ locator }) });
    return { status: res.status, body: await res.text() };
  };
  const locator = splitAccessCode(appointment.codes.patient).locator;
  const expired = await redeem(locator);
  expect(expired).toEqual(await redeem(locator === 'ffff' ? 'fffe' : 'ffff'));
  expect(expired.status).toBeLessThan(500);
  expect(expired.body).toContain('Zugangscode unbekannt');
});
