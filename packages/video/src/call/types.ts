import type { PvsKitError } from '@pvskit/core';
import type { CallRole } from './e2e.js';
import type { QualityStats } from './stats.js';

/* Public types of the call client (browser-safe). */

/** The subset of the WebSocket API the client uses (browser `WebSocket` and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor (browser global `WebSocket`, or `WebSocket` from the `ws` package in Node). */
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** A WebRTC implementation for simple-peer (browser globals, or `@roamhq/wrtc` in Node). */
export interface WrtcLike {
  RTCPeerConnection: unknown;
  RTCSessionDescription: unknown;
  RTCIceCandidate: unknown;
}

/** Options of {@link createCallClient}. */
export interface CallClientOptions {
  /** `ws://…/signal` or `wss://…/signal`. */
  signalingUrl: string;
  /** Random appointment id (from the invitation link or a code redemption). */
  appointmentId: string;
  role: CallRole;
  /** Link secret (32 bytes, or base64url as in `#k=`). The doctor passes it to accept link guests. */
  secret?: Uint8Array | string;
  /**
   * Patient: the code they typed. Doctor: the patient's code, to run the PAKE with code guests. Only its PAKE
   * part (after the locator) is used, and only inside CPace; it never goes to the relay.
   */
  code?: string;
  /** Doctor ticket (from the PVS via `issueDoctorTicket`, or redeeming the doctor code). Doctor only. */
  ticket?: string;
  /** Patient's full name (R3); travels only sealed, end to end. */
  name?: string;
  /**
   * Patient: the consent they gave on the join page (R16), with the version of the text shown. It travels inside
   * the sealed introduction, so only the doctor's client (which proved the code or link) can receive and
   * record it.
   */
  consent?: { textVersion: string };
  /**
   * Doctor: PAKE tries after which this client refuses further code guests. Default 10. A try counts from the
   * moment our confirmation goes out (also while the guest has not answered yet) and is given back only once
   * the guest the doctor admitted is in (not when the admission fails).
   */
  maxPakeFailures?: number;
  /**
   * Doctor: where the count of spent PAKE tries outlives this page load. Without it a reload (which a relay can
   * provoke by dropping the socket) restores the whole budget of `maxPakeFailures`. The host keeps it per
   * appointment and code pair (new codes start at 0), in its own storage, never the relay's.
   */
  pakeTryLedger?: PakeTryLedger;
  /**
   * Patient: handshakes this client starts (one per doctor it sees arrive) before it gives up with CRYPTO
   * `too-many-handshakes`. Default 10. Bounds how many SAS samples a relay that knows the code can draw.
   */
  maxHandshakes?: number;
  /** Doctor: how long a code guest may take to confirm the PAKE before the try counts as failed. Default 20 s. */
  pakeConfirmTimeoutMs?: number;
  /** WebRTC implementation; browsers use their globals when omitted. */
  wrtc?: WrtcLike;
  /** WebSocket implementation; `globalThis.WebSocket` when omitted. */
  WebSocket?: WebSocketConstructorLike;
  /** ICE servers (EU-only, host configuration). Default `[]`: no third-party STUN (R9). */
  iceServers?: RTCIceServer[];
  /** Local camera/microphone. */
  mediaStream?: MediaStream;
  /** Resolves once consent (R16) and the introduction (R18) are recorded; throws otherwise. Called before
   * the doctor admits and before the patient's peer starts. */
  mayStart?: () => Promise<void>;
  /** Keeps only ICE candidates for which this returns true (e.g. loopback only in tests). */
  candidateFilter?: (candidate: RTCIceCandidateInit) => boolean;
  /** Receives audit events (candidate pair type, connected, ended, crypto failures). */
  audit?: (event: CallAuditEvent) => void;
  /** Reconnect attempts after the signaling connection drops. Default 30. */
  maxReconnectAttempts?: number;
  /** First reconnect delay; doubles up to 2 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /** Emit `stats` every this many ms while in a call; 0 (default) disables. */
  statsIntervalMs?: number;
}

