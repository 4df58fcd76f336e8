/**
 * The port through which the signaling server asks the appointment side (issue "video appointments") about
 * access. The signaling server itself never stores codes or patient data.
 */

/** What the signaling server may know about an appointment. */
export interface AppointmentAccessInfo {
  /** Doctor plus patients that may be admitted at the same time (2 by default, up to 9 for groups; R21). */
  maxParticipants: number;
  /** True after 10 wrong code/PAKE tries until the doctor issues a new pair. */
  locked: boolean;
}

/** Result of verifying a typed access code. */
export interface VerifiedAccessCode {
  appointmentId: string;
  role: 'doctor' | 'patient';
  maxParticipants: number;
  /** `code`: the whole doctor code was checked; `locator`: only the locator (all a patient ever sends). */
  proof: 'code' | 'locator';
}

/** Outcome of counting one failed attempt. */
export interface FailureOutcome {
  locked: boolean;
  /** Tries left before the lock, if the implementation tells. */
  remaining?: number;
}

/** Appointment access as the signaling server needs it. */
export interface AccessControl {
  /** Info for a known, currently valid appointment; `undefined` for unknown or outside its window. */
  describeAppointment(appointmentId: string): Promise<AppointmentAccessInfo | undefined>;
  /**
   * Verifies a code's locator, or a whole doctor code (HMACs under the server secret, lockout after 10 wrong
   * tries; outside the window a code is unknown). The relay never gets a patient code's PAKE part. Throws
   * `PvsKitError('AUTH', …, { userMessage: 'Zugangscode unbekannt' })` for any unknown code and
   * `PvsKitError('LOCKED')` for a locked appointment.
   */
  verifyAccessCode(input: { code: string; ip: string }): Promise<VerifiedAccessCode>;
  /** Counts one failed attempt (a failed PAKE burns one try), shared with the code lockout. */
  registerFailure(input: { appointmentId: string; ip: string; reason: 'pake' | 'link' }): Promise<FailureOutcome>;
  /** Throws `PvsKitError('FORBIDDEN')` unless consent (R16) and the introduction (R18) are recorded. */
  assertCallMayStart(appointmentId: string): Promise<void>;
}
