import {
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
  const services = [...c.services];
  if (f.op === 'add') {
    services.push({
      gop: f.gop,
      date: f.date,
      ...(f.time === undefined ? {} : { time: f.time }),
      mode: f.mode ?? 'personal',
      count: f.count ?? 1,
    });
    return { ...c, services };
  }
  const target = services[f.service];
  if (target === undefined) {
    throw new ValidationError('fix', [
      { path: '$.service', message: `case has no service ${f.service} (it has ${services.length})` },
    ]);
  }
  if (f.op === 'remove') services.splice(f.service, 1);
  else if (f.op === 'replace') services[f.service] = { ...withoutPrice(target), gop: f.gop };
  else services[f.service] = { ...withoutPrice(target), count: f.count };
  return { ...c, services };
}

/** Index of the bundle case a finding belongs to (from its path `$.cases[i]…`), or undefined. */
export function caseIndexOf(finding: { path?: string | undefined }): number | undefined {
  const m = /^\$\.cases\[(\d+)\]/.exec(finding.path ?? '');
  return m === null ? undefined : Number(m[1]);
}

/**
 * Applies a fix to case `caseIndex` of a duty bundle (see {@link caseIndexOf}) and returns a new bundle.
 * @throws ValidationError when the bundle is invalid, has no such case, or the fix does not fit the case.
 */
export function applyBundleFix(input: Bundle | BundleInput, caseIndex: number, fix: Fix): Bundle {
  const bundle = parseWith(bundleSchema, input, 'bundle');
  const target = bundle.cases[caseIndex];
  if (target === undefined) {
    throw new ValidationError('fix', [{ path: '$.cases', message: `bundle has no case ${caseIndex} (it has ${bundle.cases.length})` }]);
  }
  const { services } = applyFix({ ...target, region: bundle.region }, fix);
  const cases = [...bundle.cases];
  cases[caseIndex] = { ...target, services };
  return { ...bundle, cases };
}
