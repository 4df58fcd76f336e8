import { PvsKitError } from '@pvskit/core';
import { wipe } from './crypto.js';
import type { VideoContext } from './context.js';
import type { PracticeRow, UserRole } from '../storage/port.js';

/**
 * A logged-in user on an approved device. Holds the practice data key in memory only (never in the object's
 * enumerable fields, so it cannot leak through JSON or logs). End it with `account.logout`.
 */
export interface PracticeSession {
  readonly practiceId: string;
  readonly userId: string;
  readonly userShortName: string;
  readonly role: UserRole;
  /** The main user (Hauptnutzer) approves devices and adds users. */
  readonly isMain: boolean;
  readonly deviceId: string;
}

const dataKeys = new WeakMap<PracticeSession, Uint8Array>();

export function openSession(fields: PracticeSession, dataKey: Uint8Array): PracticeSession {
  const session = Object.freeze({ ...fields });
  dataKeys.set(session, dataKey);
  return session;
}

/** The data key of a live session; AUTH when the session was ended or never issued here. */
export function dataKeyOf(session: PracticeSession): Uint8Array {
  const key = dataKeys.get(session);
  if (key === undefined) {
    throw new PvsKitError('AUTH', 'session is not active', { userMessage: 'Bitte melden Sie sich erneut an.' });
  }
  return key;
}

export function closeSession(session: PracticeSession): void {
  const key = dataKeys.get(session);
  if (key !== undefined) wipe(key);
  dataKeys.delete(session);
}

/** The practice behind a session, refused once its keys are destroyed. */
export function practiceOf(ctx: VideoContext, session: PracticeSession): PracticeRow {
  dataKeyOf(session);
  const practice = ctx.store.getPractice(session.practiceId);
  if (practice === undefined || practice.keysDestroyedAt !== null) {
    throw new PvsKitError('AUTH', 'practice no longer exists', { userMessage: 'Das Benutzerkonto existiert nicht mehr.' });
  }
  return practice;
}
