/**
 * Node-only helpers shared by the WebRTC tests and the benchmark: synthetic camera frames through
 * `@roamhq/wrtc`'s nonstandard RTCVideoSource, frame counting with RTCVideoSink, loopback-only ICE.
 * Not exported from the package entry point.
 */
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import type { CallClientOptions, WebSocketConstructorLike, WrtcLike } from './client.js';

/** The wrtc module as simple-peer wants it. */
export const nodeWrtc = wrtc as unknown as WrtcLike;
/** `ws` WebSocket as the client wants it. */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructorLike;

/** Keeps host candidates on IPv4 loopback only: no other interface, no STUN. */
export const loopbackOnly = (candidate: RTCIceCandidateInit): boolean =>
  typeof candidate.candidate === 'string' && / 127\.0\.0\.1 \d+ typ host/.test(candidate.candidate);

/** Client options every Node test needs. */
export const nodeClientDefaults: Pick<CallClientOptions, 'wrtc' | 'WebSocket' | 'candidateFilter' | 'iceServers'> = {
  wrtc: nodeWrtc,
  WebSocket: NodeWebSocket,
  candidateFilter: loopbackOnly,
  iceServers: [],
};

/** A synthetic camera: a video track fed with I420 frames at ~30 fps until stopped. */
export interface SyntheticCamera {
  stream: MediaStream;
  track: MediaStreamTrack;
  stop(): void;
}

/** Starts a synthetic camera (320×240 grey frames with a moving bar). */
export function syntheticCamera(width = 320, height = 240, fps = 30): SyntheticCamera {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const track = source.createTrack() as unknown as MediaStreamTrack;
  const stream = new wrtc.MediaStream([track as never]) as unknown as MediaStream;
  const data = new Uint8Array((width * height * 3) / 2).fill(128);
  let frame = 0;
  const timer = setInterval(() => {
    const row = frame++ % height;
    data.fill(235, row * width, (row + 1) * width);
    source.onFrame({ width, height, data });
    data.fill(128, row * width, (row + 1) * width);
  }, Math.round(1000 / fps));
  return {
    stream,
    track,
    stop() {
      clearInterval(timer);
      track.stop();
    },
  };
}

/** Counts decoded frames of a received video track. */
export interface FrameCounter {
  readonly count: number;
  /** Resolves when `count` reaches `target` (relative to now if `relative`). */
  waitFor(target: number, timeoutMs: number, relative?: boolean): Promise<void>;
  stop(): void;
}

/** Attaches an RTCVideoSink to `track` and counts frames. */
export function countFrames(track: MediaStreamTrack): FrameCounter {
  const sink = new wrtc.nonstandard.RTCVideoSink(track as never);
  let count = 0;
  const waiters: { target: number; resolve: () => void }[] = [];
  (sink as unknown as { onframe: () => void }).onframe = () => {
    count++;
    for (const w of [...waiters]) {
      if (count >= w.target) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  return {
    get count() {
      return count;
    },
    waitFor(target, timeoutMs, relative = false) {
      const goal = relative ? count + target : target;
      if (count >= goal) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${count} of ${goal} frames within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          target: goal,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    stop() {
      sink.stop();
    },
  };
}

/** Waits for one event of an emitter-like object, bounded. */
export function nextEvent<T>(
  target: { once(event: never, handler: never): unknown },
  event: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    (target.once as (e: string, h: (v: T) => void) => unknown)(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** Random 32-byte link secret, base64url (as the invitation link carries it). */
export function randomLinkSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64url');
}
