import {
  applyFixToServices,
  bundleSchema,
  caseSchema,
  fixSchema,
  parseWith,
  ValidationError,
  type Bundle,
  type BundleInput,
  type Case,
  type CaseInput,
  type Fix,
  type Service,
} from '@pvskit/core';

function withoutPrice(s: Service): Service {
  const { points: _p, euro: _e, ...rest } = s;
  return rest;
}

/**
 * Applies one finding's fix to a case and returns a new case (the input is not touched). Indices refer to
 * the case the finding was made on: apply one fix, then check again. Points and euro of a changed service
 * are dropped (run `complete` to price again).
 * @throws ValidationError when the fix is malformed or names a service the case does not have.
 */
export function applyFix(input: Case | CaseInput, fix: Fix): Case {
  const c = parseWith(caseSchema, input, 'case');
  const f = parseWith(fixSchema, fix, 'fix');
  const services = applyFixToServices(c.services, f, (add) => ({
    gop: add.gop,
    date: add.date,
    ...(add.time === undefined ? {} : { time: add.time }),
    mode: add.mode ?? 'personal',
    count: add.count ?? 1,
  }));
  if (services === undefined) {
    throw new ValidationError('fix', [
      { path: ['service'], message: `case has no service ${'service' in f ? f.service : ''} (it has ${c.services.length})` },
    ]);
  }
  // A changed GOP or count has another price: drop the stale one (run `complete` to price again).
  if (f.op === 'replace' || f.op === 'set-count') {
    const changed = services[f.service];
    if (changed !== undefined) services[f.service] = withoutPrice(changed);
  }
  return { ...c, services };
}

/**
 * Applies a fix to case `caseIndex` of a duty bundle (a finding's `caseIndex`) and returns a new bundle.
 * @throws ValidationError when the bundle is invalid, has no such case, or the fix does not fit the case.
 */
export function applyBundleFix(input: Bundle | BundleInput, caseIndex: number, fix: Fix): Bundle {
  const bundle = parseWith(bundleSchema, input, 'bundle');
  const target = bundle.cases[caseIndex];
  if (target === undefined) {
    throw new ValidationError('fix', [{ path: ['cases'], message: `bundle has no case ${caseIndex} (it has ${bundle.cases.length})` }]);
  }
  const { services } = applyFix({ ...target, region: bundle.region }, fix);
  const cases = [...bundle.cases];
  cases[caseIndex] = { ...target, services };
  return { ...bundle, cases };
}
