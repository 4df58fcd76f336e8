import type { VideoContext } from './context.js';
import { DAY_MS } from './context.js';
import { newId } from './crypto.js';
import type { AuditRow } from '../storage/port.js';

/** Metadata an audit entry may carry: flags, counts, roles, channels; never names, addresses or free text. */
export type AuditMeta = Record<string, string | number | boolean | null>;

/** One entry of the audit log as the API returns it. */
export interface AuditEntry {
  at: number;
  event: string;
  appointmentId: string | null;
  meta: AuditMeta;
  deleteAfter: number;
}

/**
 * Appends an audit entry. Entries about an appointment share its deletion date (purged with it); entries about
 * the practice (logins, devices) are kept for the retention period from the event.
 */
export function writeAudit(
  ctx: VideoContext,
  practiceId: string,
  event: string,
  meta: AuditMeta = {},
  appointment?: { id: string; deleteAfter: number },
): void {
  const at = ctx.now();
  const row: AuditRow = {
    id: newId(),
    practiceId,
    appointmentId: appointment?.id ?? null,
    at,
    event,
    metaJson: JSON.stringify(meta),
    deleteAfter: appointment?.deleteAfter ?? at + ctx.retentionDays * DAY_MS,
  };
  ctx.store.insertAudit(row);
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    at: row.at,
    event: row.event,
    appointmentId: row.appointmentId,
    meta: JSON.parse(row.metaJson) as AuditMeta,
    deleteAfter: row.deleteAfter,
  };
}
