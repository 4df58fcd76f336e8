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

/** The patient's join pages (static, answered with the app shell) and their API. */
function isPatientPath(pathname: string): boolean {
  return pathname === '/video' || pathname.startsWith('/video/') || pathname.startsWith(PATIENT_PREFIX);
}

/** What both origins need: the script bundle and styles, and the signaling the doctor's call page uses too. */
const SHARED_PATHS = new Set(['/app.js', '/app.js.map', '/styles.css', '/signal', '/signal/redeem']);

/**
 * With the patient pages on their own origin (`--patient-origin`), each origin serves only its own paths: the
 * patient name never reaches a PVS route or page, the PVS name no join page (a join page there would run
 * patient-controlled input in the PVS's origin).
 */
export function servedTo(audience: 'practice' | 'patient', pathname: string): boolean {
  if (SHARED_PATHS.has(pathname)) return true;
  return audience === 'patient' ? isPatientPath(pathname) : !isPatientPath(pathname);
}
