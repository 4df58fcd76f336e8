import type { CallClient } from '@pvskit/video/browser';
import { h, mount } from '../dom.js';

/** Camera and microphone of this device; German message when the browser refuses. */
export async function openLocalMedia(): Promise<MediaStream> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new Error('Dieser Browser erlaubt keinen Zugriff auf Kamera und Mikrofon (nur über https oder localhost).');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true });
  } catch {
    throw new Error('Kein Zugriff auf Kamera und Mikrofon. Bitte im Browser erlauben und die Seite neu laden.');
  }
}

/** The signaling endpoint of this server (same origin, R12). */
export function signalingUrl(path = '/signal'): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

function toggle(label: [string, string], testId: string, onChange: (pressed: boolean) => void): HTMLButtonElement {
  const b = h('button', { type: 'button', 'aria-pressed': 'false', 'data-testid': testId }, label[0]);
  b.addEventListener('click', () => {
    const pressed = b.getAttribute('aria-pressed') !== 'true';
    b.setAttribute('aria-pressed', String(pressed));
    b.textContent = pressed ? label[1] : label[0];
    onChange(pressed);
  });
  return b;
}

export interface CallViewOptions {
  client: CallClient;
  localStream: MediaStream;
  /** Shown over the remote picture, e.g. the patient's name or the practice. */
  remoteLabel: string;
  /** Short authentication string of this session: both screens show the same one unless someone sits between. */
  sas?: string | undefined;
  /** After hang-up or when the other side ended the call. */
  onEnded: (by: 'self' | 'remote') => void;
}

/**
 * The call: remote and own picture, chat over the P2P data channel, mute, camera off, hide own picture,
 * screen sharing, full screen and hang-up. Media and chat never pass the server (R5, R8).
 */
