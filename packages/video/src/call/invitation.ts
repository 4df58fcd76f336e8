import { PvsKitError } from '@pvskit/core';
import { z } from 'zod';
import { normaliseAccessCode, normaliseLocator } from '../access-code/access-code.js';
import { fromBase64Url } from './bytes.js';
import type { CallRole } from './e2e.js';

/* How a patient gets to an appointment id: the invitation link, or redeeming a typed code (browser-safe). */

/** Parses an invitation link `…/j/<appointmentId>#k=<secret>` (browser-safe). */
export function parseInvitationLink(link: string): { appointmentId: string; secret: string } {
  const url = new URL(link);
  const match = /\/j\/([A-Za-z0-9_-]{16,64})\/?$/.exec(url.pathname);
  const secret = new URLSearchParams(url.hash.replace(/^#/, '')).get('k');
  const bytes = secret === null ? undefined : fromBase64Url(secret);
  if (match?.[1] === undefined || bytes === undefined || bytes.length !== 32) {
    throw new PvsKitError('VALIDATION', 'Not an invitation link', { userMessage: 'Der Einladungslink ist ungültig oder unvollständig.' });
  }
  return { appointmentId: match[1], secret: secret as string };
}

/**
 * Redeems a typed code at `{signaling http url}/redeem` (browser-safe, uses `fetch`). A patient's page sends
 * only the code's locator (the relay must never learn the PAKE part); with `role: 'doctor'` the whole doctor
 * code goes, which is no end-to-end key and yields a doctor ticket.
 */
export async function redeemAccessCode(input: {
  signalingUrl: string;
  code: string;
  /** Who types: `patient` (default) sends the locator only, `doctor` the whole doctor code. */
  role?: CallRole;
  fetch?: typeof fetch;
}): Promise<{ appointmentId: string; role: CallRole; ticket?: string }> {
  const doFetch = input.fetch ?? fetch;
  const url = `${input.signalingUrl.replace(/^ws/, 'http')}/redeem`;
  const locator = normaliseLocator(input.code);
  const whole = normaliseAccessCode(input.code);
  if (locator === null || (input.role === 'doctor' && whole === null)) {
    throw new PvsKitError('AUTH', 'Access code has the wrong form', { userMessage: 'Zugangscode unbekannt' });
  }
  const payload = input.role === 'doctor' ? { code: whole } : { locator };
  const res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) {
    throw new PvsKitError((body.code as PvsKitError['code'] | undefined) ?? 'AUTH', String(body.message ?? 'redeem failed'), {
      userMessage: String(body.userMessage ?? 'Zugangscode unbekannt'),
    });
  }
  return z
    .object({ appointmentId: z.string(), role: z.enum(['doctor', 'patient']), ticket: z.string().optional() })
    .parse(body) as { appointmentId: string; role: CallRole; ticket?: string };
}
