import type { LoginResponse } from '../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { focusHeading, h, mount } from '../dom.js';

/*
 * The practice login: short name of the practice, user and password, checked by the keyring on the server.
 * The server answers with an HttpOnly session cookie; this page never sees a token.
 */
export function showLogin(root: HTMLElement, onLoggedIn: () => void): void {
  const message = h('p', { class: 'error', role: 'alert', 'data-testid': 'login-error' });
  const field = (label: string, name: string, type: string, autocomplete: string) =>
    h('label', {}, label, h('input', { name, type, autocomplete, required: true, maxlength: name === 'password' ? 256 : 64 }));
  const form = h(
    'form',
    { class: 'login', 'data-testid': 'login-form' },
    field('Kurzname der Praxis', 'organisation', 'text', 'organization'),
    field('Benutzername', 'user', 'text', 'username'),
    field('Passwort', 'password', 'password', 'current-password'),
    h('button', { type: 'submit', class: 'primary' }, 'Anmelden'),
    message,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector('button');
    if (button !== null) button.disabled = true;
    message.textContent = '';
    api
      .post<LoginResponse>('/api/login', { organisation: String(data.get('organisation') ?? ''), user: String(data.get('user') ?? ''), password: String(data.get('password') ?? '') })
      .then(() => onLoggedIn())
      .catch((error: unknown) => {
        message.textContent = error instanceof ApiFailure ? error.message : 'Die Anmeldung ist fehlgeschlagen.';
        if (button !== null) button.disabled = false;
      });
  });
  mount(root, h('h1', {}, 'Anmeldung'), h('p', { class: 'muted' }, 'Bitte melden Sie sich mit den Zugangsdaten Ihrer Praxis an.'), form);
  focusHeading(root);
}
