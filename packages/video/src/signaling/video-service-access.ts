import type { VideoService } from '../service/create.js';
import type { VideoStore } from '../storage/port.js';
import type { AccessControl } from './access.js';

/** What {@link accessControlFromVideoService} needs from the appointments side. */
export interface VideoServiceAccessInput {
  /** The video service (codes, shared failure counter, consent gate). */
  service: Pick<VideoService, 'verifyAccessCode' | 'registerFailedAttempt' | 'assertCallMayStart'>;
  /** Its store, for the appointment's window, kind and lock (no patient data is read). */
  store: Pick<VideoStore, 'getAppointment'>;
  /** Clock; default `Date.now`. */
  now?: () => number;
}

/**
 * Wires the signaling server to the persistent appointments module: codes are checked there (HMAC, window,
 * lockout), failed PAKE runs count on the same counter, and admission waits for consent and introduction.
 */
export function accessControlFromVideoService(input: VideoServiceAccessInput): AccessControl {
  const now = input.now ?? Date.now;
  return {
    async describeAppointment(appointmentId) {
      const row = input.store.getAppointment(appointmentId);
      if (row === undefined || row.cancelledAt !== null) return undefined;
      const t = now();
      if (t < row.validFrom || t > row.validUntil) return undefined;
      return { maxParticipants: row.maxParticipants, locked: row.lockedAt !== null };
    },
    async verifyAccessCode({ code, ip }) {
      const grant = input.service.verifyAccessCode({ code, ip });
      return { appointmentId: grant.appointmentId, role: grant.role, maxParticipants: grant.maxParticipants, proof: grant.proof };
    },
    async registerFailure({ appointmentId }) {
      const state = input.service.registerFailedAttempt(appointmentId);
      return { locked: state.locked };
    },
    async assertCallMayStart(appointmentId) {
      input.service.assertCallMayStart(appointmentId);
    },
  };
}
