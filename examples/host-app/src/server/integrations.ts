import type { Bundle, Case, Finding, PvsKitPlugin } from '@pvskit/core';

/*
 * What the host app needs from the other pvskit packages, as narrow ports filled by `load-integrations.ts`.
 * A port that is missing hides its part of the UI (Features in the state response) instead of faking it.
 */

export interface BillingPort {
  /** Plugins answering `case-edit` / `case-sign` (the rule engine's cards). */
  plugins: PvsKitPlugin[];
  completeCase(input: Case): { case: Case; findings: Finding[] };
  /** The duty completed: derived services, prices, pseudo cases first. */
  completeBundle(input: Bundle): { bundle: Bundle; findings: Finding[] };
}

export interface KvdtPort {
  /** The plugin answering `billing-export` (it writes the file into its configured export directory). */
  plugins: PvsKitPlugin[];
  /** Reads a written file back: validator findings and record counts per Satzart. */
  check(path: string): Promise<{ findings: Finding[]; counts: Record<string, number> }>;
}

export interface Integrations {
  billing?: BillingPort;
  kvdt?: KvdtPort;
}
