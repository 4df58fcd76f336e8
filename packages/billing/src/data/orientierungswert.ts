import { SOURCES } from './sources.js';

/** The Orientierungswert (cent per EBM point) of one calendar year. */
export interface PointValue {
  readonly year: number;
  readonly cents: number;
  readonly source: string;
}

/** Orientierungswert per year; a year not listed has no known value (euro amounts are then null). */
export const ORIENTIERUNGSWERTE: readonly PointValue[] = [
  { year: 2024, cents: 11.9339, source: SOURCES.spec },
  { year: 2025, cents: 12.3934, source: SOURCES.spec },
  { year: 2026, cents: 12.7404, source: SOURCES.spec },
];
