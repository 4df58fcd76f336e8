import { z } from 'zod';
import { localDateTimeSchema } from '@pvskit/core';

/** Most participants a conference may have (group therapy, spec R21). */
export const MAX_CONFERENCE_PARTICIPANTS = 9;
/** Participants of a standard consultation: doctor and patient. */
export const STANDARD_PARTICIPANTS = 2;

const name = z.string().trim().min(1, { message: 'must not be empty' }).max(100);

/** Booking input: patient (full real name), optional contact, slot, kind, participants, physician name. */
export const bookingSchema = z
  .strictObject({
    /** R3: the patient joins with full real name; first and last name are mandatory. */
    patient: z.strictObject({
      firstName: name,
      lastName: name,
      /** The PVS's patient id, kept encrypted so the appointment can be matched back. */
      id: z.string().min(1).max(100).optional(),
      birthDate: z.string().optional(),
    }),
    /** Where invitations go; kept encrypted. */
    contact: z
      .strictObject({
        email: z.email().optional(),
        /** International format preferred (+49…); digits, blanks, +, /, - allowed. */
        phone: z.string().trim().regex(/^\+?[0-9 /-]{6,20}$/, { message: 'not a phone number' }).optional(),
      })
      .optional(),
    slot: z.strictObject({
      start: localDateTimeSchema,
      durationMinutes: z.number().int().min(5).max(480),
    }),
    kind: z.enum(['standard', 'conference']).default('standard'),
    /** Participants including the doctor; standard: 2, conference: 3–9. */
    participants: z.number().int().min(2).max(MAX_CONFERENCE_PARTICIPANTS).optional(),
    /** Name shown in the invitation, e.g. "Dr. med. Martin Winkler". */
    physicianName: name.optional(),
    /** False when the patient is not known to the practice: the eGK check (01444) is then due in the call. */
    knownPatient: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'standard' && b.participants !== undefined && b.participants !== STANDARD_PARTICIPANTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['participants'],
        message: 'a standard consultation has exactly 2 participants; book a conference for more',
      });
    }
    if (b.kind === 'conference' && b.participants !== undefined && b.participants < 3) {
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'a conference has 3 to 9 participants' });
    }
  })
  .meta({ id: 'videoBooking', title: 'Video appointment booking' });

/** Booking input as a host writes it. */
export type BookingInput = z.input<typeof bookingSchema>;
/** A booking after validation (defaults filled). */
export type Booking = z.output<typeof bookingSchema>;

/** What is sealed with the practice data key for each appointment. */
export interface AppointmentSecret {
  v: 1;
  patient: Booking['patient'];
  contact?: NonNullable<Booking['contact']>;
  start: string;
  durationMinutes: number;
  physicianName?: string;
  knownPatient: boolean;
  codes: { doctor: string; patient: string };
  /** 32 bytes, base64url: the link fragment secret (signaling key material for the call). */
  linkSecret: string;
}
