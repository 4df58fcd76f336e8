import type { RouteInfo } from './http.js';

/**
 * Who may call a route of the app server:
 * - `practice`: a logged-in practice user (session cookie). Everything that shows or changes PVS data.
 * - `patient`: anyone. The patient's join pages and their API; they hold no PVS data and authenticate
 *   through the invitation link or an access code instead.
 * - `login`: anyone, to log in or out.
 *
 * Decided by path here, in one place, not per route: a route added later is a practice route unless its
 * path says otherwise, so forgetting to protect it is impossible.
 */
export type Access = 'practice' | 'patient' | 'login';

/** Paths the patient's join page calls (the signaling's `/signal` and `/signal/redeem` are not router routes). */
const PATIENT_PREFIX = '/api/join/';
const LOGIN_PATHS = new Set(['/api/login', '/api/logout']);

export function accessOf(route: RouteInfo): Access {
  if (LOGIN_PATHS.has(route.path)) return 'login';
  if (route.path.startsWith(PATIENT_PREFIX)) return 'patient';
  return 'practice';
}
