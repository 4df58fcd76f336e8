import { PvsKitError } from '@pvskit/core';
import type { SignalData } from 'simple-peer';
import type { ServerMessage } from '../signaling/protocol.js';
import { normaliseAccessCode, splitAccessCode } from '../access-code/access-code.js';
import { fromBase64Url } from './bytes.js';
import { deriveLinkKey, type CallRole } from './e2e.js';
import {
  asCrypto,
  cryptoFailure,
  doctorAccept,
  doctorVerifyIntro,
  knockSchema,
  newHandshake,
  patientIntro,
  patientOpen,
  sealedPayloadSchema,
  type HandshakeSecrets,
  type HandshakeState,
  type IntroPayload,
  type KnockMessage,
} from './handshake.js';
import { SignalingConnection } from './connection.js';
import { TypedEmitter } from './emitter.js';
import { PeerLink } from './media.js';
import { loadSodium, type Sodium } from './sodium.js';
import type { QualityStats } from './stats.js';
import type { CallAuditEvent, CallClientEvents, CallClientOptions, CallState, Knock } from './types.js';

export type * from './types.js';
export { parseInvitationLink, redeemAccessCode } from './invitation.js';

/** Everything about one peer: the handshake and, once admitted, the P2P connection. */
interface Session extends HandshakeState {
  peerId: string;
  name: string | undefined;
  verified: boolean;
  admitted: boolean;
  peer: PeerLink | undefined;
  pendingSignals: SignalData[];
  connected: boolean;
  closed: boolean;
  statsTimer: ReturnType<typeof setInterval> | undefined;
  /** Doctor: the try this PAKE spent was given back (the doctor admitted the patient). */
  trySettled: boolean;
  /** Doctor: a PAKE answered but not yet confirmed counts as a failed try if it never confirms. */
  confirmTimer: ReturnType<typeof setTimeout> | undefined;
  /** Doctor: waiting for the host's word (`pakeTryLedger.reserve`) before answering the knock. */
  reserving: boolean;
}

/** How long the doctor waits for the patient's PAKE confirmation before counting the try as failed. */
const PAKE_CONFIRM_TIMEOUT_MS = 20_000;
const DEFAULT_MAX_PAKE_FAILURES = 10;
/** Patient: a few doctor reloads per page load are normal; dozens are someone searching for a matching SAS. */
const DEFAULT_MAX_HANDSHAKES = 10;

/**
 * A video call participant: signaling with end-to-end sealed envelopes, waiting room, and a simple-peer
 * P2P connection. Browser-safe: pass `wrtc` and `WebSocket` in Node.
 */
export class CallClient extends TypedEmitter<CallClientEvents> {
  private sodium: Sodium | undefined;
  private readonly connection: SignalingConnection;
  private readonly sessions = new Map<string, Session>();
  private admitted = false;
  private stateValue: CallState = 'idle';
  /** The link key and the PAKE part of the patient code (never the locator, never sent anywhere). */
  private readonly secrets: HandshakeSecrets = { linkKey: undefined, code: undefined };
  /**
   * Doctor: PAKE confirmations sent and not followed by the doctor admitting the patient. A try is spent the
   * moment the confirmation goes out (a guesser can test one code against it from then on) and given back only
   * once the patient the doctor admitted is in, so neither many knocks at once nor a session forgotten on a fresh `welcome` gets a
   * guess for free, and a relay that knows the code cannot draw SAS sample after sample from completed
   * handshakes it then abandons.
   */
  private pakeTriesSpent: number;
  /** Patient: handshakes started on this page load (each one a SAS sample for whoever answers as "doctor"). */
  private handshakesStarted = 0;
  private lockedLocally = false;
  /** Doctor: the host's shared budget (`pakeTryLedger.reserve`) had no try left for this client. */
  private sharedBudgetSpent = false;
  /** Doctor: tries asked of the host and not yet answered; they count against our own limit too. */
  private pakeTriesReserving = 0;
  private readonly pendingAdmits = new Map<string, { resolve: () => void; reject: (e: PvsKitError) => void }>();
  private screen: { track: MediaStreamTrack; stream: MediaStream; replaced: MediaStreamTrack | undefined } | undefined;
  private selfViewHidden = false;
  private connectWaiter: { resolve: () => void; reject: (e: PvsKitError) => void } | undefined;

