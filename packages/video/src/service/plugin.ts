import { describeLocalDateTime, isPvsKitError, type Card, type HookContext, type PvsKitPlugin } from '@pvskit/core';
import type { PracticeSession } from '../base/session.js';
import type { VideoService } from './create.js';
import type { Appointment } from '../appointments/appointments.js';
// Defines the hooks this plugin serves, so a host that imports only the plugin knows them.
import './hooks.js';

/** Options of {@link videoPlugin}. */
export interface VideoPluginOptions {
  /** The practice session the PVS holds (or a getter, so a re-login is picked up). */
  session: PracticeSession | (() => PracticeSession);
  /** Plugin id; default `pvskit.video`. */
  id?: string;
}

/** What the plugin hands to the host with its card on `appointment-book`. */
export interface AppointmentBookData {
  appointment: Appointment;
}

declare module '@pvskit/core' {
  interface HookDataRegistry {
    'appointment-book': AppointmentBookData;
  }
}

const SOURCE = { label: 'pvskit Videosprechstunde' };

function bookedCard(a: Appointment): Card {
  const d = describeLocalDateTime(a.start);
  return {
    summary: `Videosprechstunde am ${d.date} um ${d.time} Uhr angelegt`,
    detail:
      `${a.kind === 'conference' ? `Konferenz mit bis zu ${a.maxParticipants} Teilnehmern. ` : ''}` +
      'Zugangscodes und Link stehen in der Termin-Detailansicht; die Einladung kann per E-Mail, SMS oder Ausdruck ' +
      'verschickt werden. Vor Beginn werden Einwilligung und Vorstellung aller Anwesenden erfasst.',
    indicator: 'info',
    source: SOURCE,
  };
}

function refusedCard(userMessage: string): Card {
  return {
    summary: userMessage.length < 140 ? userMessage : `${userMessage.slice(0, 136)} …`,
    indicator: 'warning',
    source: SOURCE,
  };
}

/**
 * The `appointment-book` plugin: books a video appointment for the patient and slot of the hook context and
 * returns it (codes, link) as `data`. Refusals the practice can act on (plan, session, input) come back as a
 * warning card, not as a plugin failure.
 */
export function videoPlugin(service: VideoService, options: VideoPluginOptions): PvsKitPlugin {
  const session = (): PracticeSession => (typeof options.session === 'function' ? options.session() : options.session);
  return {
    id: options.id ?? 'pvskit.video',
    title: 'Videosprechstunde',
    description: 'Legt Termine für die Videosprechstunde mit Zugangscodes und verschlüsseltem Einladungslink an.',
    hooks: {
      'appointment-book': (context: HookContext<'appointment-book'>) => {
        try {
          const appointment = service.appointments.book(session(), {
            patient: {
              firstName: context.patient.firstName,
              lastName: context.patient.lastName,
              ...(context.patient.id === undefined ? {} : { id: context.patient.id }),
            },
            slot: { start: context.slot.start, durationMinutes: context.slot.durationMinutes },
            kind: context.kind,
            ...(context.participants === undefined ? {} : { participants: context.participants }),
            ...(context.physician?.name === undefined ? {} : { physicianName: context.physician.name }),
          });
          const data: AppointmentBookData = { appointment };
          return { cards: [bookedCard(appointment)], data };
        } catch (error) {
          if (isPvsKitError(error) && error.code !== 'INTERNAL' && error.code !== 'STORAGE') {
            return { cards: [refusedCard(error.userMessage)] };
          }
          throw error;
        }
      },
    },
  };
}
