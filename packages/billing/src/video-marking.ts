import type { Case, ContactMode } from '@pvskit/core';
import { videoMarkingOn } from './data/video-marking.js';

/**
 * The GOP as KVDT field 5001 carries it: with the video Zusatzkennzeichnung when the service was a video
 * contact of a GOP the marking table lists on that date, else unchanged.
 */
export function kvdtGopCode(gop: string, mode: ContactMode, date: string): string {
  if (mode !== 'video') return gop;
  const marking = videoMarkingOn(date);
  return marking !== undefined && marking.suffixGops.includes(gop) ? `${gop}${marking.suffix}` : gop;
}

/** Reads a 5001 code back: the GOP and, when it carries the video suffix, mode `video`. */
export function readKvdtGopCode(code: string, date: string): { gop: string; video: boolean } {
  const marking = videoMarkingOn(date);
  if (marking === undefined || !code.endsWith(marking.suffix)) return { gop: code, video: false };
  const gop = code.slice(0, -marking.suffix.length);
  return marking.suffixGops.includes(gop) ? { gop, video: true } : { gop: code, video: false };
}

/**
 * A case whose doctor–patient contacts were all by video (the KV's 10 % reduction of 01210/01212 applies only
 * then, EBM AB 4.3.1): its contacts when it has any, else its Notfall- and Konsultationspauschalen.
 */
export function isVideoOnlyCase(c: { readonly contacts: Case['contacts']; readonly services: readonly Case['services'][number][] }, isContactGop: (gop: string) => boolean): boolean {
  if (c.contacts.length > 0) return c.contacts.every((k) => k.mode === 'video');
  const contacts = c.services.filter((s) => isContactGop(s.gop));
  return contacts.length > 0 && contacts.every((s) => s.mode === 'video');
}

/** The pseudo GOP marking a video-only case on `date` (88220), or undefined when no marking applies. */
export function videoOnlyCaseGop(date: string): string | undefined {
  return videoMarkingOn(date)?.videoOnlyCaseGop;
}