  /** @internal Use {@link createCallClient}. */
  constructor(
    private readonly options: CallClientOptions,
    sodium: Sodium,
  ) {
    super();
    this.sodium = sodium;
    this.pakeTriesSpent = triesSpentBefore(options);
    this.connection = new SignalingConnection(
      {
        url: options.signalingUrl,
        WebSocket: options.WebSocket,
        appointmentId: options.appointmentId,
        role: options.role,
        ticket: options.ticket,
        maxReconnectAttempts: options.maxReconnectAttempts,
        reconnectDelayMs: options.reconnectDelayMs,
      },
      {
        message: (msg) => this.onServerMessage(msg),
        failed: (error) => this.failAll(error),
        reconnecting: (attempt) => this.emit('reconnecting', attempt),
        error: (error) => this.emit('error', error),
      },
    );
    if (options.role === 'patient' && (options.name === undefined || options.name.trim().split(/\s+/).length < 2)) {
      throw new PvsKitError('VALIDATION', 'Patients must give first and last name', {
        userMessage: 'Bitte geben Sie Ihren vollständigen Vor- und Nachnamen ein.',
      });
    }
    if (options.role === 'doctor' && options.ticket === undefined) {
      throw new PvsKitError('AUTH', 'The doctor needs a ticket', { userMessage: 'Anmeldung als Arzt/Ärztin fehlt.' });
    }
    if (options.secret !== undefined) {
      const secret = typeof options.secret === 'string' ? fromBase64Url(options.secret) : options.secret;
      if (secret === undefined) throw cryptoFailure('Link secret is not base64url', 'link-secret');
      this.secrets.linkKey = deriveLinkKey(sodium, secret, options.appointmentId);
    }
    if (options.code !== undefined) {
      const code = normaliseAccessCode(options.code);
      if (code === null) {
        throw new PvsKitError('AUTH', 'Access code has the wrong form', { userMessage: 'Zugangscode unbekannt' });
      }
      this.secrets.code = splitAccessCode(code).secret;
    }
    if (options.role === 'patient' && this.secrets.linkKey === undefined && this.secrets.code === undefined) {
      throw new PvsKitError('AUTH', 'A patient needs the link secret or the access code', {
        userMessage: 'Bitte öffnen Sie den Einladungslink oder geben Sie Ihren Zugangscode ein.',
      });
    }
  }

  private get maxPakeFailures(): number {
    return this.options.maxPakeFailures ?? DEFAULT_MAX_PAKE_FAILURES;
  }

  /** Current lifecycle state. */
  get state(): CallState {
    return this.stateValue;
  }

  /** Our participant id once connected. */
  get id(): string | undefined {
    return this.connection.peerId;
  }

  /**
   * The short authentication string of the session with `peerId` (patient: the doctor; omitted: the first
   * completed session), once the handshake is complete. Both screens show the same value unless someone sits
   * in between; the doctor may compare it aloud when in doubt.
   */
  sas(peerId?: string): string | undefined {
    if (peerId !== undefined) return this.sessions.get(peerId)?.sas;
    return [...this.sessions.values()].find((x) => x.sas !== undefined)?.sas;
  }

  /** Whether the own picture is hidden in the UI. */
  get isSelfViewHidden(): boolean {
    return this.selfViewHidden;
  }

