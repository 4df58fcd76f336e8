import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { createSignalingServer, type SignalingServer } from '../signaling/server.js';
import type { Knock } from './client.js';
import { countFrames, createCallTestbed, nextEvent, syntheticCamera, type CallTestbed } from './testkit.js';

let bed: CallTestbed | undefined;
afterEach(async () => {
  await bed?.dispose();
  bed = undefined;
});

test('a signaling server restart mid-call leaves P2P media running; clients resume and signaling works again', async () => {
  const secret = randomBytes(32);
  const t = (bed = await createCallTestbed({ server: { secret } }));
  const d = await t.doctor({ reconnectDelayMs: 50 });
  const p = await t.patient({ secret: t.secret, reconnectDelayMs: 50 });
  await d.connect();
  const knock = nextEvent<Knock>(d, 'knock', 10_000);
  await p.connect();
  const firstTrack = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
  await d.admit((await knock).peerId);
  const frames = countFrames(await firstTrack);
  t.defer(() => frames.stop());
  await frames.waitFor(10, 15_000);

  // Restart: the old server goes away completely, a new process-equivalent (same secret, same port) starts.
  const { port, url } = t.server;
  const reconnecting = Promise.all([nextEvent(d, 'reconnecting', 10_000), nextEvent(p, 'reconnecting', 10_000)]);
  await t.server.close();
  await reconnecting;
  // While no server exists, media keeps flowing peer to peer.
  await frames.waitFor(15, 15_000, true);
  expect(d.state).toBe('in-call');
  expect(p.state).toBe('in-call');

  const resumed = Promise.all([nextEvent(d, 'resumed', 15_000), nextEvent(p, 'resumed', 15_000)]);
  const restarted: SignalingServer = await createSignalingServer({ port, host: '127.0.0.1', access: t.access, secret });
  t.defer(() => restarted.close());
  expect(restarted.url).toBe(url);
  await resumed;
  expect(restarted.stats().participants).toBe(2);
  await frames.waitFor(10, 15_000, true);

  // Signaling recovered: sharing a screen as an additional track renegotiates over the sealed channel.
  const screen = syntheticCamera(640, 360, 15);
  t.defer(() => screen.stop());
  const screenTrack = nextEvent<MediaStreamTrack>(p, 'track', 15_000);
  d.shareScreen(screen.stream, { mode: 'add' });
  const screenFrames = countFrames(await screenTrack);
  t.defer(() => screenFrames.stop());
  await screenFrames.waitFor(5, 15_000);

  const ended = nextEvent<{ by: string }>(d, 'ended', 10_000);
  p.hangUp();
  expect((await ended).by).toBe('remote');
});
