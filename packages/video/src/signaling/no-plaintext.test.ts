import { afterEach, expect, test } from 'vitest';
import type { CallClient, Knock } from '../call/client.js';
import { countFrames, createCallTestbed, nextEvent, type CallTestbed } from '../call/testkit.js';
import { createMemoryMetadataStore } from './metadata.js';
import type { SignalingInspectEvent } from './server.js';

let bed: CallTestbed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

async function fullCall(t: CallTestbed, d: CallClient, p: CallClient, snapshot: () => void): Promise<void> {
  const knock = nextEvent<Knock>(d, 'knock', 10_000);
  await d.connect();
  await p.connect();
  snapshot();
  const track = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
  await d.admit((await knock).peerId);
  snapshot();
  const frames = countFrames(await track);
  t.defer(() => frames.stop());
  await frames.waitFor(5, 15_000);
  snapshot();
  const chat = nextEvent<unknown>(d, 'chat', 5000);
  p.sendChat('Mein Name ist Alice Krejčová');
  await chat;
  const ended = nextEvent<unknown>(p, 'ended', 5000);
  d.hangUp();
  await ended;
  snapshot();
}

test('the server never receives nor stores plaintext SDP, ICE candidates, the patient name, codes or the link secret', async () => {
  const seen: SignalingInspectEvent[] = [];
  const metadata = createMemoryMetadataStore();
  const t = (bed = await createCallTestbed({ server: { inspect: (e) => seen.push(e), metadata } }));
  const snapshots: string[] = [];
  const snapshot = (): void => {
    snapshots.push(t.server.dumpState(), JSON.stringify(metadata.records));
  };

  // Call 1: the patient came by link.
  await fullCall(t, await t.doctor(), await t.patient({ secret: t.secret }), snapshot);
  // Call 2: a second appointment, the patient typed the code (PAKE).
  const second = t.access.addAppointment();
  t.access.recordConsent(second.appointmentId);
  t.access.recordIntroduction(second.appointmentId);
  const d2 = await t.client({
    role: 'doctor',
    appointmentId: second.appointmentId,
    ticket: t.server.issueDoctorTicket(second.appointmentId),
    code: second.patientCode,
    mediaStream: t.camera().stream,
  });
  const p2 = await t.client({
    role: 'patient',
    appointmentId: second.appointmentId,
    code: second.patientCode,
    name: 'Alice Krejčová',
    mediaStream: t.camera().stream,
  });
  await fullCall(t, d2, p2, snapshot);

  const received = seen.filter((e) => e.direction === 'in').map((e) => e.data);
  const stored = seen.filter((e) => e.direction === 'store').map((e) => e.data);
  const everything = [...received, ...stored, ...seen.filter((e) => e.direction === 'out').map((e) => e.data), ...snapshots].join('\n');

  // The capture is real: it holds the relayed envelopes and the metadata records.
  expect(received.filter((r) => r.includes('"t":"relay"')).length).toBeGreaterThan(10);
  expect(stored.some((s) => s.includes('"candidate-type"'))).toBe(true);
  expect(everything).toContain(t.appointmentId);
  expect(everything.length).toBeGreaterThan(10_000);

  const secrets = [
    'v=0',
    'a=fingerprint',
    'candidate:',
    'a=ice-ufrag',
    'Alice',
    'Krejčová',
    'Krej\\u010dov',
    t.patientCode,
    t.patientCode.replace(/-/g, ''),
    t.doctorCode,
    t.doctorCode.replace(/-/g, ''),
    second.patientCode,
    second.patientCode.replace(/-/g, ''),
    second.doctorCode,
    t.secret,
  ];
  for (const needle of secrets) expect(everything.includes(needle), `server saw "${needle}"`).toBe(false);
  // Stored metadata expires within 90 days.
  for (const r of metadata.records) expect(r.deleteAfter - r.at).toBeLessThanOrEqual(90 * 86_400_000);
});