  private setState(state: CallState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  /** Connects to the signaling server and joins (doctor: the room; patient: the waiting room). */
  connect(): Promise<void> {
    if (this.stateValue !== 'idle') return Promise.reject(new PvsKitError('CONFLICT', 'Already connected'));
    this.setState('connecting');
    return new Promise<void>((resolve, reject) => {
      this.connectWaiter = { resolve, reject };
      this.connection.open();
    });
  }

  private failAll(error: PvsKitError): void {
    if (this.stateValue === 'ended' || this.stateValue === 'failed') return;
    this.connectWaiter?.reject(error);
    this.connectWaiter = undefined;
    for (const pending of this.pendingAdmits.values()) pending.reject(error);
    this.pendingAdmits.clear();
    for (const s of this.sessions.values()) this.destroySession(s);
    this.setState('failed');
    this.connection.stop('failed');
    this.emit('error', error);
  }

  private sendServer(msg: Record<string, unknown>): void {
    this.connection.send(msg);
  }

  private relay(peerId: string, body: KnockMessage): void {
    this.sendServer({ t: 'relay', to: peerId, body: JSON.stringify(body) });
  }

  private onServerMessage(msg: ServerMessage): void {
    switch (msg.t) {
      case 'welcome': {
        const wasResume = msg.resumed && this.connection.peerId === msg.peerId;
        this.connection.joined(msg.peerId, msg.resumeToken);
        this.admitted = msg.admitted;
        if (this.connectWaiter !== undefined) {
          this.connectWaiter.resolve();
          this.connectWaiter = undefined;
        }
        if (wasResume) {
          this.emit('resumed');
          this.setState(this.anyConnected() ? 'in-call' : this.options.role === 'patient' && !this.admitted ? 'waiting' : 'ready');
        } else {
          if (this.sessions.size > 0) {
            // A fresh slot: earlier sessions are gone on the server side; keep no half-open state.
            for (const s of this.sessions.values()) this.destroySession(s);
            this.sessions.clear();
          }
          this.setState(this.options.role === 'patient' ? 'waiting' : 'ready');
          if (this.options.role === 'patient') this.emit('waiting');
        }
        for (const peer of msg.peers) this.onPeerPresent(peer.peerId, peer.role, peer.admitted);
        return;
      }
      case 'peer-joined':
        this.onPeerPresent(msg.peer.peerId, msg.peer.role, msg.peer.admitted);
        return;
      case 'peer-left': {
        const s = this.sessions.get(msg.peerId);
        this.emit('peer-left', { peerId: msg.peerId, reason: msg.reason });
        if (s !== undefined && this.options.role === 'doctor' && s.confirmationSent && !s.verified) {
          // Leaving mid-handshake: after our confirmation went out, the try is spent.
          this.rejectKnock(s, cryptoFailure('Patient left during the handshake', 'left'));
          return;
        }
        if (s !== undefined) {
          const wasConnected = s.connected;
          this.destroySession(s);
          this.sessions.delete(msg.peerId);
          if (wasConnected) this.emit('ended', { by: 'remote', reason: msg.reason, peerId: msg.peerId });
          if (!this.anyConnected() && this.stateValue === 'in-call') this.setState('ready');
        }
        return;
      }
      case 'peer-admitted': {
        const s = this.sessions.get(msg.peerId);
        // Admission is the doctor's decision: a relay announcing one the doctor never asked for (or repeated
        // for a patient let in before) starts nothing.
        if (!this.pendingAdmits.has(msg.peerId) && s?.admitted !== true) return;
        if (s !== undefined) {
          s.admitted = true;
          this.audit({ type: 'admitted', peerId: s.peerId });
          this.startPeer(s, true);
        }
        this.pendingAdmits.get(msg.peerId)?.resolve();
        this.pendingAdmits.delete(msg.peerId);
        return;
      }
      case 'admitted':
        this.connection.refreshToken(msg.resumeToken);
        this.admitted = true;
        // Admitted again into a slot the server had lost while the call ran peer to peer: nothing changes here.
        if (this.anyConnected()) return;
        this.emit('admitted');
        this.setState('ready');
        for (const s of this.sessions.values()) {
          s.admitted = true;
          void this.startPatientPeer(s);
        }
        return;
      case 'token':
        this.connection.refreshToken(msg.resumeToken);
        return;
      case 'denied':
        this.endLocal('remote', 'denied');
        return;
      case 'locked':
        this.emit('locked');
        return;
      case 'relay':
        this.onRelay(msg.from, msg.body);
        return;
      case 'error': {
        const error = new PvsKitError(msg.code as PvsKitError['code'], msg.message, { userMessage: msg.userMessage });
        if (msg.fatal) {
          this.connection.fatal(error);
          return;
        }
        const pending = [...this.pendingAdmits.entries()][0];
        if (pending !== undefined) {
          this.pendingAdmits.delete(pending[0]);
          pending[1].reject(error);
          return;
        }
        this.emit('error', error);
        return;
      }
    }
  }

  private newSession(peerId: string): Session {
    const s: Session = {
      ...newHandshake(),
      peerId,
      name: undefined,
      verified: false,
      admitted: false,
      peer: undefined,
      pendingSignals: [],
      connected: false,
      closed: false,
      statsTimer: undefined,
      confirmTimer: undefined,
      trySettled: false,
      reserving: false,
    };
    this.sessions.set(peerId, s);
    return s;
  }

  private onPeerPresent(peerId: string, role: CallRole, admitted: boolean): void {
    if (this.options.role === 'doctor') {
      // A patient we had admitted comes back into a slot the server no longer held (restart, long drop): the
      // server made it wait again; our sealed session with it still stands, so we admit it again.
      const s = this.sessions.get(peerId);
      if (role === 'patient' && !admitted && s !== undefined && s.verified && s.admitted && !s.closed) this.sendServer({ t: 'admit', peer: peerId });
      return;
    }
    if (role !== 'doctor' || this.sessions.has(peerId)) return;
    // A new doctor id means a new session (the old doctor left or reloaded).
    for (const old of [...this.sessions.values()]) {
      this.destroySession(old);
      this.sessions.delete(old.peerId);
    }
    // A relay knowing the code could otherwise play a new "doctor" again and again, each time learning the SAS
    // of a fresh session, until one equals the SAS of its session with the real doctor.
    if (++this.handshakesStarted > (this.options.maxHandshakes ?? DEFAULT_MAX_HANDSHAKES)) {
      this.failAll(cryptoFailure('Too many handshakes on one page load (someone keeps restarting them)', 'too-many-handshakes'));
      return;
    }
    const s = this.newSession(peerId);
    s.admitted = this.admitted;
    this.relay(peerId, patientOpen(this.requireSodium(), this.options.appointmentId, this.secrets, s));
  }

  private requireSodium(): Sodium {
    if (this.sodium === undefined) throw new PvsKitError('INTERNAL', 'libsodium not loaded');
    return this.sodium;
  }

  private onRelay(from: string, body: string): void {
    let msg: KnockMessage;
    try {
      msg = knockSchema.parse(JSON.parse(body));
    } catch {
      this.sessionFailure(from, cryptoFailure('Malformed signaling message from peer', 'malformed'));
      return;
    }
    if (this.options.role === 'doctor') this.onDoctorRelay(from, msg);
    else this.onPatientRelay(from, msg);
  }

  private onDoctorRelay(from: string, msg: KnockMessage): void {
    if (msg.k === 'open') {
      this.onOpen(from, msg);
      return;
    }
    const s = this.sessions.get(from);
    if (s === undefined || s.closed) return;
    if (s.reserving) {
      this.sessionFailure(from, cryptoFailure(`Handshake message ${msg.k} before our answer`, 'protocol'));
      return;
    }
    if (msg.k === 'intro') this.onIntro(s, msg);
    else if (msg.k === 'env' && s.channel !== undefined) this.onEnvelope(s, msg.env);
    else this.sessionFailure(from, cryptoFailure(`Unexpected handshake message ${msg.k}`, 'protocol'));
  }

  /** Doctor: a patient knocks. We answer with our nonce (and CPace share and confirmation). */
  private onOpen(from: string, msg: Extract<KnockMessage, { k: 'open' }>): void {
    if (this.sessions.has(from)) {
      this.sessionFailure(from, cryptoFailure('Handshake restarted within a session', 'replayed-open'));
      return;
    }
    const s = this.newSession(from);
    // After too many failed tries we send no further confirmation a guesser could test a code against, even
    // if the relay never counted them; nor if the host would grant more (tries still being asked for count).
    const pakeAllowed = this.pakeTriesSpent + this.pakeTriesReserving < this.maxPakeFailures && !this.sharedBudgetSpent;
    const reserve = this.options.pakeTryLedger?.reserve;
    if (pakeAllowed && msg.mode === 'pake' && reserve !== undefined) {
      // The host's word comes before the confirmation, so other call pages cannot spend the same try. A try
      // granted for a session that ends meanwhile stays spent (the safe side).
      s.reserving = true;
      this.pakeTriesReserving++;
      Promise.resolve()
        .then(() => reserve.call(this.options.pakeTryLedger))
        .then(
          (granted) => this.onReserved(msg, s, granted === true),
          (error: unknown) => this.onBudgetUnreachable(s, error),
        )
        .catch((error: unknown) => this.emit('error', asCrypto(error)));
      return;
    }
    this.answerOpen(from, msg, s, pakeAllowed, false);
  }

  /** Doctor: the host's word on a try. `false` means the shared budget is spent: this page takes no code guest any more. */
  private onReserved(msg: Extract<KnockMessage, { k: 'open' }>, s: Session, granted: boolean): void {
    this.reserveAnswered(s);
    if (granted) this.pakeTriesSpent++;
    else this.sharedBudgetSpent = true;
    if (s.closed || this.sessions.get(s.peerId) !== s) return;
    this.answerOpen(s.peerId, msg, s, granted, true);
  }

  /**
   * Doctor: the host could not be asked (practice server unreachable, network error). Without its word no
   * confirmation goes out, but a hiccup is not the host saying "no try left": only this knock is turned away,
   * and the next one asks again.
   */
  private onBudgetUnreachable(s: Session, cause: unknown): void {
    this.reserveAnswered(s);
    if (!s.closed && this.sessions.get(s.peerId) === s) {
      this.sendServer({ t: 'deny', peer: s.peerId });
      this.destroySession(s);
      this.sessions.delete(s.peerId);
    }
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new PvsKitError('TRANSPORT', `pakeTryLedger.reserve failed (${reason}); the knock was turned away without a confirmation`, {
      cause,
      userMessage: 'Die Praxis-Software war nicht erreichbar; der Patient kann sich gleich erneut verbinden.',
    });
    this.emit('budget-unreachable', { peerId: s.peerId, error });
  }

  private reserveAnswered(s: Session): void {
    s.reserving = false;
    this.pakeTriesReserving--;
  }

  /** Doctor: our answer to a knock; `reserved`: the try was already taken from the host's shared budget. */
  private answerOpen(from: string, msg: Extract<KnockMessage, { k: 'open' }>, s: Session, pakeAllowed: boolean, reserved: boolean): void {
    if (!pakeAllowed && msg.mode === 'pake') this.announceLocalLock();
    let accept: KnockMessage;
    try {
      accept = doctorAccept(this.requireSodium(), this.options.appointmentId, msg, this.secrets, pakeAllowed, s);
    } catch (error) {
      this.sessionFailure(from, asCrypto(error));
      return;
    }
    if (s.confirmationSent) {
      if (!reserved) this.setPakeTriesSpent(this.pakeTriesSpent + 1);
      s.confirmTimer = setTimeout(() => {
        if (!s.verified && !s.closed) this.sessionFailure(from, cryptoFailure('PAKE not confirmed in time', 'pake'));
      }, this.options.pakeConfirmTimeoutMs ?? PAKE_CONFIRM_TIMEOUT_MS);
    }
    this.relay(from, accept);
  }

  /** Doctor: the patient proves its key (CPace confirmation), reveals its nonce and introduces itself, sealed. */
  private onIntro(s: Session, msg: Extract<KnockMessage, { k: 'intro' }>): void {
    let payload;
    try {
      payload = doctorVerifyIntro(this.requireSodium(), this.options.appointmentId, msg, s.verified, s);
    } catch (error) {
      this.sessionFailure(s.peerId, asCrypto(error));
      return;
    }
    s.verified = true;
    if (s.confirmTimer !== undefined) clearTimeout(s.confirmTimer);
    s.name = payload.name;
    this.announceSas(s);
    const knock: Knock = { peerId: s.peerId, name: payload.name, mode: s.mode ?? 'link', sas: s.sas as string };
    if (payload.consent !== undefined) knock.consent = payload.consent;
    this.emit('knock', knock);
  }

  /** The SAS of a finished handshake: audited and announced. */
  private announceSas(s: Session): void {
    if (s.sas === undefined) return;
    this.audit({ type: 'sas', peerId: s.peerId, sas: s.sas });
    this.emit('sas', { peerId: s.peerId, sas: s.sas });
  }

  private onPatientRelay(from: string, msg: KnockMessage): void {
    const s = this.sessions.get(from);
    if (s === undefined || s.closed) return;
    if (msg.k === 'accept') {
      const intro: IntroPayload = { t: 'intro', name: (this.options.name ?? '').trim() };
      if (this.options.consent !== undefined) intro.consent = { textVersion: this.options.consent.textVersion };
      let message: KnockMessage;
      try {
        message = patientIntro(this.requireSodium(), this.options.appointmentId, msg, this.secrets, intro, s);
      } catch (error) {
        const e = asCrypto(error);
        if (e.details?.reason === 'pake') this.pakeFailed(from, e);
        else this.sessionFailure(from, e);
        return;
      }
      this.relay(from, message);
      this.announceSas(s);
      if (this.admitted) void this.startPatientPeer(s);
      return;
    }
    if (msg.k === 'env' && s.channel !== undefined) {
      this.onEnvelope(s, msg.env);
      return;
    }
    this.sessionFailure(from, cryptoFailure(`Unexpected handshake message ${msg.k}`, 'protocol'));
  }

  private onEnvelope(s: Session, env: unknown): void {
    if (s.channel === undefined) return;
    let payload;
    try {
      payload = sealedPayloadSchema.parse(s.channel.open(env));
    } catch (error) {
      this.sessionFailure(s.peerId, asCrypto(error));
      return;
    }
    if (payload.t === 'signal') {
      if (s.peer !== undefined) s.peer.signal(payload.data as unknown as SignalData);
      else s.pendingSignals.push(payload.data as unknown as SignalData);
    } else if (payload.t === 'bye') {
      this.remoteEnded(s, 'hang-up');
    } else {
      this.sessionFailure(s.peerId, cryptoFailure('Unexpected introduction mid-session', 'protocol'));
    }
  }

  private sealTo(s: Session, payload: unknown): void {
    if (s.channel === undefined || s.closed) return;
    this.relay(s.peerId, { k: 'env', env: s.channel.seal(payload) });
  }

  /** Patient: the doctor's PAKE answer did not confirm (wrong code, or someone in between). */
  private pakeFailed(peerId: string, error: PvsKitError): void {
    this.audit({ type: 'crypto-failure', peerId, reason: 'pake' });
    this.failAll(error);
  }

  /**
   * Doctor: a waiting patient's handshake ended without success. Once our PAKE confirmation went out, a
   * guesser could test one code against it, so every such end (wrong or missing confirmation, malformed,
   * second or out-of-turn message, leaving, timeout) is a failed try: reported to the server and counted here,
   * where a hostile relay cannot undo it.
   */
  private rejectKnock(s: Session, error: PvsKitError): void {
    const reason = String(error.details?.reason ?? 'crypto');
    const spentTry = s.confirmationSent && !s.verified;
    if (spentTry) {
      // Counted in pakeTriesSpent when the confirmation went out; here it is only reported.
      this.sendServer({ t: 'pake-failed', peer: s.peerId });
      this.announceLocalLock();
    } else {
      this.sendServer({ t: 'deny', peer: s.peerId });
    }
    this.destroySession(s);
    this.sessions.delete(s.peerId);
    this.audit({ type: 'crypto-failure', peerId: s.peerId, reason: spentTry ? 'pake' : reason });
    this.emit('knock-failed', { peerId: s.peerId, reason: spentTry ? 'pake' : reason });
  }

  private setPakeTriesSpent(spent: number): void {
    this.pakeTriesSpent = spent;
    this.options.pakeTryLedger?.record(spent);
  }

  /** Doctor: once the tries are spent, the host learns (once) that code guests are turned away from now on. */
  private announceLocalLock(): void {
    if ((this.pakeTriesSpent < this.maxPakeFailures && !this.sharedBudgetSpent) || this.lockedLocally) return;
    this.lockedLocally = true;
    this.emit('locked');
  }

  /** A crypto failure inside a session: the session (and for two-party calls the call) stops. */
  private sessionFailure(peerId: string, error: PvsKitError): void {
    const s = this.sessions.get(peerId);
    if (this.options.role === 'doctor' && s !== undefined && !s.admitted) {
      this.rejectKnock(s, error);
      return;
    }
    this.audit({ type: 'crypto-failure', peerId, reason: String(error.details?.reason ?? 'crypto') });
    if (s !== undefined) {
      this.destroySession(s);
      this.sessions.delete(peerId);
    }
    if (this.options.role === 'doctor' && s === undefined) {
      // No session yet (e.g. an unparsable first message): turn the knock away.
      this.sendServer({ t: 'deny', peer: peerId });
      this.emit('knock-failed', { peerId, reason: String(error.details?.reason ?? 'crypto') });
      return;
    }
    if (this.options.role === 'patient' || this.connectedCount() === 0) this.failAll(error);
    else this.emit('error', error);
  }

  /** Doctor: lets a verified waiting patient in. Resolves once the server admitted them. */
  async admit(peerId: string): Promise<void> {
    if (this.options.role !== 'doctor') throw new PvsKitError('FORBIDDEN', 'Only the doctor admits');
    const s = this.sessions.get(peerId);
    if (s === undefined || !s.verified) {
      throw new PvsKitError('NOT_FOUND', 'No verified waiting patient with this id', { userMessage: 'Diese Person wartet nicht (mehr).' });
    }
    await this.options.mayStart?.();
    await new Promise<void>((resolve, reject) => {
      this.pendingAdmits.set(peerId, { resolve, reject });
      this.sendServer({ t: 'admit', peer: peerId });
    });
    // The patient is in: the try was the genuine patient's, not a guess. Only now, or an admission that fails
    // (a refused start, a relay that never confirms) would hand back a completed handshake's try, a SAS sample.
    if (s.confirmationSent && !s.trySettled) {
      s.trySettled = true;
      this.setPakeTriesSpent(this.pakeTriesSpent - 1);
    }
  }

  /** Doctor: turns a waiting patient away. */
  deny(peerId: string): void {
    this.sendServer({ t: 'deny', peer: peerId });
    const s = this.sessions.get(peerId);
    if (s !== undefined) {
      this.destroySession(s);
      this.sessions.delete(peerId);
    }
  }

  private async startPatientPeer(s: Session): Promise<void> {
    if (s.peer !== undefined || s.channel === undefined || s.closed) return;
    try {
      await this.options.mayStart?.();
    } catch (error) {
      this.failAll(error instanceof PvsKitError ? error : new PvsKitError('FORBIDDEN', String(error)));
      return;
    }
    this.startPeer(s, false);
  }

  private startPeer(s: Session, initiator: boolean): void {
    if (s.peer !== undefined || s.closed) return;
    const peer = new PeerLink(
      {
        initiator,
        wrtc: this.options.wrtc,
        iceServers: this.options.iceServers ?? [],
        stream: this.options.mediaStream,
        candidateFilter: this.options.candidateFilter,
      },
      {
        signal: (data) => this.sealTo(s, { t: 'signal', data }),
        connect: () => this.onPeerConnected(s),
        track: (track, stream) => this.emit('track', track, stream, s.peerId),
        stream: (stream) => this.emit('stream', stream, s.peerId),
        chat: (text, at) => this.emit('chat', { from: this.options.role === 'doctor' ? 'patient' : 'doctor', text, at }),
        media: (state) => this.emit('remote-media', { peerId: s.peerId, ...state }),
        bye: () => this.remoteEnded(s, 'hang-up'),
        close: () => {
          if (!s.closed && s.connected) this.remoteEnded(s, 'connection-closed');
        },
        error: (error) => {
          if (!s.closed) this.emit('error', new PvsKitError('TRANSPORT', `WebRTC: ${error.message}`, { userMessage: 'Die Verbindung ist abgebrochen.' }));
        },
      },
    );
    s.peer = peer;
    for (const data of s.pendingSignals.splice(0)) peer.signal(data);
  }

  private onPeerConnected(s: Session): void {
    s.connected = true;
    this.setState('in-call');
    this.audit({ type: 'connected', peerId: s.peerId });
    this.emit('connected', { peerId: s.peerId });
    s.peer?.sendMediaState(this.options.mediaStream);
    void this.recordCandidatePair(s);
    const every = this.options.statsIntervalMs ?? 0;
    if (every > 0) {
      s.statsTimer = setInterval(() => {
        void this.statsOf(s).then((stats) => stats !== undefined && this.emit('stats', { ...stats, peerId: s.peerId }));
      }, every);
    }
  }

  private async recordCandidatePair(s: Session): Promise<void> {
    const pair = s.closed ? undefined : await s.peer?.candidatePair();
    if (pair === undefined) return;
    this.audit({ type: 'candidate-pair', peerId: s.peerId, local: pair.local, remote: pair.remote, protocol: pair.protocol });
    this.sendServer({ t: 'report', kind: 'candidate-type', ...pair.report });
  }

  private async statsOf(s: Session): Promise<QualityStats | undefined> {
    return s.closed ? undefined : s.peer?.stats();
  }

  /** Quality figures of the (first) connected peer (R7): bitrate, frames, loss, RTT, candidate types. */
  async getQualityStats(peerId?: string): Promise<QualityStats | undefined> {
    const s = peerId !== undefined ? this.sessions.get(peerId) : [...this.sessions.values()].find((x) => x.connected);
    return s === undefined ? undefined : this.statsOf(s);
  }

  private audit(event: CallAuditEvent): void {
    this.options.audit?.(event);
    this.emit('audit', event);
  }

  private connectedCount(): number {
    return [...this.sessions.values()].filter((s) => s.connected && !s.closed).length;
  }

  private anyConnected(): boolean {
    return this.connectedCount() > 0;
  }

  /** Sends a chat message over the P2P data channel (never through the server, R8). */
  sendChat(text: string): void {
    const peers = [...this.sessions.values()].filter((s) => s.connected && s.peer !== undefined);
    if (peers.length === 0) throw new PvsKitError('CONFLICT', 'Not in a call', { userMessage: 'Keine Verbindung.' });
    const at = Date.now();
    for (const s of peers) s.peer?.sendChat(text, at);
  }

  private localTracks(kind: 'audio' | 'video'): MediaStreamTrack[] {
    const stream = this.options.mediaStream;
    if (stream === undefined) return [];
    return kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
  }

  private broadcastMediaState(): void {
    for (const s of this.sessions.values()) if (s.connected) s.peer?.sendMediaState(this.options.mediaStream);
  }

  /** Mutes or unmutes the microphone (the track stays, nothing is renegotiated). */
  setMicrophoneEnabled(enabled: boolean): void {
    for (const t of this.localTracks('audio')) t.enabled = enabled;
    this.broadcastMediaState();
  }

  /** Turns the camera picture off or on (the peer receives black frames while off). */
  setCameraEnabled(enabled: boolean): void {
    for (const t of this.localTracks('video')) t.enabled = enabled;
    this.broadcastMediaState();
  }

  /** Hides the own picture in the UI (local only). */
  setSelfViewHidden(hidden: boolean): void {
    this.selfViewHidden = hidden;
    this.emit('self-view', hidden);
  }

  /**
   * Shares a screen track. `replace` (default) swaps the camera track in place without renegotiation;
   * `add` sends it as an additional track (renegotiated over the sealed signaling).
   */
  shareScreen(stream: MediaStream, options: { mode?: 'replace' | 'add' } = {}): void {
    const track = stream.getVideoTracks()[0];
    if (track === undefined) throw new PvsKitError('VALIDATION', 'The screen stream has no video track');
    if (this.screen !== undefined) this.stopScreenShare();
    const camera = this.localTracks('video')[0];
    const local = this.options.mediaStream;
    const replace = (options.mode ?? 'replace') === 'replace' && camera !== undefined && local !== undefined;
    for (const s of this.sessions.values()) {
      if (!s.connected || s.peer === undefined) continue;
      if (replace) s.peer.replaceTrack(camera, track, local);
      else s.peer.addTrack(track, stream);
    }
    this.screen = { track, stream, replaced: replace ? camera : undefined };
  }

  /** Ends screen sharing and restores the camera. */
  stopScreenShare(): void {
    const screen = this.screen;
    if (screen === undefined) return;
    this.screen = undefined;
    const local = this.options.mediaStream;
    for (const s of this.sessions.values()) {
      if (!s.connected || s.peer === undefined) continue;
      if (screen.replaced !== undefined && local !== undefined) s.peer.replaceTrack(screen.track, screen.replaced, local);
      else s.peer.removeTrack(screen.track, screen.stream);
    }
  }

  private remoteEnded(s: Session, reason: string): void {
    if (s.closed) return;
    const wasConnected = s.connected;
    this.destroySession(s);
    this.sessions.delete(s.peerId);
    this.audit({ type: 'ended', peerId: s.peerId, by: 'remote', reason });
    if (this.options.role === 'patient') {
      this.endLocal('remote', reason);
      return;
    }
    if (wasConnected) this.emit('ended', { by: 'remote', reason, peerId: s.peerId });
    if (!this.anyConnected() && this.stateValue === 'in-call') this.setState('ready');
  }

  private endLocal(by: 'self' | 'remote', reason: string): void {
    if (this.stateValue === 'ended' || this.stateValue === 'failed') return;
    for (const s of this.sessions.values()) this.destroySession(s);
    this.sessions.clear();
    this.connection.stop('bye', true);
    this.connectWaiter?.reject(new PvsKitError('CONFLICT', `Call ended before it started (${reason})`));
    this.connectWaiter = undefined;
    this.setState('ended');
    this.emit('ended', { by, reason });
  }

  private destroySession(s: Session): void {
    if (s.closed) return;
    s.closed = true;
    if (s.statsTimer !== undefined) clearInterval(s.statsTimer);
    if (s.confirmTimer !== undefined) clearTimeout(s.confirmTimer);
    s.peer?.destroy();
  }

  /** Hangs up cleanly: tells every peer (data channel and sealed signaling), closes media and signaling. */
  hangUp(): void {
    for (const s of this.sessions.values()) {
      if (s.connected) s.peer?.sendBye();
      if (s.channel !== undefined) this.sealTo(s, { t: 'bye' });
      this.audit({ type: 'ended', peerId: s.peerId, by: 'self', reason: 'hang-up' });
    }
    this.endLocal('self', 'hang-up');
  }

  /** Closes without the goodbye (e.g. page unload); the server keeps the slot for resume. */
  close(): void {
    for (const s of this.sessions.values()) this.destroySession(s);
    this.connection.stop('closed');
    if (this.stateValue !== 'ended' && this.stateValue !== 'failed') this.setState('ended');
  }
}

/** The ledger's count, checked: a count the host cannot vouch for must not restore a budget. */
function triesSpentBefore(options: CallClientOptions): number {
  const ledger = options.pakeTryLedger;
  if (ledger === undefined) return 0;
  if (options.role !== 'doctor') throw new PvsKitError('CONFIG', 'pakeTryLedger is for the doctor\'s client only');
  const spent = ledger.spent;
  if (!Number.isSafeInteger(spent) || spent < 0) {
    throw new PvsKitError('CONFIG', `pakeTryLedger.spent must be a whole number ≥ 0, got ${String(spent)}`);
  }
  return spent;
}

/** Creates a call client (loads libsodium first). Call `connect()` on the result. */
export async function createCallClient(options: CallClientOptions): Promise<CallClient> {
  return new CallClient(options, await loadSodium());
}

