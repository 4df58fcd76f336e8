import type { ContactMode } from '@pvskit/core';

/** A closed date range of validity; `null` = not bounded by the source we have. */
export interface Validity {
  /** First day (YYYY-MM-DD) or null. */
  readonly validFrom: string | null;
  /** Last day (YYYY-MM-DD) or null. */
  readonly validTo: string | null;
}

/** Points of a GOP during one period. */
export interface PointsPeriod extends Validity {
  readonly points: number;
  /** Points when the contact was a video consultation, if the EBM values it differently. */
  readonly videoPoints?: number;
  readonly source: string;
}

/**
 * The time band a GOP is tied to. `day`/`offHours` are the Notfallpauschale bands, `I`/`II`/`III` the
 * Notfallkonsultationspauschale bands (spec "Time model").
 */
export type GopBand = 'day' | 'offHours' | 'I' | 'II' | 'III';

/** What a GOP is, for the engine. */
export type GopKind =
  | 'notfallpauschale'
  | 'abklaerung'
  | 'konsultation'
  | 'zuschlag'
  | 'visit'
  | 'wegepauschale'
  | 'technik'
  | 'procedure'
  | 'pseudo'
  | 'excluded';

/** A frequency limit ("einmal je Dienstfall", "höchstens 47-mal im Quartal"). */
export interface FrequencyLimit {
  readonly max: number;
  /** `contact` = one doctor–patient contact (Sitzung: same date and minute); `quarter` = one calendar quarter of one physician, summed over the cases of one duty. */
  readonly per: 'dienstfall' | 'day' | 'contact' | 'quarter';
  readonly source?: string;
}

/** One GOP of the built-in catalogue. */
export interface GopDefinition extends Validity {
  readonly gop: string;
  /** German short text. */
  readonly title: string;
  readonly kind: GopKind;
  /** Empty when the EBM does not value it in points (Wegepauschalen carry euro amounts per region). */
  readonly points: readonly PointsPeriod[];
  readonly band?: GopBand;
  /** Contact modes the GOP may be billed for. */
  readonly modes: readonly ContactMode[];
  /** Validity of a contact mode narrower than the GOP's own (01210/01212 by video only since 2022-07-01). */
  readonly modeValidity?: Readonly<Partial<Record<ContactMode, Validity & { readonly source: string }>>>;
  readonly requiresTime: boolean;
  /**
   * Percent the KV takes off the points when the case had video contacts only (01210/01212: 10 %). Applies to
   * every points period, SDEBM ones included, unless the period states its own `videoPoints`.
   */
  readonly videoReductionPercent?: number;
  /** Frequency limits; each one is checked on its own (01450: once per contact and at most 47 per quarter). */
  readonly frequency?: readonly FrequencyLimit[];
  /** GOPs not billable beside this one in the same Dienstfall. */
  readonly excludes: readonly string[];
  /** At least one of these must be in the Dienstfall (base GOP of a Zuschlag). */
  readonly requires: readonly string[];
  readonly source: string;
}
