import { createCallClient, type CallClient, type Knock } from '@pvskit/video/browser';
import { PAKE_TRY_LIMIT, type AppointmentView, type DoctorCallInfo } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, germanDateTime, h, mount } from '../dom.js';
import { openLocalMedia, renderCall, renderEnded, signalingUrl } from './call-view.js';
import { practicePakeLedger } from '../pake-ledger.js';

const channelLabel: Record<string, string> = { 'join-page': 'auf der Einwahlseite', verbal: 'mündlich', written: 'schriftlich' };

/**
 * The doctor's call page: consent (R16) and introduction (R18) steps, the waiting room (R20) and the call.
 * Patients wait until the doctor admits them, also when they arrive first. Returns a dispose function.
 */
export async function showDoctorCall(root: HTMLElement, appointmentId: string): Promise<() => void> {
  const info = await api.get<DoctorCallInfo>(`/api/appointments/${encodeURIComponent(appointmentId)}/doctor`);
  let appointment: AppointmentView = info.appointment;
  let client: CallClient | undefined;
  let localStream: MediaStream | undefined;
  let disposed = false;
  let inCall = false;
  const knocks = new Map<string, Knock>();

  const steps = h('div', { class: 'steps' });
  const roomStatus = h('p', { role: 'status', class: 'status' }, 'Videoraum wird geöffnet …');
  const waitingList = h('ul', { class: 'waiting', 'data-testid': 'waiting-room', 'aria-label': 'Wartezimmer' });
  const stage = h('div', { class: 'stage' });
  const ready = () => appointment.consent !== null && appointment.introduction !== null;

  async function refresh(): Promise<void> {
    appointment = await api.get<AppointmentView>(`/api/appointments/${encodeURIComponent(appointmentId)}`);
    renderSteps();
    renderWaiting();
  }

  function renderSteps(): void {
    const persons = h('input', { type: 'number', id: 'persons-present', min: '2', max: '50', value: '2' });
    const c = appointment.consent;
    const i = appointment.introduction;
    mount(
      steps,
      h(
        'div',
        { class: `step${c === null ? '' : ' done'}`, 'data-testid': 'consent-step' },
        h('h3', {}, '1. Einwilligung der Patientin/des Patienten'),
        c === null
          ? h(
              'p',
              {},
              'Noch keine Einwilligung. Sie wird auf der Einwahlseite erteilt – oder Sie erfassen eine mündlich eingeholte: ',
              h('button', { type: 'button', onclick: () => void record('consent', { channel: 'verbal' }) }, 'Mündliche Einwilligung erfassen'),
            )
          : h('p', {}, `Erteilt ${channelLabel[c.channel] ?? c.channel} um ${new Date(c.at).toLocaleTimeString('de-DE')} (Text ${c.textVersion}).`),
      ),
      h(
        'div',
        { class: `step${i === null ? '' : ' done'}`, 'data-testid': 'introduction-step' },
        h('h3', {}, '2. Vorstellung aller Anwesenden'),
        i === null
          ? h(
              'p',
              {},
              h('label', { for: 'persons-present' }, 'Anwesende Personen (beide Seiten) '),
              persons,
              ' ',
              h('button', { type: 'button', 'data-testid': 'introduction-done', onclick: () => void record('introduction', { personsPresent: Number(persons.value) }) }, 'Alle wurden vorgestellt'),
            )
          : h('p', {}, `Bestätigt um ${new Date(i.at).toLocaleTimeString('de-DE')} (${i.personsPresent} Personen).`),
      ),
    );
  }

  async function record(what: 'consent' | 'introduction', body: unknown): Promise<void> {
    try {
      appointment = await api.post<AppointmentView>(`/api/appointments/${encodeURIComponent(appointmentId)}/${what}`, body);
      renderSteps();
      renderWaiting();
    } catch (error) {
      roomStatus.textContent = error instanceof ApiFailure ? error.message : 'Speichern fehlgeschlagen.';
    }
  }

  function renderWaiting(): void {
    if (knocks.size === 0) {
      mount(waitingList, h('li', { class: 'muted' }, inCall ? 'Niemand wartet.' : 'Noch niemand im Wartezimmer.'));
      return;
    }
    mount(
      waitingList,
      [...knocks.values()].map((k) =>
        h(
          'li',
          { 'data-peer-id': k.peerId },
          h('span', {}, h('strong', {}, k.name), ` (${k.mode === 'link' ? 'per Einladungslink' : 'per Zugangscode'}, Identität Ende-zu-Ende geprüft, Sicherheitscode ${k.sas})`),
          h('button', { type: 'button', class: 'primary', 'data-testid': 'admit', disabled: !ready(), title: ready() ? undefined : 'Erst Einwilligung und Vorstellung erfassen', onclick: () => void admit(k) }, `${k.name} hereinlassen`),
          h('button', { type: 'button', onclick: () => deny(k) }, 'Abweisen'),
        ),
      ),
      ready() ? null : h('li', { class: 'muted' }, 'Hereinlassen ist möglich, sobald Einwilligung und Vorstellung erfasst sind.'),
    );
  }

  async function admit(k: Knock): Promise<void> {
    if (client === undefined || localStream === undefined) return;
    try {
      roomStatus.textContent = `${k.name} wird hereingelassen …`;
      await client.admit(k.peerId);
      knocks.delete(k.peerId);
      inCall = true;
      renderWaiting();
      mount(
        stage,
        renderCall({
          client,
          localStream,
          remoteLabel: k.name,
          sas: k.sas,
          onEnded: (by) => {
            inCall = false;
            renderEnded(stage, by, h('p', {}, h('a', { href: `#/patients/${encodeURIComponent(appointment.patientId)}` }, 'Zur Patientenakte')));
            roomStatus.textContent = 'Die Videosprechstunde ist beendet.';
          },
        }),
      );
      roomStatus.textContent = `Im Gespräch mit ${k.name}.`;
    } catch (error) {
      roomStatus.textContent = error instanceof ApiFailure || error instanceof Error ? (error as { userMessage?: string }).userMessage ?? error.message : 'Hereinlassen fehlgeschlagen.';
    }
  }

  function deny(k: Knock): void {
    client?.deny(k.peerId);
    knocks.delete(k.peerId);
    renderWaiting();
  }

  async function openRoom(): Promise<void> {
    try {
      localStream = await openLocalMedia();
      if (disposed) {
        localStream.getTracks().forEach((t) => t.stop());
        return;
      }
      const c = await createCallClient({
        signalingUrl: signalingUrl(info.signalingPath),
        appointmentId,
        role: 'doctor',
        ticket: info.ticket,
        secret: info.linkSecret,
        code: appointment.patientCode,
        maxPakeFailures: PAKE_TRY_LIMIT,
        pakeTryLedger: practicePakeLedger(appointmentId, info.pakeTries, (error) => {
          roomStatus.textContent = error instanceof ApiFailure ? error.message : 'Der Zähler der Fehlversuche konnte nicht gespeichert werden.';
        }),
        mediaStream: localStream,
        // The server checks too; asking first gives the doctor a German reason instead of a refusal.
        mayStart: async () => {
          await refresh();
          if (!ready()) throw new Error('Erst Einwilligung und Vorstellung erfassen.');
        },
      });
      client = c;
      c.on('knock', (k) => {
        knocks.set(k.peerId, k);
        renderWaiting();
        roomStatus.textContent = `${k.name} wartet im Wartezimmer.`;
        // Consent given on the join page arrives sealed with the knock; the practice records it.
        if (k.consent !== undefined && appointment.consent === null) void record('consent', { channel: 'join-page', textVersion: k.consent.textVersion });
      });
      c.on('knock-failed', () => {
        roomStatus.textContent = 'Eine Einwahl ist an der Prüfung gescheitert (falscher Code oder Link).';
      });
      c.on('locked', () => {
        roomStatus.textContent = 'Zu viele Fehlversuche mit dem Zugangscode: Einwahlen per Code werden abgewiesen. Bitte geben Sie neue Zugangscodes aus.';
      });
      // Only this knock was turned away (the practice server could not be asked for the try); the room stays
      // open. Where the practice did answer (new codes meanwhile, logged out), its own reason says what to do.
      c.on('budget-unreachable', ({ error }) => {
        const answer = error.cause;
        roomStatus.textContent = answer instanceof ApiFailure && answer.status < 500 ? `Eine Einwahl wurde abgewiesen. ${answer.message}` : error.userMessage;
      });
      c.on('peer-left', (e) => {
        if (knocks.delete(e.peerId)) renderWaiting();
      });
      c.on('error', (e) => {
        roomStatus.textContent = e.userMessage;
      });
      await c.connect();
      roomStatus.textContent = 'Videoraum geöffnet. Patientinnen und Patienten warten, bis Sie sie hereinlassen.';
    } catch (error) {
      roomStatus.textContent = error instanceof Error ? ((error as { userMessage?: string }).userMessage ?? error.message) : 'Der Videoraum konnte nicht geöffnet werden.';
    }
  }

  mount(
    root,
    h('p', {}, h('a', { href: `#/patients/${encodeURIComponent(appointment.patientId)}` }, '← Zur Patientenakte')),
    h('h1', {}, `Videosprechstunde: ${appointment.patientName}`),
    h('p', { class: 'muted' }, `${germanDateTime(appointment.start)}, ${appointment.durationMinutes} min · Patientencode ${appointment.patientCode}`),
    h(
      'div',
      { class: 'record' },
      h('div', { class: 'record-main' }, h('section', { class: 'panel', 'aria-labelledby': 'stage-heading' }, h('h2', { id: 'stage-heading' }, 'Videoraum'), roomStatus, stage)),
      h('aside', {}, h('section', { class: 'panel' }, h('h2', {}, 'Vor dem Gespräch'), steps), h('section', { class: 'panel' }, h('h2', {}, 'Wartezimmer'), waitingList)),
    ),
  );
  renderSteps();
  renderWaiting();
  focusHeading(root);
  void openRoom();
  // Consent given on the patient's phone shows up here without a reload.
  const poll = setInterval(() => {
    if (!ready()) void refresh().catch(() => {});
  }, 3000);

  return () => {
    disposed = true;
    clearInterval(poll);
    if (inCall) client?.hangUp();
    else client?.close();
    localStream?.getTracks().forEach((t) => t.stop());
  };
}
