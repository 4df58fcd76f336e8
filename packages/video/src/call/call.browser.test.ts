import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Knock } from './client.js';
import { countFrames, createCallTestbed, nextEvent, type CallTestbed } from './testkit.js';

/*
 * The call client bundled for the browser (the page uses the browser's own WebSocket and RTCPeerConnection)
 * talks to a Node peer through the real signaling server on 127.0.0.1. Chromium's fake camera feeds video.
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../../..');
let dir: string;
let http: Server;
let pageUrl: string;
let browser: Browser;

const PAGE = `<!doctype html><meta charset="utf-8"><title>pvskit call</title><body>
<script type="module">
import { createCallClient } from '/pvs.js';
window.events = [];
window.frames = () => (window.remoteVideo ? window.remoteVideo.getVideoPlaybackQuality().totalVideoFrames : 0);
window.run = async (opts) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
  const client = await createCallClient({
    ...opts,
    mediaStream: stream,
    candidateFilter: (c) => / 127\\.0\\.0\\.1 \\d+ typ host/.test(c.candidate ?? ''),
  });
  window.client = client;
  client.on('state', (s) => window.events.push('state:' + s));
  client.on('chat', (m) => window.events.push('chat:' + m.text));
  client.on('ended', (e) => window.events.push('ended:' + e.by));
  client.on('error', (e) => window.events.push('error:' + e.code + ':' + e.message));
  client.on('track', (track, s) => {
    if (track.kind !== 'video') return;
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true; v.srcObject = s;
    document.body.append(v);
    window.remoteVideo = v;
  });
  await client.connect();
  return client.state;
};
window.ready = true;
</script>`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pvskit-call-browser-'));
  await build({
    entryPoints: [join(here, 'browser.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(dir, 'pvs.js'),
    // simple-peer's prebuilt browser bundle carries its own stream/buffer shims.
    alias: { 'simple-peer': join(root, 'node_modules/simple-peer/simplepeer.min.js') },
    logLevel: 'silent',
  });
  const bundle = readFileSync(join(dir, 'pvs.js'));
  http = createServer((req, res) => {
    if (req.url === '/pvs.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  pageUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      // Real host candidates on loopback instead of mDNS names, so the Node peer can reach the page.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--allow-loopback-in-peer-connection',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

let bed: CallTestbed | undefined;
afterAll(async () => bed?.dispose());

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
  return page;
}

test('a patient in Chromium and a doctor in Node: sealed signaling, video both ways, chat, hang-up', async () => {
  const t = (bed = await createCallTestbed());
  const d = await t.doctor();
  await d.connect();
  const knock = nextEvent<Knock>(d, 'knock', 20_000);
  const page = await openPage();
  const state = await page.evaluate(
    (o) => (window as unknown as { run: (x: unknown) => Promise<string> }).run(o),
    { signalingUrl: t.server.url, appointmentId: t.appointmentId, role: 'patient', secret: t.secret, name: 'Alice Krejčová' },
  );
  expect(state).toBe('waiting');
  const k = await knock;
  expect(k.name).toBe('Alice Krejčová');
  const track = nextEvent<MediaStreamTrack>(d, 'track', 20_000);
  await d.admit(k.peerId);
  const frames = countFrames(await track);
  t.defer(() => frames.stop());
  await frames.waitFor(10, 20_000);
  await page.waitForFunction(() => (window as unknown as { frames: () => number }).frames() > 5, undefined, { timeout: 20_000 });

  d.sendChat('Hallo aus der Praxis');
  await page.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('chat:Hallo aus der Praxis'), undefined, {
    timeout: 10_000,
  });
  const reply = nextEvent<{ text: string }>(d, 'chat', 10_000);
  await page.evaluate(() => (window as unknown as { client: { sendChat(t: string): void } }).client.sendChat('Hallo zurück'));
  expect((await reply).text).toBe('Hallo zurück');

  d.hangUp();
  await page.waitForFunction(() => (window as unknown as { events: string[] }).events.includes('ended:remote'), undefined, { timeout: 10_000 });
  const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
  expect(events.filter((e) => e.startsWith('error:'))).toEqual([]);
  await page.close();
});
