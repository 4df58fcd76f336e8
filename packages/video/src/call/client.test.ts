import { PvsKitError } from '@pvskit/core';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { redeemAccessCode, type CallClient, type Knock } from './client.js';
import { countFrames, createCallTestbed, nextEvent, syntheticCamera, withWrongPakePart, type CallTestbed, type FrameCounter } from './testkit.js';

let bed: CallTestbed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

async function admitAndSeeFrames(d: CallClient, p: CallClient, knock: Knock, t: CallTestbed): Promise<FrameCounter> {
  const patientTrack = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
  const doctorTrack = nextEvent<MediaStreamTrack>(d, 'track', 15_000);
  await d.admit(knock.peerId);
  const atPatient = countFrames(await patientTrack);
  const atDoctor = countFrames(await doctorTrack);
  t.defer(() => atPatient.stop());
  t.defer(() => atDoctor.stop());
  await Promise.all([atPatient.waitFor(10, 15_000), atDoctor.waitFor(10, 15_000)]);
  return atPatient;
}

describe('call over the real signaling server with real WebRTC (loopback)', () => {
  test('by link secret: waiting room, admit, video frames and chat both ways, candidate type audited, clean hang-up', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    const p = await t.patient({ secret: t.secret, statsIntervalMs: 200 });
    const audit: string[] = [];
    d.on('audit', (e) => audit.push(e.type === 'candidate-pair' ? `pair:${e.local}/${e.remote}` : e.type));
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    expect(p.state).toBe('waiting');
    const k = await knock;
    expect(k).toMatchObject({ name: 'Alice Krejčová', mode: 'link' });
    const atPatient = await admitAndSeeFrames(d, p, k, t);
    expect(atPatient.lastWidth).toBe(320);
    const periodic = await nextEvent<{ framesDecoded: number }>(p, 'stats', 5000);
    expect(periodic.framesDecoded).toBeGreaterThan(0);

    // Screen sharing by track replacement: the same receiver now decodes the 640-pixel screen.
    const screen = syntheticCamera(640, 360, 15);
    t.defer(() => screen.stop());
    d.shareScreen(screen.stream);
    await expect.poll(() => atPatient.lastWidth, { timeout: 15_000 }).toBe(640);
    d.stopScreenShare();
    await expect.poll(() => atPatient.lastWidth, { timeout: 15_000 }).toBe(320);

    const chat = nextEvent<{ from: string; text: string }>(p, 'chat', 5000);
    d.sendChat('Guten Tag, können Sie mich hören?');
    expect(await chat).toMatchObject({ from: 'doctor', text: 'Guten Tag, können Sie mich hören?' });
    const reply = nextEvent<{ from: string; text: string }>(d, 'chat', 5000);
    p.sendChat('Ja, sehr gut.');
    expect(await reply).toMatchObject({ from: 'patient', text: 'Ja, sehr gut.' });

    const stats = await p.getQualityStats();
    expect(stats?.localCandidateType).toBe('host');
    expect(stats?.framesDecoded).toBeGreaterThan(0);
    await expect.poll(() => audit.includes('pair:host/host'), { timeout: 5000 }).toBe(true);
    expect(t.server.stats()).toMatchObject({ rooms: 1, participants: 2 });

    const remoteMedia = nextEvent<{ microphone: boolean; camera: boolean }>(p, 'remote-media', 5000);
    d.setCameraEnabled(false);
    expect(await remoteMedia).toMatchObject({ camera: false });
    d.setSelfViewHidden(true);
    expect(d.isSelfViewHidden).toBe(true);

    const ended = nextEvent<{ by: string }>(p, 'ended', 5000);
    d.hangUp();
    expect((await ended).by).toBe('remote');
    expect(d.state).toBe('ended');
    expect(p.state).toBe('ended');
  });

  test('by typed code (CPace): patient dials in with the code only, frames and chat flow', async () => {
    const t = (bed = await createCallTestbed());
    // Code-only dial-in: the code leads to the appointment id; the code itself never goes to the relay.
    const redeemed = await redeemAccessCode({ signalingUrl: t.server.url, code: t.patientCode });
    expect(redeemed).toEqual({ appointmentId: t.appointmentId, role: 'patient' });
    const d = await t.doctor({ secret: undefined as never });
    const typed = ` ${t.patientCode.toUpperCase().replace(/-/g, ' ')} `;
    const p = await t.patient({ code: typed, appointmentId: redeemed.appointmentId });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    const k = await knock;
    expect(k.mode).toBe('pake');
    expect(k.name).toBe('Alice Krejčová');
    await admitAndSeeFrames(d, p, k, t);
    const chat = nextEvent<{ text: string }>(d, 'chat', 5000);
    p.sendChat('Hallo');
    expect((await chat).text).toBe('Hallo');
    expect(t.access.failures(t.appointmentId)).toBe(0);
  });

  test('a doctor code redeems to a doctor ticket; an unknown code is "Zugangscode unbekannt"', async () => {
    const t = (bed = await createCallTestbed());
    // The doctor code's locator alone locates but opens nothing; the whole doctor code yields the ticket.
    expect(await redeemAccessCode({ signalingUrl: t.server.url, code: t.doctorCode })).toEqual({ appointmentId: t.appointmentId, role: 'doctor' });
    const doctor = await redeemAccessCode({ signalingUrl: t.server.url, code: t.doctorCode, role: 'doctor' });
    expect(doctor.role).toBe('doctor');
    const d = await t.doctor({ ticket: doctor.ticket as string });
    await d.connect();
    expect(d.state).toBe('ready');
    const wrong = t.doctorCode === '000-000-000' ? '000-000-001' : '000-000-000';
    await expect(redeemAccessCode({ signalingUrl: t.server.url, code: wrong })).rejects.toMatchObject({
      code: 'AUTH',
      userMessage: 'Zugangscode unbekannt',
    });
  });

  test('a wrong typed code fails the PAKE on both sides and burns one try', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    const failedKnock = nextEvent<{ reason: string }>(d, 'knock-failed', 10_000);
    const wrong = withWrongPakePart(t.patientCode);
    const p = await t.patient({ code: wrong });
    const error = nextEvent<PvsKitError>(p, 'error', 10_000);
    await p.connect();
    const e = await error;
    expect(e).toBeInstanceOf(PvsKitError);
    expect(e.code).toBe('CRYPTO');
    expect(e.userMessage).toBe('Zugangscode unbekannt');
    expect((await failedKnock).reason).toBe('pake');
    await expect.poll(() => t.access.failures(t.appointmentId), { timeout: 5000 }).toBe(1);
    expect(p.state).toBe('failed');
  });

  test('10 failed PAKE runs lock the appointment: the right code is then refused too', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    await d.connect();
    const locked = nextEvent<void>(d, 'locked', 60_000);
    const wrong = withWrongPakePart(t.patientCode);
    for (let i = 0; i < 10; i++) {
      const p = await t.patient({ code: wrong });
      const failed = nextEvent<PvsKitError>(p, 'error', 10_000);
      await p.connect();
      expect((await failed).code).toBe('CRYPTO');
      await expect.poll(() => t.access.failures(t.appointmentId), { timeout: 5000 }).toBe(i + 1);
    }
    await locked;
    const right = await t.patient({ code: t.patientCode });
    await expect(right.connect()).rejects.toMatchObject({ code: 'LOCKED' });
  });

  test('waiting room: the patient who arrives first waits until the doctor explicitly admits', async () => {
    const t = (bed = await createCallTestbed());
    const p = await t.patient({ secret: t.secret });
    const admitted = nextEvent<void>(p, 'admitted', 20_000);
    let admittedEarly = false;
    p.on('admitted', () => {
      admittedEarly = true;
    });
    await p.connect();
    expect(p.state).toBe('waiting');

    // The patient cannot admit anybody, not even itself.
    const raw = new WebSocket(t.server.url);
    t.defer(() => raw.terminate());
    const replies: string[] = [];
    raw.on('message', (data) => replies.push(String(data)));
    await new Promise((r) => raw.once('open', r));
    raw.send(JSON.stringify({ t: 'hello', appointmentId: t.appointmentId, role: 'patient' }));
    await expect.poll(() => replies.length, { timeout: 5000 }).toBeGreaterThan(0);
    const selfId = (JSON.parse(replies[0] as string) as { peerId: string }).peerId;
    raw.send(JSON.stringify({ t: 'admit', peer: selfId }));
    await expect.poll(() => replies.some((r) => r.includes('"FORBIDDEN"')), { timeout: 5000 }).toBe(true);

    // A patient cannot pose as the doctor without a ticket.
    const fake = await t.client({ role: 'doctor', ticket: 'forged.ticket', secret: t.secret });
    await expect(fake.connect()).rejects.toMatchObject({ code: 'AUTH' });

    const d = await t.doctor();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await d.connect();
    const k = await knock;
    expect(k.name).toBe('Alice Krejčová');
    expect(admittedEarly).toBe(false);
    expect(p.state).toBe('waiting');
    await d.admit(k.peerId);
    await admitted;
  });

  test('the doctor cannot admit before consent and introduction are recorded', async () => {
    const t = (bed = await createCallTestbed({ consent: false }));
    const d = await t.doctor();
    const p = await t.patient({ secret: t.secret });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    const k = await knock;
    await expect(d.admit(k.peerId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(p.state).toBe('waiting');
    t.access.recordConsent(t.appointmentId);
    t.access.recordIntroduction(t.appointmentId);
    const admitted = nextEvent<void>(p, 'admitted', 10_000);
    await d.admit(k.peerId);
    await admitted;
  });

  test('the client-side gate (mayStart) stops the doctor from admitting', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor({
      mayStart: () => Promise.reject(new PvsKitError('FORBIDDEN', 'consent missing in the PVS')),
    });
    const p = await t.patient({ secret: t.secret });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    await expect(d.admit((await knock).peerId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(p.state).toBe('waiting');
  });

  test('the 3rd participant of a 2-person appointment is refused', async () => {
    const t = (bed = await createCallTestbed({ maxParticipants: 2 }));
    const d = await t.doctor();
    const p = await t.patient({ secret: t.secret });
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    await d.admit((await knock).peerId);
    const third = await t.patient({ secret: t.secret, name: 'Bob Dritter' });
    await expect(third.connect()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a group appointment (3 participants): the doctor admits two patients and sees both', async () => {
    const t = (bed = await createCallTestbed({ maxParticipants: 3 }));
    const d = await t.doctor();
    const tracks: MediaStreamTrack[] = [];
    d.on('track', (track) => tracks.push(track));
    const knocks: Knock[] = [];
    d.on('knock', (k) => knocks.push(k));
    await d.connect();
    const p1 = await t.patient({ secret: t.secret });
    const p2 = await t.patient({ secret: t.secret, name: 'Bruno Zweiter' });
    await p1.connect();
    await p2.connect();
    await expect.poll(() => knocks.length, { timeout: 10_000 }).toBe(2);
    expect(knocks.map((k) => k.name).sort()).toEqual(['Alice Krejčová', 'Bruno Zweiter']);
    for (const k of knocks) await d.admit(k.peerId);
    await expect.poll(() => tracks.length, { timeout: 15_000 }).toBe(2);
    const counters = tracks.map((track) => countFrames(track));
    for (const c of counters) t.defer(() => c.stop());
    await Promise.all(counters.map((c) => c.waitFor(5, 15_000)));
    const third = await t.patient({ secret: t.secret, name: 'Carla Dritte' });
    await expect(third.connect()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a patient who reloads mid-call knocks again and the doctor can admit the new session at once', async () => {
    const t = (bed = await createCallTestbed());
    const d = await t.doctor();
    const knocks: Knock[] = [];
    d.on('knock', (k) => knocks.push(k));
    await d.connect();
    const first = await t.patient({ secret: t.secret });
    await first.connect();
    await expect.poll(() => knocks.length, { timeout: 10_000 }).toBe(1);
    const connected = nextEvent<unknown>(first, 'connected', 15_000);
    await d.admit((knocks[0] as Knock).peerId);
    await connected;
    first.close(); // page reload: no goodbye, the server keeps the slot for resume
    const reloaded = await t.patient({ secret: t.secret });
    await reloaded.connect();
    await expect.poll(() => knocks.length, { timeout: 10_000 }).toBe(2);
    const track = nextEvent<MediaStreamTrack>(reloaded, 'track', 15_000);
    await d.admit((knocks[1] as Knock).peerId);
    const frames = countFrames(await track);
    t.defer(() => frames.stop());
    await frames.waitFor(5, 15_000);
  });

  test('a patient without full name is refused before connecting', async () => {
    const t = (bed = await createCallTestbed());
    await expect(t.patient({ secret: t.secret, name: 'Alice' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
