import { berlinDateTimeOf, localDateTimeSchema, parseWith, type PvsKit } from '@pvskit/core';
import type { Appointment } from '@pvskit/video';
import { z } from 'zod';
import { PAKE_TRY_LIMIT, type AppointmentView, type ConsentTextResponse, type DoctorCallInfo, type PakeTriesBody, type PakeTryReservation } from '../shared/api.js';
import { HttpError, notFound, sendJson, type Router } from './http.js';
import type { HostStore } from './store.js';
import type { VideoIntegration } from './video.js';

const bookingBodySchema = z.strictObject({
  start: localDateTimeSchema,
  durationMinutes: z.number().int().min(5).max(240),
});

/**
 * Consent recorded by the practice: taken orally or in writing, or given on the join page. The latter reaches
 * the doctor's browser only inside the patient's sealed introduction (after the code or link was proven end to
 * end), so only the logged-in practice can record it, with the text version the patient saw.
 */
const practiceConsentSchema = z.union([
  z.strictObject({ channel: z.enum(['verbal', 'written']) }),
  z.strictObject({ channel: z.literal('join-page'), textVersion: z.string().min(1).max(40) }),
]);
const introductionBodySchema = z.strictObject({ personsPresent: z.number().int().min(2).max(50) });
const pakeTryReserveSchema = z.strictObject({ codeGeneration: z.number().int().min(1) });
const pakeTriesChangeSchema = z.strictObject({ codeGeneration: z.number().int().min(1), change: z.number().int().min(-1000).max(1000) });

/** A call page's report for an older code pair is stale: new codes start with a fresh count. */
function currentCodePair(appointment: Appointment, codeGeneration: number): void {
  if (codeGeneration !== appointment.codeGeneration) {
    throw new HttpError(409, 'STALE_CODES', 'pakeTries.codeGeneration is not the current code pair', 'Für diesen Termin gelten inzwischen neue Zugangscodes. Bitte laden Sie die Seite neu.');
  }
}

/** The path parameter as an appointment id (random, URL-safe); anything else is simply not found. */
function appointmentIdOf(value: string | undefined): string {
  if (value === undefined || !/^[A-Za-z0-9_-]{8,64}$/.test(value)) throw notFound('Termin');
  return value;
}

