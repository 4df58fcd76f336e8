import { parseWith, PvsKitError } from '@pvskit/core';
import { practiceOf } from '../base/session.js';
import type { PracticeSession } from '../base/session.js';
import { writeAudit } from '../base/audit.js';
import type { VideoContext } from '../base/context.js';
import type { Plan, PracticeRow } from '../storage/port.js';
import { PLAN_CATALOGUE, assertPlanIncludes, planIncludes, type Feature } from './entitlements.js';
import { openMandate, sealMandate, sepaMandateSchema, type SepaMandateInput, type StoredSepaMandate } from './sepa.js';

/** What a practice may use. */
export interface Entitlements {
  plan: Plan;
  features: Feature[];
}

/** Plans, entitlements and the SEPA mandate. */
export interface PlansApi {
  /** Entitlements of a practice (server-side, no session needed; the signaling server asks this). */
  entitlements(practiceId: string): Entitlements;
  isEntitled(practiceId: string, feature: Feature): boolean;
  /** FORBIDDEN (German message) when the practice's plan lacks the feature. */
  assertEntitled(practiceId: string, feature: Feature): void;
  /** Main user switches plan; plus needs a valid SEPA mandate, basis deletes the mandate. */
  changePlan(session: PracticeSession, input: { plan: Plan; sepaMandate?: SepaMandateInput }): Entitlements;
  /** Provider side: the stored mandate (for the monthly debit), or null. */
  readSepaMandate(practiceId: string): StoredSepaMandate | null;
}

export function createPlansApi(ctx: VideoContext): PlansApi {
  const { store } = ctx;

  function practice(practiceId: string): PracticeRow {
    const p = store.getPractice(practiceId);
    if (p === undefined || p.keysDestroyedAt !== null) {
      throw new PvsKitError('NOT_FOUND', 'practice not found', { userMessage: 'Praxis nicht gefunden.' });
    }
    return p;
  }

  const entitlementsOf = (p: PracticeRow): Entitlements => ({
    plan: p.plan,
    features: [...PLAN_CATALOGUE.plans[p.plan].features],
  });

  return {
    entitlements: (practiceId) => entitlementsOf(practice(practiceId)),
    isEntitled: (practiceId, feature) => planIncludes(practice(practiceId).plan, feature),
    assertEntitled: (practiceId, feature) => assertPlanIncludes(practice(practiceId).plan, feature),

    changePlan(session, input) {
      const p = practiceOf(ctx, session);
      if (!session.isMain) {
        throw new PvsKitError('FORBIDDEN', 'only the main user may change the plan', {
          userMessage: 'Nur der Hauptnutzer darf den Vertrag wechseln.',
        });
      }
      if (input.plan === 'plus') {
        const mandate = parseWith(sepaMandateSchema, input.sepaMandate, 'SEPA mandate');
        const next: PracticeRow = {
          ...p,
          plan: 'plus',
          sepaSealed: sealMandate(ctx.billingKey, p.id, { ...mandate, grantedAt: ctx.now() }),
        };
        store.updatePractice(next);
        writeAudit(ctx, p.id, 'plan.changed', { plan: 'plus' });
        return entitlementsOf(next);
      }
      if (store.listUsers(p.id).length > 1) {
        throw new PvsKitError('CONFLICT', 'basis allows one user; remove further users first', {
          userMessage: 'Der Tarif basis erlaubt nur einen Benutzer. Bitte entfernen Sie zuerst die weiteren Benutzer.',
        });
      }
      const next: PracticeRow = { ...p, plan: 'basis', sepaSealed: null };
      store.updatePractice(next);
      writeAudit(ctx, p.id, 'plan.changed', { plan: 'basis' });
      return entitlementsOf(next);
    },

    readSepaMandate(practiceId) {
      const p = practice(practiceId);
      return p.sepaSealed === null ? null : openMandate(ctx.billingKey, p.id, p.sepaSealed);
    },
  };
}
