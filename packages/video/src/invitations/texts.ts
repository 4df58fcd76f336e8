import { describeLocalDateTime } from '@pvskit/core';

/*
 * Invitation texts. German, plain, no advertising, and no diagnosis or reason for the visit: the booking
 * carries neither, so they cannot slip in. The patient's text carries only the patient code.
 */

/** Everything a text may show. */
export interface InvitationFacts {
  patientName: string;
  physicianName: string;
  practiceName: string;
  /** `YYYY-MM-DDTHH:MM`, Berlin. */
  start: string;
  durationMinutes: number;
  link: string;
  /** Where a patient types the code when the link does not work. */
  joinUrl: string;
  patientCode: string;
  /** Only for the practice's own print view. */
  doctorCode?: string;
  codeWindow: { beforeMinutes: number; afterMinutes: number };
}

function windowText(w: InvitationFacts['codeWindow']): string {
  const after = w.afterMinutes % 60 === 0 ? `${w.afterMinutes / 60} Stunden` : `${w.afterMinutes} Minuten`;
  return `von ${w.beforeMinutes} Minuten vor bis ${after} nach Terminbeginn`;
}

/** Subject and plain text of the e-mail invitation. */
export function invitationEmail(f: InvitationFacts): { subject: string; text: string } {
  const d = describeLocalDateTime(f.start);
  const text = [
    `Guten Tag ${f.patientName},`,
    '',
    `${f.physicianName} lädt Sie zu einer Videosprechstunde ein.`,
    '',
    `Termin: ${d.weekday}, ${d.date}, ${d.time} Uhr (Dauer etwa ${f.durationMinutes} Minuten)`,
    `Praxis: ${f.practiceName}`,
    '',
    'So nehmen Sie teil:',
    '1. Öffnen Sie kurz vor dem Termin diesen Link in einem aktuellen Browser auf Computer, Tablet oder Smartphone:',
    `   ${f.link}`,
    '2. Erlauben Sie den Zugriff auf Kamera und Mikrofon.',
    '3. Geben Sie Ihren vollständigen Vor- und Nachnamen ein. Sie warten im Wartezimmer, bis Sie hereingeholt werden.',
    '',
    `Falls der Link nicht funktioniert, rufen Sie ${f.joinUrl} auf und geben Sie Ihren Zugangscode ein: ${f.patientCode}`,
    `Der Zugangscode gilt ${windowText(f.codeWindow)}.`,
    '',
    'Bitte nehmen Sie an einem ruhigen Ort teil, an dem Sie ungestört sind. Die Videosprechstunde ist',
    'Ende-zu-Ende-verschlüsselt und wird nicht aufgezeichnet; bitte zeichnen auch Sie nichts auf.',
    'Zu Beginn bitten wir Sie um Ihre Einwilligung in die Videosprechstunde.',
    '',
    'Mit freundlichen Grüßen',
    f.practiceName,
  ].join('\n');
  return { subject: `Einladung zur Videosprechstunde am ${d.date} um ${d.time} Uhr`, text };
}

/** The SMS invitation (one message, kept short). */
export function invitationSms(f: InvitationFacts): string {
  const d = describeLocalDateTime(f.start);
  return (
    `Videosprechstunde bei ${f.physicianName} am ${d.date} um ${d.time} Uhr. ` +
    `Teilnahme: ${f.link} oder unter ${f.joinUrl} mit Zugangscode ${f.patientCode}. ` +
    'Kamera und Mikrofon erlauben, vollständigen Namen angeben.'
  );
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Print view of an appointment and its codes: a self-contained HTML page (inline CSS only, nothing loaded from
 * elsewhere). `audience: 'patient'` shows the patient code only; `'practice'` adds the doctor code.
 */
export function printViewHtml(f: InvitationFacts, audience: 'patient' | 'practice'): string {
  const d = describeLocalDateTime(f.start);
  const e = escapeHtml;
  const rows: [string, string][] = [
    ['Patient/in', f.patientName],
    ['Ärztin/Arzt', f.physicianName],
    ['Praxis', f.practiceName],
    ['Datum', `${d.weekday}, ${d.date}`],
    ['Uhrzeit', `${d.time} Uhr`],
    ['Dauer', `${f.durationMinutes} Minuten`],
    ['Link', f.link],
    ['Patienten-Zugangscode', f.patientCode],
  ];
  if (audience === 'practice' && f.doctorCode !== undefined) rows.push(['Arzt-Zugangscode', f.doctorCode]);
  return [
    '<!DOCTYPE html>',
    '<html lang="de"><head><meta charset="utf-8">',
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
    `<title>Videosprechstunde ${e(d.date)} ${e(d.time)} Uhr</title>`,
    '<style>body{font-family:sans-serif;margin:2cm}th{text-align:left;padding-right:1em}td{font-size:1.1em}</style>',
    '</head><body>',
    `<h1>Termin für die Videosprechstunde</h1>`,
    '<table>',
    ...rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`),
    '</table>',
    `<p>So nehmen Sie teil: Öffnen Sie kurz vor dem Termin den Link oder rufen Sie ${e(f.joinUrl)} auf und geben ` +
      `Sie den Zugangscode ein. Er gilt ${e(windowText(f.codeWindow))}. Erlauben Sie Kamera und Mikrofon und ` +
      'geben Sie Ihren vollständigen Namen an.</p>',
    '</body></html>',
  ].join('\n');
}
