/**
 * Metadata the signaling server keeps (R10): events with ids, roles and times only — never names, codes,
 * SDP or candidates — each with a deletion date at most 90 days out.
 */

/** Longest retention the spec allows (R10). */
export const MAX_METADATA_TTL_DAYS = 90;

/** Event kinds the server records. */
export type SignalingEventKind =
  | 'room-opened'
  | 'joined'
  | 'resumed'
  | 'admitted'
  | 'denied'
  | 'left'
  | 'pake-failed'
  | 'locked'
  | 'candidate-type'
  | 'room-expired';

/** One metadata record. */
export interface SignalingMetadataRecord {
  appointmentId: string;
  event: SignalingEventKind;
  role?: 'doctor' | 'patient';
  /** Only enumerated values (e.g. candidate types), never free text. */
  detail?: Record<string, string | number | boolean>;
  /** Epoch ms. */
  at: number;
  /** Epoch ms; at most {@link MAX_METADATA_TTL_DAYS} after `at`. */
  deleteAfter: number;
}

/** Storage port for signaling metadata; a vendor can plug in its own. */
export interface SignalingMetadataStore {
  append(record: SignalingMetadataRecord): void | Promise<void>;
  /** Deletes records whose `deleteAfter` is past; returns how many. */
  purge(now: number): number | Promise<number>;
  /** All records of one appointment (for the audit view). */
  list(appointmentId: string): readonly SignalingMetadataRecord[] | Promise<readonly SignalingMetadataRecord[]>;
}

/** Keeps metadata in memory (the default for the standalone server). */
export function createMemoryMetadataStore(): SignalingMetadataStore & { readonly records: SignalingMetadataRecord[] } {
  const records: SignalingMetadataRecord[] = [];
  return {
    records,
    append(record) {
      records.push(record);
    },
    purge(now) {
      let removed = 0;
      for (let i = records.length - 1; i >= 0; i--) {
        if ((records[i]?.deleteAfter ?? Infinity) <= now) {
          records.splice(i, 1);
          removed++;
        }
      }
      return removed;
    },
    list: (appointmentId) => records.filter((r) => r.appointmentId === appointmentId),
  };
}
