import { basename, join } from 'node:path';
import {
  bundleCaseOf,
  createPvsKit,
  quarterOf,
  ValidationError,
  validationIssueToJson,
  type BundleInput,
  type Logger,
  type PvsKit,
  type PvsKitPlugin,
} from '@pvskit/core';
import type {
  CardsResponse,
  CaseRecord,
  CheckResponse,
  CompleteResponse,
  DutyResponse,
  ExportResponse,
  Features,
  PatientRecord,
  SignResponse,
  StateResponse,
} from '../shared/api.js';
import { currentPracticeSession } from './auth/sessions.js';
import { dutyBundle, fullCase, newCaseFor, parseEditedCase, parsedDutyBundle } from './cases.js';
import { HttpError, notFound, sendJson, type Router } from './http.js';
import type { Integrations } from './integrations.js';
import { masterDataPlugin } from './master-data-plugin.js';
import type { HostStore } from './store.js';

/** Everything the API routes share. */
export interface AppDeps {
  store: HostStore;
  integrations: Integrations;
  logger: Logger;
  /** Directory the KVDT plugin writes into (downloads are served from here). */
  exportDir: string;
}

/** The kit of the sample PVS: its own master-data plugin plus every plugin the loaded packages offer. */
export function createHostKit(integrations: Integrations, logger: Logger): PvsKit {
  const plugins: PvsKitPlugin[] = [masterDataPlugin, ...(integrations.billing?.plugins ?? []), ...(integrations.kvdt?.plugins ?? [])];
  return createPvsKit({
    plugins,
    logger,
    // The editor checks after a pause in typing, so it never blocks a keystroke: 2 s leaves room on a busy
    // machine before a slow answer counts as a strike. The export writes a whole quarter.
    timeoutsMs: { 'case-edit': 2000, 'case-sign': 2000, 'patient-view': 1000, 'appointment-book': 5000, 'billing-export': 60_000 },
  });
}

function features(integrations: Integrations, extra: Partial<Features>): Features {
  return {
    billing: (integrations.billing?.plugins.length ?? 0) > 0,
    complete: integrations.billing !== undefined,
    kvdt: integrations.kvdt !== undefined,
    video: false,
    signaling: false,
    cdsHooks: false,
    ...extra,
  };
}

function requirePatient(store: HostStore, id: string): PatientRecord {
  const p = store.patient(id);
  if (p === undefined) throw notFound('Patient');
  return p;
}

function requireCase(store: HostStore, id: string): CaseRecord {
  const c = store.caseById(id);
  if (c === undefined) throw notFound('Fall');
  return c;
}

function unavailable(what: string): HttpError {
  return new HttpError(501, 'UNAVAILABLE', `${what} is not available in this build`, `${what} ist in dieser Installation nicht verfügbar.`);
}

