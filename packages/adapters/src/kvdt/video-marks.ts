/**
 * The video marking of a 0104 case (KVDT-VIDEO-MARKER): the video-only marker (88220) must agree with the
 * (un)marked Notfallpauschalen. Markings are dated data of `@pvskit/billing`.
 */
import { readKvdtGopCode, videoOnlyCaseGop } from '@pvskit/billing';
import { needsTime } from './export-rules.js';

const PAUSCHALEN = new Set(['01205', '01207', '01210', '01212']);

/** What a service (5001) on a day means for the video marking. */
type VideoRole =
  | { readonly role: 'marker' }
  | { readonly role: 'marked' }
  | { readonly role: 'unmarked'; readonly gop: string }
  | { readonly role: 'contact' }
  | { readonly role: 'none' };

const MARKER: VideoRole = { role: 'marker' };
const MARKED: VideoRole = { role: 'marked' };
const CONTACT: VideoRole = { role: 'contact' };
const NONE: VideoRole = { role: 'none' };

function videoRole(value: string, date: string): VideoRole {
  if (value === videoOnlyCaseGop(date)) return MARKER;
  const code = readKvdtGopCode(value, date);
  if (code.video) return MARKED;
  if (PAUSCHALEN.has(code.gop)) return { role: 'unmarked', gop: code.gop };
  return needsTime(code.gop) ? CONTACT : NONE;
}

/** The video marking of one 0104 case: 88220 must agree with the (un)marked Notfallpauschalen. */
export class VideoMarks {
  private marker: number | undefined;
  private readonly unmarked: { line: number; gop: string }[] = [];
  private readonly marked: { line: number; gop: string }[] = [];
  private otherContacts = 0;
  // The same GOPs on the same days (a quarter's) recur from case to case: roles per day and GOP (bounded).
  private readonly roles = new Map<string, Map<string, VideoRole>>();

  reset(): void {
    this.marker = undefined;
    this.unmarked.length = 0;
    this.marked.length = 0;
    this.otherContacts = 0;
  }

  /** A service `value` (5001) on `date` (ISO). */
  see(value: string, line: number, date: string): void {
    let roles = this.roles.get(date);
    if (roles === undefined) {
      if (this.roles.size >= 512) this.roles.clear();
      roles = new Map();
      this.roles.set(date, roles);
    }
    let role = roles.get(value);
    if (role === undefined) {
      role = videoRole(value, date);
      if (roles.size >= 64) roles.clear();
      roles.set(value, role);
    }
    switch (role.role) {
      case 'marker':
        this.marker ??= line;
        break;
      case 'marked':
        this.marked.push({ line, gop: value });
        break;
      case 'unmarked':
        this.unmarked.push({ line, gop: role.gop });
        break;
      case 'contact':
        this.otherContacts++;
        break;
      case 'none':
        break;
    }
  }

  problems(): [number, string][] {
    const marker = this.marker;
    if (marker !== undefined) {
      return this.unmarked.map((u): [number, string] => [
        u.line,
        `Zeile ${u.line}: ${u.gop} ohne Video-Kennzeichnung, aber 88220 (Zeile ${marker}) kennzeichnet einen Fall nur mit Videokontakten.`,
      ]);
    }
    const first = this.marked[0];
    if (first !== undefined && this.unmarked.length === 0 && this.otherContacts === 0) {
      return [[first.line, `Zeile ${first.line}: ${first.gop} per Video ist der einzige Kontakt des Falls, die Kennzeichnung 88220 fehlt.`]];
    }
    return [];
  }
}