/** Routes of the video part: booking from a patient record, the doctor's call page, the patient's join page. */
export function registerVideoRoutes(router: Router, store: HostStore, kit: PvsKit, video: VideoIntegration): void {
  const { service } = video;

  function view(a: Appointment, patientId: string): AppointmentView {
    const session = video.session();
    const email = service.invitations.render(session, a.id, 'email');
    const sms = service.invitations.render(session, a.id, 'sms');
    const evidence = service.consent.evidence(session, a.id);
    const consentData = evidence.consent?.data;
    const introData = evidence.introduction?.data;
    return {
      id: a.id,
      patientId,
      patientName: `${a.patient.firstName} ${a.patient.lastName}`,
      start: a.start,
      durationMinutes: a.durationMinutes,
      doctorCode: a.codes.doctor,
      patientCode: a.codes.patient,
      inviteLink: a.link,
      ...(email.subject === undefined ? {} : { emailSubject: email.subject }),
      emailText: email.text,
      smsText: sms.text,
      printUrl: `/print/${encodeURIComponent(a.id)}`,
      validFrom: a.validFrom,
      validUntil: a.validUntil,
      status: a.status,
      consent:
        evidence.consent === null
          ? null
          : { at: new Date(evidence.consent.at).toISOString(), channel: String(consentData?.['channel'] ?? ''), textVersion: String(consentData?.['textVersion'] ?? '') },
      introduction:
        evidence.introduction === null ? null : { at: new Date(evidence.introduction.at).toISOString(), personsPresent: Number(introData?.['personsPresent'] ?? 0) },
    };
  }

  /** The appointment if this PVS booked it; the host link tells which patient it belongs to. */
  function ownAppointment(id: string): { appointment: Appointment; patientId: string } {
    const link = store.appointmentById(id);
    if (link === undefined) throw notFound('Termin');
    return { appointment: service.appointments.get(video.session(), id), patientId: link.patientId };
  }

  router.on('POST', '/api/patients/:id/appointments', async ({ res, params, body }) => {
    const patient = store.patient(params['id'] ?? '');
    if (patient === undefined) throw notFound('Patient');
    const input = parseWith(bookingBodySchema, await body(), 'booking');
    const settings = store.settings();
    const result = await kit.callHook('appointment-book', {
      patient,
      slot: { start: input.start, durationMinutes: input.durationMinutes },
      physician: settings.physician,
      practice: settings.practice,
    });
    const data = result.results.map((r) => r.data).find((d) => d?.appointment !== undefined);
    if (data === undefined) {
      const card = result.cards[0];
      throw new HttpError(422, 'NOT_BOOKED', 'appointment-book returned no appointment', card?.summary ?? 'Der Termin konnte nicht angelegt werden.');
    }
    const a = data.appointment;
    store.addAppointment({ id: a.id, patientId: patient.id, start: a.start, durationMinutes: a.durationMinutes, createdAt: new Date().toISOString() });
    sendJson(res, 201, { appointment: view(a, patient.id), cards: result.cards });
  });

  router.on('GET', '/api/patients/:id/appointments', ({ res, params }) => {
    const links = store.appointments(params['id'] ?? '');
    const views: AppointmentView[] = [];
    for (const link of links) {
      try {
        views.push(view(service.appointments.get(video.session(), link.id), link.patientId));
      } catch {
        // Purged after its retention period (R10): the PVS keeps only its own note of it.
      }
    }
    sendJson(res, 200, views);
  });

  router.on('GET', '/api/appointments/:id', ({ res, params }) => {
    const { appointment, patientId } = ownAppointment(appointmentIdOf(params['id']));
    sendJson(res, 200, view(appointment, patientId));
  });

  router.on('GET', '/api/appointments/:id/doctor', ({ res, params }) => {
    const { appointment, patientId } = ownAppointment(appointmentIdOf(params['id']));
    const info: DoctorCallInfo = {
      appointment: view(appointment, patientId),
      // The PVS login is the doctor's authentication here, so the PVS asks for the ticket directly.
      ticket: video.signaling.issueDoctorTicket(appointment.id),
      linkSecret: appointment.linkSecret,
      signalingPath: video.signaling.path,
      pakeTries: { codeGeneration: appointment.codeGeneration, spent: store.pakeTriesSpent(appointment.id, appointment.codeGeneration) },
    };
    sendJson(res, 200, info);
  });

  // The doctor's call client counts PAKE tries itself (the relay need not be trusted); the practice keeps the
  // count so that reloading the call page does not give a guesser a fresh budget. Pages send changes, which add
  // up over every page open on the appointment. A change for an older code pair is stale (new codes start at 0).
  router.on('POST', '/api/appointments/:id/pake-tries', async ({ res, params, body }) => {
    const { appointment } = ownAppointment(appointmentIdOf(params['id']));
    const input = parseWith(pakeTriesChangeSchema, await body(), 'pakeTries');
    currentCodePair(appointment, input.codeGeneration);
    const answer: PakeTriesBody = { codeGeneration: input.codeGeneration, spent: store.addPakeTries(appointment.id, input.codeGeneration, input.change) };
    sendJson(res, 200, answer);
  });

  // Before each PAKE confirmation a page asks for the try, so pages open at the same time share one budget.
  router.on('POST', '/api/appointments/:id/pake-tries/reserve', async ({ res, params, body }) => {
    const { appointment } = ownAppointment(appointmentIdOf(params['id']));
    const input = parseWith(pakeTryReserveSchema, await body(), 'pakeTries');
    currentCodePair(appointment, input.codeGeneration);
    const taken = store.reservePakeTry(appointment.id, input.codeGeneration, PAKE_TRY_LIMIT);
    const answer: PakeTryReservation = { codeGeneration: input.codeGeneration, ...taken };
    sendJson(res, 200, answer);
  });

  router.on('POST', '/api/appointments/:id/consent', async ({ res, params, body }) => {
    const { appointment, patientId } = ownAppointment(appointmentIdOf(params['id']));
    const input = parseWith(practiceConsentSchema, await body(), 'consent');
    const textVersion = input.channel === 'join-page' ? input.textVersion : video.consentText(berlinDateTimeOf(new Date()).date).version;
    service.consent.recordConsent({ appointmentId: appointment.id, textVersion, channel: input.channel });
    sendJson(res, 200, view(appointment, patientId));
  });

  router.on('POST', '/api/appointments/:id/introduction', async ({ res, params, body }) => {
    const { appointment, patientId } = ownAppointment(appointmentIdOf(params['id']));
    const input = parseWith(introductionBodySchema, await body(), 'introduction');
    service.consent.acknowledgeIntroduction({ appointmentId: appointment.id, personsPresent: input.personsPresent });
    sendJson(res, 200, view(appointment, patientId));
  });

  router.on('POST', '/api/appointments/:id/new-codes', ({ res, params }) => {
    const { appointment, patientId } = ownAppointment(appointmentIdOf(params['id']));
    const renewed = service.appointments.issueNewCodes(video.session(), appointment.id);
    sendJson(res, 200, view(renewed, patientId));
  });

  router.on('GET', '/print/:id', ({ res, params }) => {
    const { appointment } = ownAppointment(appointmentIdOf(params['id']));
    const html = service.invitations.printView(video.session(), appointment.id, 'patient');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The print view is self-contained: its own inline style, nothing else.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
    });
    res.end(html);
  });

  // The patient's side: no PVS login, and nothing to record there: the patient's consent travels sealed to the
  // doctor's browser (see the consent route above), so knowing an appointment id records nothing.
  router.on('GET', '/api/join/consent-text', ({ res }) => {
    const text = video.consentText(berlinDateTimeOf(new Date()).date);
    const body: ConsentTextResponse = { version: text.version, text: text.text };
    sendJson(res, 200, body);
  });
}
