import { createCallClient, parseInvitationLink, redeemAccessCode, type CallClient } from '@pvskit/video/browser';
import type { ConsentTextResponse } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, h, mount } from '../dom.js';
import { openLocalMedia, renderCall, renderEnded, signalingUrl } from './call-view.js';

function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  if (error instanceof Error) return (error as { userMessage?: string }).userMessage ?? error.message;
  return 'Die Einwahl ist fehlgeschlagen.';
}

/**
 * The patient's join page, made for a phone: full name (R3), the access code or the invitation link, consent
 * (R16); then the waiting room until the practice admits (R20), then the call. No account, no PVS login.
 */
export async function showJoin(root: HTMLElement): Promise<void> {
  document.body.classList.add('guest');
  let link: { appointmentId: string; secret: string } | undefined;
  if (location.pathname.startsWith('/video/j/')) {
    try {
      link = parseInvitationLink(location.href);
    } catch (error) {
      mount(root, h('div', { class: 'join' }, h('h1', {}, 'Videosprechstunde'), h('p', { class: 'error', role: 'alert' }, messageOf(error)), h('p', {}, h('a', { href: '/video' }, 'Mit Zugangscode einwählen'))));
      return;
    }
    // The secret stays in this page; drop it from the address bar and history.
    history.replaceState(null, '', location.pathname);
  }
  const consent = await api.get<ConsentTextResponse>('/api/join/consent-text');

  const error = h('p', { class: 'error', role: 'alert' });
  const name = h('input', { id: 'join-name', name: 'name', type: 'text', autocomplete: 'name', required: true, 'data-testid': 'join-name', 'aria-describedby': 'join-name-hint' });
  const code = h('input', {
    id: 'join-code',
    name: 'code',
    type: 'text',
    inputmode: 'text',
    autocomplete: 'one-time-code',
    placeholder: 'xxx-xxx-xxx',
    required: true,
    spellcheck: 'false',
    'data-testid': 'join-code',
    'aria-describedby': 'join-code-hint',
  });
  const agree = h('input', { id: 'join-consent', type: 'checkbox', required: true, 'data-testid': 'join-consent' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'join-submit' }, 'Jetzt einwählen');
  const stage = h('div', { class: 'join-stage' });

  async function join(event: Event): Promise<void> {
    event.preventDefault();
    error.textContent = '';
    const fullName = name.value.trim().replace(/\s+/g, ' ');
    if (fullName.split(' ').length < 2) {
      error.textContent = 'Bitte geben Sie Ihren vollständigen Vor- und Nachnamen ein.';
      name.focus();
      return;
    }
    if (!agree.checked) {
      error.textContent = 'Bitte stimmen Sie der Videosprechstunde zu.';
      agree.focus();
      return;
    }
    submit.disabled = true;
    let client: CallClient | undefined;
    let stream: MediaStream | undefined;
    try {
      let appointmentId: string;
      if (link !== undefined) appointmentId = link.appointmentId;
      else {
        const redeemed = await redeemAccessCode({ signalingUrl: signalingUrl(), code: code.value.trim() });
        if (redeemed.role !== 'patient') throw new Error('Das ist der Zugangscode der Praxis. Bitte nutzen Sie Ihren eigenen Code aus der Einladung.');
        appointmentId = redeemed.appointmentId;
      }
      stream = await openLocalMedia();
      client = await createCallClient({
        signalingUrl: signalingUrl(),
        appointmentId,
        role: 'patient',
        name: fullName,
        // Sealed inside the introduction: only the practice's call client receives and records it.
        consent: { textVersion: consent.version },
        mediaStream: stream,
        ...(link !== undefined ? { secret: link.secret } : { code: code.value.trim() }),
      });
      const c = client;
      const s = stream;
      const preview = h('video', { class: 'preview', autoplay: true, playsinline: true, 'aria-label': 'Eigenes Bild (Vorschau)' });
      preview.muted = true;
      preview.srcObject = s;
      mount(
        stage,
        h('h2', { tabindex: '-1', 'data-testid': 'waiting' }, 'Sie sind im Wartezimmer'),
        h('p', { role: 'status' }, 'Bitte warten Sie. Die Praxis lässt Sie herein, sobald die Ärztin oder der Arzt bereit ist.'),
        preview,
      );
      (stage.querySelector('h2') as HTMLElement).focus();
      mount(root, h('div', { class: 'join' }, h('h1', {}, 'Videosprechstunde'), stage));
      c.on('admitted', () => {
        preview.srcObject = null;
        mount(stage, renderCall({ client: c, localStream: s, remoteLabel: 'Praxis', sas: c.sas(), onEnded: (by) => renderEnded(stage, by) }));
      });
      c.on('locked', () => {
        s.getTracks().forEach((t) => t.stop());
        mount(stage, h('p', { class: 'error', role: 'alert' }, 'Zu viele falsche Versuche: Der Termin ist gesperrt. Bitte wenden Sie sich an die Praxis.'));
      });
      c.on('error', (e) => {
        if (c.state === 'failed') {
          s.getTracks().forEach((t) => t.stop());
          mount(stage, h('p', { class: 'error', role: 'alert' }, e.userMessage), h('p', {}, h('a', { href: '/video' }, 'Erneut einwählen')));
        }
      });
      c.on('ended', (e) => {
        if (c.state !== 'ended' || e.reason !== 'denied') return;
        // Camera and microphone off at once; a new try starts from this page again (an invitation link keeps its secret).
        s.getTracks().forEach((t) => t.stop());
        mount(
          stage,
          h('p', { role: 'status' }, 'Die Praxis hat die Einwahl beendet.'),
          h('p', {}, h('button', { type: 'button', 'data-testid': 'join-again', onclick: () => location.reload() }, 'Erneut einwählen')),
        );
      });
      await c.connect();
    } catch (e) {
      client?.close();
      stream?.getTracks().forEach((t) => t.stop());
      submit.disabled = false;
      error.textContent = messageOf(e);
      if (!root.contains(error)) mount(root, renderForm());
    }
  }

  function renderForm(): HTMLElement {
    return h(
      'div',
      { class: 'join' },
      h('h1', {}, 'Videosprechstunde'),
      h('p', {}, link === undefined ? 'Bitte geben Sie Ihren Namen und den Zugangscode aus Ihrer Einladung ein.' : 'Sie wurden per Link eingeladen. Bitte geben Sie Ihren Namen ein.'),
      h(
        'form',
        { onsubmit: (e: Event) => void join(e), novalidate: true },
        h('label', { for: 'join-name' }, 'Vor- und Nachname', name),
        h('small', { id: 'join-name-hint', class: 'muted' }, 'Wie auf Ihrer Gesundheitskarte.'),
        link === undefined ? h('label', { for: 'join-code' }, 'Zugangscode', code) : null,
        link === undefined ? h('small', { id: 'join-code-hint', class: 'muted' }, 'Neun Zeichen, z. B. c3f-e04-d96.') : null,
        h('div', { class: 'consent' }, h('p', { class: 'consent-text' }, consent.text), h('label', { class: 'inline', for: 'join-consent' }, agree, 'Ich willige ein.')),
        error,
        submit,
      ),
      h('p', { class: 'muted' }, 'Die Verbindung läuft direkt und verschlüsselt zwischen Ihrem Gerät und der Praxis. Es wird nichts aufgezeichnet.'),
      stage,
    );
  }

  mount(root, renderForm());
  focusHeading(root);
}