export function renderCall(options: CallViewOptions): HTMLElement {
  const { client, localStream } = options;
  const remote = h('video', { class: 'remote', 'data-testid': 'remote-video', autoplay: true, playsinline: true, 'aria-label': `Video von ${options.remoteLabel}` });
  const local = h('video', { class: 'local', 'data-testid': 'local-video', autoplay: true, playsinline: true, 'aria-label': 'Eigenes Bild' });
  local.muted = true;
  local.srcObject = localStream;
  const remoteState = h('span', { class: 'remote-label', role: 'status' }, `${options.remoteLabel} – Verbindung wird aufgebaut …`);
  const soundButton = h('button', { type: 'button', hidden: true }, 'Ton einschalten');
  const videos = h('div', { class: 'videos' }, remote, local, remoteState);

  async function playRemote(): Promise<void> {
    try {
      await remote.play();
    } catch (error) {
      // A newer stream interrupted this play(): its own play() follows.
      if ((error as DOMException).name !== 'NotAllowedError') return;
      // Autoplay with sound was refused: play muted and offer the sound button (a user gesture unmutes).
      remote.muted = true;
      soundButton.hidden = false;
      await remote.play().catch(() => {});
    }
  }
  soundButton.addEventListener('click', () => {
    remote.muted = false;
    soundButton.hidden = true;
    void remote.play();
  });

  client.on('stream', (stream) => {
    if (remote.srcObject !== stream) {
      remote.srcObject = stream;
      void playRemote();
    }
  });
  client.on('connected', () => {
    remoteState.textContent = options.remoteLabel;
  });
  client.on('remote-media', (m) => {
    const parts = [m.microphone ? null : 'Mikrofon aus', m.camera ? null : 'Kamera aus'].filter(Boolean);
    remoteState.textContent = parts.length === 0 ? options.remoteLabel : `${options.remoteLabel} (${parts.join(', ')})`;
  });
  client.on('self-view', (hidden) => {
    local.hidden = hidden;
  });

  const chatList = h('ol', { 'aria-live': 'polite', 'aria-label': 'Chatverlauf' });
  const chatInput = h('input', { type: 'text', 'aria-label': 'Chatnachricht', placeholder: 'Nachricht …', maxlength: '2000', autocomplete: 'off', 'data-testid': 'chat-input' });
  const addChat = (who: string, text: string) => chatList.append(h('li', {}, h('strong', {}, `${who}: `), text));
  client.on('chat', (m) => addChat(m.from === 'doctor' ? 'Praxis' : 'Patient/in', m.text));
  const chat = h(
    'div',
    { class: 'chat' },
    h('h3', {}, 'Chat (direkt, Ende-zu-Ende)'),
    chatList,
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          const text = chatInput.value.trim();
          if (text === '') return;
          try {
            client.sendChat(text);
            addChat('Ich', text);
            chatInput.value = '';
          } catch {
            addChat('Hinweis', 'Noch keine Verbindung – Nachricht nicht gesendet.');
          }
        },
      },
      chatInput,
      h('button', { type: 'submit', 'data-testid': 'chat-send' }, 'Senden'),
    ),
  );

  let screen: MediaStream | undefined;
  const shareButton = h('button', { type: 'button', 'aria-pressed': 'false', 'data-testid': 'share-screen' }, 'Bildschirm teilen');
  shareButton.addEventListener('click', () => {
    void (async () => {
      if (screen !== undefined) {
        client.stopScreenShare();
        screen.getTracks().forEach((t) => t.stop());
        screen = undefined;
        shareButton.setAttribute('aria-pressed', 'false');
        shareButton.textContent = 'Bildschirm teilen';
        return;
      }
      try {
        const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
        client.shareScreen(s);
        screen = s;
        shareButton.setAttribute('aria-pressed', 'true');
        shareButton.textContent = 'Teilen beenden';
        s.getVideoTracks()[0]?.addEventListener('ended', () => {
          if (screen === s) shareButton.click();
        });
      } catch {
        addChat('Hinweis', 'Bildschirmfreigabe wurde nicht gestartet.');
      }
    })();
  });

  const fullscreen = h('button', { type: 'button', 'data-testid': 'fullscreen' }, 'Vollbild');
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement !== null) void document.exitFullscreen();
    else void videos.requestFullscreen().catch(() => {});
  });

  const hangUp = h('button', { type: 'button', class: 'danger', 'data-testid': 'hang-up' }, 'Auflegen');
  let ended = false;
  const finish = (by: 'self' | 'remote') => {
    if (ended) return;
    ended = true;
    screen?.getTracks().forEach((t) => t.stop());
    localStream.getTracks().forEach((t) => t.stop());
    options.onEnded(by);
  };
  hangUp.addEventListener('click', () => {
    client.hangUp();
    finish('self');
  });
  client.on('ended', (e) => {
    // The doctor's room stays open for further patients; the call itself ends for both when one hangs up.
    if (e.by === 'remote') finish('remote');
  });

  const sas =
    options.sas === undefined
      ? null
      : h(
          'p',
          { class: 'sas muted' },
          'Sicherheitscode: ',
          h('strong', { 'data-testid': 'sas' }, options.sas),
          ' – bei Zweifel vorlesen lassen: Beide Seiten müssen denselben Code sehen.',
        );
  const controls = h(
    'div',
    { class: 'controls', role: 'toolbar', 'aria-label': 'Anrufsteuerung' },
    toggle(['Mikrofon aus', 'Mikrofon an'], 'mute', (p) => client.setMicrophoneEnabled(!p)),
    toggle(['Kamera aus', 'Kamera an'], 'camera-off', (p) => client.setCameraEnabled(!p)),
    toggle(['Eigenes Bild ausblenden', 'Eigenes Bild zeigen'], 'hide-self', (p) => client.setSelfViewHidden(p)),
    shareButton,
    fullscreen,
    soundButton,
    hangUp,
  );
  return h('div', { class: 'call' }, videos, sas, controls, chat);
}

/** Replaces the call with a short German note once it ended. */
export function renderEnded(root: Element, by: 'self' | 'remote', extra?: Node): void {
  mount(root, h('h2', { tabindex: '-1' }, 'Videosprechstunde beendet'), h('p', {}, by === 'self' ? 'Sie haben aufgelegt.' : 'Die Gegenseite hat die Verbindung beendet.'), extra ?? null);
}
