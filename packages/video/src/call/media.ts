import SimplePeer from 'simple-peer';
import type { Instance as PeerInstance, SignalData } from 'simple-peer';
import { z } from 'zod';
import { readQualityStats, type QualityStats } from './stats.js';
import type { WrtcLike } from './types.js';

/*
 * Peer and media: one simple-peer connection to one other participant, and what travels on its data channel
 * (chat, microphone/camera state, goodbye). SDP and ICE leave through `signal` only, to be sealed by the
 * caller; media and chat never touch the relay.
 */

const dataMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('chat'), text: z.string().max(10_000), at: z.number() }),
  z.strictObject({ t: z.literal('media'), microphone: z.boolean(), camera: z.boolean() }),
  z.strictObject({ t: z.literal('bye') }),
]);

export interface PeerLinkOptions {
  initiator: boolean;
  wrtc: WrtcLike | undefined;
  iceServers: RTCIceServer[];
  stream: MediaStream | undefined;
  /** Keeps only ICE candidates for which this returns true. */
  candidateFilter: ((candidate: RTCIceCandidateInit) => boolean) | undefined;
}

export interface PeerLinkHandlers {
  /** SDP or an ICE candidate for the other end (to be sealed). */
  signal(data: SignalData): void;
  connect(): void;
  track(track: MediaStreamTrack, stream: MediaStream): void;
  stream(stream: MediaStream): void;
  chat(text: string, at: number): void;
  media(state: { microphone: boolean; camera: boolean }): void;
  bye(): void;
  close(): void;
  error(error: Error): void;
}

/** Candidate types as the audit log and the relay's one report know them. */
const KNOWN_CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'];

/** The microphone/camera state of a local stream (a disabled track counts as off). */
export function mediaStateOf(stream: MediaStream | undefined): { microphone: boolean; camera: boolean } {
  return {
    microphone: stream?.getAudioTracks().some((t) => t.enabled) ?? false,
    camera: stream?.getVideoTracks().some((t) => t.enabled) ?? false,
  };
}

export class PeerLink {
  private readonly peer: PeerInstance;

  constructor(options: PeerLinkOptions, handlers: PeerLinkHandlers) {
    const peerOptions: ConstructorParameters<typeof SimplePeer>[0] = {
      initiator: options.initiator,
      trickle: true,
      config: { iceServers: options.iceServers },
    };
    if (options.wrtc !== undefined) peerOptions.wrtc = options.wrtc as NonNullable<typeof peerOptions.wrtc>;
    if (options.stream !== undefined) peerOptions.stream = options.stream;
    const peer = new SimplePeer(peerOptions);
    this.peer = peer;
    peer.on('signal', (data: SignalData) => {
      const candidate = (data as { candidate?: RTCIceCandidateInit }).candidate;
      if (candidate !== undefined && options.candidateFilter !== undefined && !options.candidateFilter(candidate)) return;
      handlers.signal(data);
    });
    peer.on('connect', () => handlers.connect());
    peer.on('track', (track: MediaStreamTrack, stream: MediaStream) => handlers.track(track, stream));
    peer.on('stream', (stream: MediaStream) => handlers.stream(stream));
    peer.on('data', (raw: Uint8Array | string) => {
      let msg;
      try {
        msg = dataMessageSchema.parse(JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)));
      } catch {
        return;
      }
      if (msg.t === 'chat') handlers.chat(msg.text, msg.at);
      else if (msg.t === 'media') handlers.media({ microphone: msg.microphone, camera: msg.camera });
      else handlers.bye();
    });
    peer.on('close', () => handlers.close());
    peer.on('error', (error: Error) => handlers.error(error));
  }

  /** SDP or a candidate from the other end (opened from a sealed envelope). */
  signal(data: SignalData): void {
    this.peer.signal(data);
  }

  sendChat(text: string, at: number): void {
    this.peer.send(JSON.stringify({ t: 'chat', text, at }));
  }

  /** Tells the other end our microphone/camera state; before the channel opens this is a no-op. */
  sendMediaState(stream: MediaStream | undefined): void {
    try {
      this.peer.send(JSON.stringify({ t: 'media', ...mediaStateOf(stream) }));
    } catch {
      // Channel not open yet; the state is sent again on connect.
    }
  }

  /** Goodbye over the data channel (the sealed signaling carries one too). */
  sendBye(): void {
    try {
      this.peer.send(JSON.stringify({ t: 'bye' }));
    } catch {
      // The sealed bye still reaches the peer.
    }
  }

  replaceTrack(old: MediaStreamTrack, next: MediaStreamTrack, stream: MediaStream): void {
    this.peer.replaceTrack(old, next, stream);
  }

  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    this.peer.addTrack(track, stream);
  }

  removeTrack(track: MediaStreamTrack, stream: MediaStream): void {
    this.peer.removeTrack(track, stream);
  }

  /** Quality figures of this connection, or undefined when it has none (yet). */
  async stats(): Promise<QualityStats | undefined> {
    const pc = (this.peer as unknown as { _pc?: RTCPeerConnection })._pc;
    if (pc === undefined) return undefined;
    try {
      return readQualityStats(await pc.getStats());
    } catch {
      return undefined;
    }
  }

  /** The selected candidate pair, as the audit log records it and the relay may learn it (types only). */
  async candidatePair(): Promise<{ local: string; remote: string; protocol: string | undefined; report: { local: string; remote: string } } | undefined> {
    const stats = await this.stats();
    if (stats === undefined) return undefined;
    const local = stats.localCandidateType ?? 'unknown';
    const remote = stats.remoteCandidateType ?? 'unknown';
    const known = (t: string): string => (KNOWN_CANDIDATE_TYPES.includes(t) ? t : 'unknown');
    return { local, remote, protocol: stats.protocol, report: { local: known(local), remote: known(remote) } };
  }

  destroy(): void {
    this.peer.destroy();
  }
}
