import type { Fix } from './schemas/finding.js';

/** The `add` variant of {@link Fix}. */
export type AddFix = Extract<Fix, { op: 'add' }>;

/** What a fix needs of a service: its GOP and count. Hosts keep their own service shapes. */
export interface FixableService {
  gop: string;
  count?: number | undefined;
}

/**
 * Applies one fix to a list of services and returns the new list; `createAdded` builds the service an `add`
 * fix appends, in the caller's own shape. Returns `undefined` when the fix names an index the list does not
 * have (the user edited the case after the check): the caller decides whether that is an error.
 * Pure: neither the list nor its services are changed.
 *
 * One implementation for the engine, hosts and the harness, so a fix means the same everywhere.
 */
export function applyFixToServices<S extends FixableService>(
  services: readonly S[],
  fix: Fix,
  createAdded: (fix: AddFix) => S,
): S[] | undefined {
  if (fix.op === 'add') return [...services, createAdded(fix)];
  const target = services[fix.service];
  if (target === undefined) return undefined;
  const out = [...services];
  if (fix.op === 'remove') out.splice(fix.service, 1);
  else if (fix.op === 'replace') out[fix.service] = { ...target, gop: fix.gop };
  else out[fix.service] = { ...target, count: fix.count };
  return out;
}

/**
 * Applies several fixes that were all made against the same list (indices refer to it): replacements and
 * count changes in place, then removals from the highest index down, then additions at the end.
 * Fixes naming an index the list does not have are skipped.
 */
export function applyFixesToServices<S extends FixableService>(
  services: readonly S[],
  fixes: readonly Fix[],
  createAdded: (fix: AddFix) => S,
): S[] {
  const rank = (f: Fix): number => (f.op === 'add' ? 2 : f.op === 'remove' ? 1 : 0);
  const ordered = [...fixes].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0 || a.op !== 'remove' || b.op !== 'remove') return byRank;
    return b.service - a.service;
  });
  let out: S[] = [...services];
  for (const fix of ordered) out = applyFixToServices(out, fix, createAdded) ?? out;
  return out;
}
