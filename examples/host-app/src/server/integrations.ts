import type { Bundle, BundleInput, Case, CaseInput, Finding, PvsKitPlugin } from '@pvskit/core';

/*
 * What the host app needs from the other pvskit packages, as narrow ports. `load-integrations.ts` fills them
 * from @pvskit/billing, @pvskit/adapters and @pvskit/video; a port that is missing hides its part of the UI
 * (Features in the state response) instead of faking it.
 */

export interface BillingPort {
  /** Plugins answering `case-edit` / `case-sign`. */
  plugins: PvsKitPlugin[];
  completeCase(input: CaseInput): { case: Case; findings: Finding[] };
  completeBundle(input: BundleInput): { bundle: Bundle; findings: Finding[] };
}

export interface KvdtExportResult {
  path: string;
  fileName: string;
  bytes: number;
  cases: number;
  quarter: string;
  findings: Finding[];
  /** Count of records per Satzart when the written file is read back. */
  records: Record<string, number>;
}

export interface KvdtPort {
  plugins: PvsKitPlugin[];
  /** Writes a KVDT file for the items into `outDir` and validates it. */
  exportAndCheck(items: (Case | Bundle | CaseInput | BundleInput)[], options: { outDir: string; quarter: string }): Promise<KvdtExportResult>;
}

export interface Integrations {
  billing?: BillingPort;
  kvdt?: KvdtPort;
}