/** Client lifecycle. */
export type CallState =
  | 'idle'
  | 'connecting'
  | 'waiting'
  | 'ready'
  | 'in-call'
  | 'reconnecting'
  | 'ended'
  | 'failed';

/** What the client records for the audit log (metadata only). */
export type CallAuditEvent =
  | { type: 'candidate-pair'; peerId: string; local: string; remote: string; protocol: string | undefined }
  | { type: 'connected'; peerId: string }
  | { type: 'ended'; peerId: string; by: 'self' | 'remote'; reason: string }
  | { type: 'crypto-failure'; peerId: string; reason: string }
  | { type: 'sas'; peerId: string; sas: string }
  | { type: 'admitted'; peerId: string };

/** A waiting patient whose identity was proven end to end (link secret or PAKE). */
export interface Knock {
  peerId: string;
  /** Full name the patient entered. */
  name: string;
  mode: 'link' | 'pake';
  /** Short authentication string; the patient's screen shows the same one unless someone sits in between. */
  sas: string;
  /** The consent the patient gave on the join page, if any (sealed, so nobody else could send it). */
  consent?: { textVersion: string };
}

/** Events of a {@link CallClient}. */
export interface CallClientEvents {
  state: (state: CallState) => void;
  /** Doctor: a verified patient is waiting; call `admit(peerId)` to let them in. */
  knock: (knock: Knock) => void;
  /** Doctor: a waiting patient failed the handshake (wrong code or secret). */
  'knock-failed': (event: { peerId: string; reason: string }) => void;
  /** Patient: we are in the waiting room. */
  waiting: () => void;
  /** Both: the handshake with `peerId` is complete; `sas` is what both screens show to compare aloud. */
  sas: (event: { peerId: string; sas: string }) => void;
  admitted: () => void;
  connected: (event: { peerId: string }) => void;
  track: (track: MediaStreamTrack, stream: MediaStream, peerId: string) => void;
  stream: (stream: MediaStream, peerId: string) => void;
  chat: (message: { from: CallRole; text: string; at: number }) => void;
  'remote-media': (state: { peerId: string; microphone: boolean; camera: boolean }) => void;
  'self-view': (hidden: boolean) => void;
  stats: (stats: QualityStats & { peerId: string }) => void;
  audit: (event: CallAuditEvent) => void;
  reconnecting: (attempt: number) => void;
  resumed: () => void;
  'peer-left': (event: { peerId: string; reason: string }) => void;
  ended: (event: { by: 'self' | 'remote'; reason: string; peerId?: string }) => void;
  /** Code guests are turned away: the server locked the appointment, or (doctor) this page's tries or the host's shared budget are spent. */
  locked: () => void;
  /**
   * Doctor: the host's shared budget (`pakeTryLedger.reserve`) could not be asked, so this knock was turned away
   * without a confirmation. The page is not locked: the patient may knock again, and the host is asked again.
   */
  'budget-unreachable': (event: { peerId: string; error: PvsKitError }) => void;
  error: (error: PvsKitError) => void;
}

/** Doctor: the host's record of PAKE tries spent on the current code pair (see `pakeTryLedger`). */
export interface PakeTryLedger {
  /** Tries already spent before this client started (0 for a fresh code pair). */
  readonly spent: number;
  /**
   * Called with this client's new count each time it changes (`spent` plus its own tries, minus its admissions);
   * the host stores it (errors are the host's to report). Where the call page can be open more than once per
   * appointment, store the changes added up, not the last count: a page with a lower count would otherwise
   * overwrite what another page spent.
   */
  record(spent: number): void;
  /**
   * Optional: asked before each PAKE confirmation. Resolves true when the host's shared count (every call page
   * of this appointment and code pair) had a try left and has taken it for this client; false and this client
   * sends no confirmation and emits `locked`. A rejection (host unreachable) turns away only the knock at hand,
   * without a confirmation, and emits `budget-unreachable`. With it, call pages open at the same time share
   * one budget instead of `maxPakeFailures` each. The try taken belongs to this client: the counts `record`
   * reports afterwards include it, so the host must not add it a second time.
   */
  reserve?(): Promise<boolean>;
}
