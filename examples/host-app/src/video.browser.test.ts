import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsDir, startBrowserEnv, type BrowserEnv } from './browser-harness.js';

let env: BrowserEnv;

beforeAll(async () => {
  env = await startBrowserEnv();
});

afterAll(async () => {
  await env?.close();
});

/** Frames arrive: the remote video has a size and its playback time moves on. */
async function expectPlayingFrames(page: Page): Promise<void> {
  const video = page.getByTestId('remote-video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 }).toBeGreaterThan(0);
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(t0 + 0.5);
  expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(false);
}

async function bookAppointment(doctor: Page, patientId: string): Promise<{ doctorCode: string; patientCode: string; link: string }> {
  await doctor.goto(`${env.app.url}/#/patients/${patientId}`);
  await doctor.getByTestId('book-video').click();
  const doctorCode = (await doctor.getByTestId('doctor-code').textContent()) ?? '';
  const patientCode = (await doctor.getByTestId('patient-code').textContent()) ?? '';
  const link = (await doctor.getByTestId('invite-link').textContent()) ?? '';
  expect(doctorCode).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
  expect(patientCode).toMatch(/^[0-9a-f]{3}-[0-9a-f]{3}-[0-9a-f]{3}$/);
  expect(patientCode).not.toBe(doctorCode);
  expect(link).toMatch(/\/video\/j\/[A-Za-z0-9_-]+#k=[A-Za-z0-9_-]{43}$/);
  // The invitation texts carry link and code; the print view is served.
  expect(await doctor.getByTestId('invite-email').textContent()).toContain(patientCode);
  expect(await doctor.getByTestId('invite-sms').textContent()).toContain(link);
  const print = await doctor.request.get(new URL((await doctor.getByTestId('print-view').getAttribute('href')) ?? '', env.app.url).href);
  expect(print.status()).toBe(200);
  expect(await print.text()).toContain(patientCode);
  return { doctorCode, patientCode, link };
}

/** Doctor side: confirm the introduction, wait for the patient's knock, admit. */
async function admitFromWaitingRoom(doctor: Page, name: string): Promise<void> {
  const room = doctor.getByTestId('waiting-room');
  await room.getByText(name, { exact: true }).waitFor({ timeout: 30_000 });
  // Consent came from the patient's join page; the doctor confirms the introduction of everyone present.
  await doctor.getByTestId('consent-step').getByText('auf der Einwahlseite').waitFor();
  await doctor.getByTestId('introduction-done').click();
  const admit = room.getByTestId('admit');
  await expect.poll(() => admit.isEnabled()).toBe(true);
  await admit.click();
}

describe('video consultation', () => {
  it('books an appointment, the patient joins by link on a phone, waits, is admitted, and both see video', async () => {
    const { page: doctor } = await env.newPracticePage({ viewport: { width: 1400, height: 1000 } });
    const { link } = await bookAppointment(doctor, 'p-1');
    await doctor.getByTestId('open-call').click();
    await doctor.getByText('Videoraum geöffnet').waitFor({ timeout: 30_000 });
    await expect.poll(() => doctor.getByTestId('waiting-room').textContent()).toContain('Noch niemand');

    const { page: patient } = await env.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await patient.goto(link);
    await patient.getByTestId('join-name').fill('Erika Muster');
    await patient.getByTestId('join-consent').check();
    await patient.getByTestId('join-submit').click();
    await patient.getByTestId('waiting').waitFor({ timeout: 30_000 });
    await admitFromWaitingRoom(doctor, 'Erika Muster');
    await patient.getByTestId('remote-video').waitFor({ timeout: 30_000 });
    await expectPlayingFrames(doctor);
    await expectPlayingFrames(patient);
    expect(await doctor.getByTestId('local-video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);

    // Chat over the data channel, both ways.
    await doctor.getByTestId('chat-input').fill('Guten Tag, können Sie mich hören?');
    await doctor.getByTestId('chat-send').click();
    await patient.getByText('Guten Tag, können Sie mich hören?').waitFor();
    await patient.getByTestId('chat-input').fill('Ja, sehr gut.');
    await patient.getByTestId('chat-send').click();
    await doctor.getByText('Ja, sehr gut.').waitFor();
    // Hide own picture and mute are local/remote state changes without renegotiation.
    await doctor.getByTestId('hide-self').click();
    expect(await doctor.getByTestId('local-video').isHidden()).toBe(true);
    await doctor.getByTestId('mute').click();
    await patient.getByText('Praxis (Mikrofon aus)').waitFor();
    await doctor.getByTestId('hide-self').click();
    await doctor.screenshot({ path: join(resultsDir, 'call-doctor.png'), fullPage: true });
    await patient.screenshot({ path: join(resultsDir, 'call-patient-phone.png'), fullPage: true });

    await doctor.getByTestId('hang-up').click();
    await patient.getByText('Videosprechstunde beendet').waitFor();
    expect(env.consoleErrors).toEqual([]);
  });

  it('a patient who types the access code joins through the PAKE and is admitted', async () => {
    const { page: doctor } = await env.newPracticePage({ viewport: { width: 1280, height: 900 } });
    const { patientCode, doctorCode, link } = await bookAppointment(doctor, 'p-2');
    const appointmentId = /\/video\/j\/([A-Za-z0-9_-]+)#/.exec(link)?.[1] ?? '';
    /** The practice server's record of the doctor client's spent PAKE tries (kept across reloads). */
    const triesSpent = async () => ((await (await doctor.request.get(`${env.app.url}/api/appointments/${appointmentId}/doctor`)).json()) as { pakeTries: { spent: number } }).pakeTries.spent;
    await doctor.getByTestId('open-call').click();
    await doctor.getByText('Videoraum geöffnet').waitFor({ timeout: 30_000 });

    const { page: patient } = await env.newPage({ viewport: { width: 390, height: 844 } });
    await patient.goto(`${env.app.url}/video`);
    // The doctor's code is refused on the patient page; a wrong code is "Zugangscode unbekannt".
    await patient.getByTestId('join-name').fill('Max Mustermann');
    await patient.getByTestId('join-code').fill(doctorCode);
    await patient.getByTestId('join-consent').check();
    await patient.getByTestId('join-submit').click();
    await patient.getByText('Zugangscode der Praxis').waitFor();
    await patient.getByTestId('join-code').fill('000-000-001');
    await patient.getByTestId('join-submit').click();
    await patient.getByText('Zugangscode unbekannt').waitFor();

    await patient.getByTestId('join-code').fill(patientCode.toUpperCase());
    await patient.getByTestId('join-submit').click();
    await patient.getByTestId('waiting').waitFor({ timeout: 30_000 });
    await doctor.getByTestId('waiting-room').getByText('per Zugangscode').waitFor({ timeout: 30_000 });
    // The doctor's page confirmed the PAKE: one try is spent (and stored by the practice) until the doctor admits.
    await expect.poll(triesSpent, { timeout: 10_000 }).toBe(1);
    await admitFromWaitingRoom(doctor, 'Max Mustermann');
    await expect.poll(triesSpent, { timeout: 10_000 }).toBe(0);
    await expectPlayingFrames(patient);
    await expectPlayingFrames(doctor);
    // Both screens show the same Sicherheitscode (SAS): nobody sits in between.
    const sas = await doctor.getByTestId('sas').textContent();
    expect(sas).toMatch(/^\d{3} \d{3}$/);
    expect(await patient.getByTestId('sas').textContent()).toBe(sas);
    await patient.getByTestId('hang-up').click();
    await doctor.getByText('Videosprechstunde beendet').waitFor();
    // A wrong code is an expected 4xx answer; the browser logs failed requests as console errors, nothing else may.
    expect(env.consoleErrors.filter((e) => !/status of 40[14]/.test(e))).toEqual([]);
  });

  it('a call page that cannot ask the practice for a PAKE try turns that knock away and stays open', async () => {
    const { page: doctor } = await env.newPracticePage({ viewport: { width: 1280, height: 900 } });
    const { patientCode, link } = await bookAppointment(doctor, 'p-3');
    const appointmentId = /\/video\/j\/([A-Za-z0-9_-]+)#/.exec(link)?.[1] ?? '';
    await doctor.getByTestId('open-call').click();
    await doctor.getByText('Videoraum geöffnet').waitFor({ timeout: 30_000 });
    const { page: patient } = await env.newPage({ viewport: { width: 390, height: 844 } });
    // Every track the page opens, to see that a turned-away knock switches camera and microphone off.
    await patient.addInitScript(() => {
      const opened: MediaStreamTrack[] = [];
      (window as unknown as { openedTracks: MediaStreamTrack[] }).openedTracks = opened;
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        opened.push(...stream.getTracks());
        return stream;
      };
    });
    async function knock(code: string): Promise<void> {
      await patient.goto(`${env.app.url}/video`);
      await patient.getByTestId('join-name').fill('Lena Weber');
      await patient.getByTestId('join-code').fill(code);
      await patient.getByTestId('join-consent').check();
      await patient.getByTestId('join-submit').click();
    }

    // The practice server drops out for one request: the doctor's page cannot ask for the try.
    await doctor.route('**/pake-tries/reserve', (route) => route.abort('internetdisconnected'), { times: 1 });
    await knock(patientCode);
    await patient.getByText('Die Praxis hat die Einwahl beendet.').waitFor({ timeout: 30_000 });
    await doctor.getByText('Die Praxis-Software war nicht erreichbar; der Patient kann sich gleich erneut verbinden.').waitFor();
    expect(await doctor.getByText('Zu viele Fehlversuche').count()).toBe(0);
    // The patient's page offers the next try itself, with camera and microphone already off.
    expect(await patient.evaluate(() => (window as unknown as { openedTracks: MediaStreamTrack[] }).openedTracks.map((t) => t.readyState))).toEqual(['ended', 'ended']);
    await patient.getByTestId('join-again').click();
    await patient.getByTestId('join-name').waitFor();

    // New codes from another tab meanwhile: the practice answers, and its reason says what to do.
    const renewed = await doctor.evaluate(async (path) => {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return ((await res.json()) as { patientCode: string }).patientCode;
    }, `/api/appointments/${appointmentId}/new-codes`);
    await knock(renewed);
    await patient.getByText('Die Praxis hat die Einwahl beendet.').waitFor({ timeout: 30_000 });
    await doctor.getByText('Eine Einwahl wurde abgewiesen. Für diesen Termin gelten inzwischen neue Zugangscodes. Bitte laden Sie die Seite neu.').waitFor();

    // Reloaded, the page asks the practice again and the patient gets in.
    await doctor.reload();
    await doctor.getByText('Videoraum geöffnet').waitFor({ timeout: 30_000 });
    await knock(renewed);
    await patient.getByTestId('waiting').waitFor({ timeout: 30_000 });
    await admitFromWaitingRoom(doctor, 'Lena Weber');
    await expectPlayingFrames(patient);
    await patient.getByTestId('hang-up').click();
    await doctor.getByText('Videosprechstunde beendet').waitFor();
    // The dropped request and the refused one are logged by the browser as failed resources; nothing else may be.
    expect(env.consoleErrors.filter((e) => !/status of 40[149]|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });
});
