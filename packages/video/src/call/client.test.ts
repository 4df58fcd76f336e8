import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryAccessControl, type MemoryAccessControl } from '../signaling/memory-access.js';
import { createSignalingServer, type SignalingServer, type SignalingServiceOptions } from '../signaling/server.js';
import { createCallClient, type CallClient, type CallClientOptions, type Knock } from './client.js';
import { countFrames, nextEvent, nodeClientDefaults, randomLinkSecret, syntheticCamera, type SyntheticCamera } from './testkit.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

interface Setup {
  server: SignalingServer;
  access: MemoryAccessControl;
  appointmentId: string;
  doctorCode: string;
  patientCode: string;
  secret: string;
  ticket: string;
}

async function setup(extra: Partial<SignalingServiceOptions> = {}, maxParticipants = 2): Promise<Setup> {
  const access = createMemoryAccessControl();
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', access, ...extra });
  cleanups.push(() => server.close());
  const { appointmentId, doctorCode, patientCode } = access.addAppointment({ maxParticipants });
  access.recordConsent(appointmentId);
  access.recordIntroduction(appointmentId);
  return { server, access, appointmentId, doctorCode, patientCode, secret: randomLinkSecret(), ticket: server.issueDoctorTicket(appointmentId) };
}

function camera(): SyntheticCamera {
  const cam = syntheticCamera();
  cleanups.push(() => cam.stop());
  return cam;
}

async function client(options: Omit<CallClientOptions, 'wrtc' | 'WebSocket'>): Promise<CallClient> {
  const c = await createCallClient({ ...nodeClientDefaults, ...options });
  cleanups.push(() => c.close());
  return c;
}

async function doctorAndPatient(s: Setup, patient: Partial<CallClientOptions>, doctor: Partial<CallClientOptions> = {}) {
  const doctorCam = camera();
  const patientCam = camera();
  const d = await client({
    signalingUrl: s.server.url,
    appointmentId: s.appointmentId,
    role: 'doctor',
    ticket: s.ticket,
    secret: s.secret,
    code: s.patientCode,
    mediaStream: doctorCam.stream,
    ...doctor,
  });
  const p = await client({
    signalingUrl: s.server.url,
    appointmentId: s.appointmentId,
    role: 'patient',
    name: 'Alice Krejčová',
    mediaStream: patientCam.stream,
    ...patient,
  });
  return { d, p, doctorCam, patientCam };
}

describe('call over the real signaling server with real WebRTC (loopback)', () => {
  test('by link secret: waiting room, admit, video frames and chat both ways, clean hang-up', async () => {
    const s = await setup();
    const { d, p } = await doctorAndPatient(s, { secret: s.secret });
    const audit: string[] = [];
    d.on('audit', (e) => audit.push(e.type === 'candidate-pair' ? `pair:${e.local}/${e.remote}` : e.type));
    await d.connect();
    const knock = nextEvent<Knock>(d, 'knock', 10_000);
    await p.connect();
    expect(p.state).toBe('waiting');
    const k = await knock;
    expect(k.name).toBe('Alice Krejčová');
    expect(k.mode).toBe('link');

    const patientTrack = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
    const doctorTrack = nextEvent<MediaStreamTrack>(d, 'track', 15_000);
    await d.admit(k.peerId);
    const atPatient = countFrames(await patientTrack);
    const atDoctor = countFrames(await doctorTrack);
    cleanups.push(() => atPatient.stop(), () => atDoctor.stop());
    await Promise.all([atPatient.waitFor(10, 15_000), atDoctor.waitFor(10, 15_000)]);

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

    const ended = nextEvent<{ by: string }>(p, 'ended', 5000);
    d.hangUp();
    expect((await ended).by).toBe('remote');
    expect(d.state).toBe('ended');
    expect(p.state).toBe('ended');
  });
});