/** Registers the JSON API on `router`. */
export function registerApi(router: Router, deps: AppDeps, kit: PvsKit, extraFeatures: () => Partial<Features>): void {
  const { store, integrations } = deps;

  router.on('GET', '/api/state', ({ res }) => {
    const session = currentPracticeSession();
    const body: StateResponse = {
      settings: store.settings(),
      duty: store.duty(),
      features: features(integrations, extraFeatures()),
      plugins: kit.plugins().map((p) => ({ id: p.id, title: p.title, hooks: p.hooks, enabled: p.enabled })),
      user: { user: session.userShortName, role: session.role },
    };
    sendJson(res, 200, body);
  });

  router.on('GET', '/api/patients', ({ res }) => sendJson(res, 200, store.patients()));

  router.on('GET', '/api/patients/:id', ({ res, params }) => {
    const patient = requirePatient(store, params['id'] ?? '');
    sendJson(res, 200, { patient, cases: store.cases({ patientId: patient.id }) });
  });

  router.on('POST', '/api/patients/:id/view', async ({ res, params }) => {
    const patient = requirePatient(store, params['id'] ?? '');
    const result = await kit.callHook('patient-view', { patient, userId: 'demo-arzt' });
    const body: CardsResponse = { hookInstance: result.hookInstance, cards: result.cards };
    sendJson(res, 200, body);
  });

  router.on('POST', '/api/patients/:id/cases', ({ res, params }) => {
    const patient = requirePatient(store, params['id'] ?? '');
    const record = store.createCase(patient.id, newCaseFor(patient, store.settings()));
    sendJson(res, 201, record);
  });

  router.on('GET', '/api/cases/:id', ({ res, params }) => {
    sendJson(res, 200, requireCase(store, params['id'] ?? ''));
  });

  // The live check while typing: validate, save the draft, run case-edit. Input problems come back as issues
  // (not an HTTP error) because a half-typed case is the normal state of an editor.
  router.on('POST', '/api/cases/:id/check', async ({ res, params, body }) => {
    const record = requireCase(store, params['id'] ?? '');
    const raw = await body();
    let parsed;
    try {
      parsed = parseEditedCase({ ...(raw as object), id: record.id });
    } catch (error) {
      if (error instanceof ValidationError) {
        const response: CheckResponse = { cards: [], issues: error.issues.map(validationIssueToJson), saved: false };
        sendJson(res, 200, response);
        return;
      }
      throw error;
    }
    if (record.status === 'open') store.updateCase(record.id, parsed);
    const result = await kit.callHook('case-edit', { case: fullCase(store, parsed) });
    const response: CheckResponse = { hookInstance: result.hookInstance, cards: result.cards, issues: [], saved: record.status === 'open' };
    sendJson(res, 200, response);
  });

  router.on('POST', '/api/cases/:id/complete', async ({ res, params, body }) => {
    const billing = integrations.billing;
    if (billing === undefined) throw unavailable('Vervollständigen');
    const record = requireCase(store, params['id'] ?? '');
    const parsed = parseEditedCase({ ...((await body()) as object), id: record.id });
    const completed = billing.completeCase(fullCase(store, parsed));
    const done = { ...bundleCaseOf(completed.case), id: record.id };
    const updated = store.updateCase(record.id, done);
    const check = await kit.callHook('case-edit', { case: fullCase(store, done) });
    const response: CompleteResponse = { record: updated, cards: check.cards };
    sendJson(res, 200, response);
  });

  router.on('POST', '/api/cases/:id/sign', async ({ res, params, body }) => {
    const record = requireCase(store, params['id'] ?? '');
    const parsed = parseEditedCase({ ...((await body()) as object), id: record.id });
    const result = await kit.callHook('case-sign', { case: fullCase(store, parsed) });
    // Rules advise, never block: the case is closed whatever the cards say.
    const updated = store.updateCase(record.id, parsed, 'signed');
    const response: SignResponse = { record: updated, cards: result.cards };
    sendJson(res, 200, response);
  });

  router.on('POST', '/api/cases/:id/reopen', ({ res, params }) => {
    const record = requireCase(store, params['id'] ?? '');
    sendJson(res, 200, store.updateCase(record.id, record.case, 'open'));
  });

  // CDS Hooks feedback: the user accepted a suggestion (applied a fix). The kit validates and remembers it.
  router.on('POST', '/api/feedback', async ({ res, body }) => {
    const record = kit.feedback((await body()) as Parameters<PvsKit['feedback']>[0]);
    sendJson(res, 200, record);
  });

  // A plugin disabled after repeated failures stays off until the practice reloads it (docs/architecture.md, "Hooks").
  router.on('POST', '/api/plugins/:id/reload', ({ res, params }) => {
    kit.reload(params['id'] ?? '');
    sendJson(res, 200, kit.plugins().map((p) => ({ id: p.id, title: p.title, hooks: p.hooks, enabled: p.enabled })));
  });

  router.on('GET', '/api/duty', async ({ res }) => {
    const duty = store.duty();
    const records = store.cases({ dutyId: duty.id });
    let bundle: BundleInput = dutyBundle(store, records);
    let pseudoCases: DutyResponse['pseudoCases'] = [];
    if (integrations.billing !== undefined) {
      // Judge the duty as it will be exported: completed, with the pseudo case(s) complete() adds.
      bundle = integrations.billing.completeBundle(parsedDutyBundle(store, records)).bundle;
      pseudoCases = bundle.cases.filter((c) => c.pseudo === true);
    }
    const result = await kit.callHook('case-edit', { bundle });
    const response: DutyResponse = {
      duty,
      cases: records.map((r) => ({ ...r, patientName: `${r.case.patient.lastName}, ${r.case.patient.firstName}` })),
      pseudoCases,
      cards: result.cards,
    };
    sendJson(res, 200, response);
  });

  router.on('POST', '/api/export', async ({ res }) => {
    const { kvdt, billing } = integrations;
    if (kvdt === undefined || billing === undefined) throw unavailable('KVDT-Export');
    const duty = store.duty();
    // The KV gets the duty as `complete` makes it: derived services, prices and the pseudo case(s).
    const completed = billing.completeBundle(parsedDutyBundle(store, store.cases({ dutyId: duty.id })));
    const quarter = quarterOf(duty.start.slice(0, 10));
    const settings = store.settings();
    // No outDir: the plugin writes into the export directory it was configured with, and nowhere else.
    const hook = await kit.callHook('billing-export', { items: [completed.bundle], quarter });
    // `data` is typed by the KVDT adapter's HookDataRegistry entry: the file written, or `{ refused }`.
    const written = hook.results.map((r) => r.data).find((d) => d !== undefined && 'path' in d);
    if (written === undefined) {
      const reason = hook.cards.find((c) => c.indicator === 'critical');
      throw new HttpError(422, 'EXPORT_REFUSED', 'KVDT export refused', reason?.detail ?? reason?.summary ?? 'Die KVDT-Datei wurde nicht erstellt.');
    }
    const checked = await kvdt.check(written.path);
    const fileName = basename(written.path);
    const response: ExportResponse = {
      fileName,
      download: `/api/export/${encodeURIComponent(fileName)}`,
      bytes: written.bytes,
      quarter: written.quarter,
      cases: written.cases,
      findings: checked.findings,
      records: checked.counts,
      pseudoCaseExport: settings.pseudoCaseExport,
      cards: hook.cards,
    };
    sendJson(res, 200, response);
  });

  router.on('GET', '/api/export/:name', async ({ res, params }) => {
    const name = params['name'] ?? '';
    // Only names the writer produces; anything else (../, other files) is not ours to serve.
    if (!/^Z01\d{9}_\d{2}\.\d{2}\.\d{4}_\d{2}\.\d{2}\.con$/.test(name)) throw notFound('Datei');
    const { readFile } = await import('node:fs/promises');
    let bytes: Buffer;
    try {
      bytes = await readFile(join(deps.exportDir, name));
    } catch {
      throw notFound('Datei');
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${name}"`,
      'content-length': bytes.length,
      'cache-control': 'no-store',
    });
    res.end(bytes);
  });
}
