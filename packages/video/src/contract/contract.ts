import { berlinDateTimeOf, isRealLocalDate, PvsKitError } from '@pvskit/core';
import { practiceOf } from '../base/session.js';
import type { PracticeSession } from '../base/session.js';
import { writeAudit } from '../base/audit.js';
import type { VideoContext } from '../base/context.js';
import type { PracticeDeletionCounts, PracticeRow } from '../storage/port.js';
import { contractEndDate } from './notice.js';

/** Contract state as the practice sees it. */
export interface ContractStatus {
  plan: PracticeRow['plan'];
  /** Day the cancellation was declared, or null. */
  cancelledOn: string | null;
  /** Last day of the contract; afterwards keys are destroyed and all data deleted. */
  endsOn: string | null;
  /** Whether the cancellation may still be revoked (until and including `endsOn`). */
  revocable: boolean;
}

/** One practice removed at contract end. */
export interface ContractEndReport {
  practiceId: string;
  endedOn: string;
  /** Wraps and sealed device keys destroyed (crypto-shredding) before any row was deleted. */
  keysDestroyed: { passwordWraps: number; masterWraps: number; deviceKeys: number };
  deleted: PracticeDeletionCounts;
}

/** Cancellation, its revocation and the end of the contract. */
export interface ContractApi {
  status(session: PracticeSession): ContractStatus;
  /** Cancels with 3 months' notice to the end of a quarter; `on` defaults to today (Berlin). Main user only. */
  cancel(session: PracticeSession, options?: { on?: string }): ContractStatus;
  /** Takes the cancellation back during the notice period; a later cancellation starts a new period. */
  revokeCancellation(session: PracticeSession, options?: { on?: string }): ContractStatus;
  /**
   * Server job: for every practice whose contract ended before `today`, destroys its keys (password and master
   * wraps, device-sealed keys), then deletes all its rows. Logs what it removed.
   */
  runContractEnds(today?: string): ContractEndReport[];
}

function statusOf(p: PracticeRow, today: string): ContractStatus {
  return {
    plan: p.plan,
    cancelledOn: p.cancelledOn,
    endsOn: p.endsOn,
    revocable: p.endsOn !== null && today <= p.endsOn,
  };
}

export function createContractApi(ctx: VideoContext): ContractApi {
  const { store } = ctx;
  const today = (on?: string): string => {
    const d = on ?? berlinDateTimeOf(new Date(ctx.now())).date;
    if (!isRealLocalDate(d)) throw new PvsKitError('VALIDATION', `not a date: ${d}`);
    return d;
  };
  const requireMain = (session: PracticeSession): void => {
    if (!session.isMain) {
      throw new PvsKitError('FORBIDDEN', 'only the main user may cancel the contract', {
        userMessage: 'Nur der Hauptnutzer darf den Vertrag kündigen.',
      });
    }
  };

  /** Step 1 of the end: without wraps and sealed keys nobody can obtain the data key any more. */
  function shredKeys(p: PracticeRow): ContractEndReport['keysDestroyed'] {
    return store.transaction(() => {
      let passwordWraps = 0;
      for (const u of store.listUsers(p.id)) {
        if (u.passwordWrap !== null) passwordWraps += 1;
        store.updateUser({ ...u, passwordWrap: null });
      }
      let deviceKeys = 0;
      for (const d of store.listDevices(p.id)) {
        if (d.sealedKey !== null) deviceKeys += 1;
        store.updateDevice({ ...d, sealedKey: null, status: 'revoked', revokedAt: d.revokedAt ?? ctx.now() });
      }
      const masterWraps = p.masterWrap === null ? 0 : 1;
      store.updatePractice({ ...p, masterWrap: null, keysDestroyedAt: ctx.now() });
      return { passwordWraps, masterWraps, deviceKeys };
    });
  }

  return {
    status(session) {
      return statusOf(practiceOf(ctx, session), today());
    },

    cancel(session, options = {}) {
      const p = practiceOf(ctx, session);
      requireMain(session);
      const on = today(options.on);
      if (p.endsOn !== null) {
        throw new PvsKitError('CONFLICT', 'contract is already cancelled', {
          userMessage: `Der Vertrag ist bereits zum ${p.endsOn.split('-').reverse().join('.')} gekündigt.`,
        });
      }
      const next: PracticeRow = { ...p, cancelledOn: on, endsOn: contractEndDate(on) };
      store.updatePractice(next);
      writeAudit(ctx, p.id, 'contract.cancelled', { cancelledOn: on, endsOn: next.endsOn });
      ctx.logger.info('video contract cancelled', { practiceId: p.id, endsOn: next.endsOn });
      return statusOf(next, on);
    },

    revokeCancellation(session, options = {}) {
      const p = practiceOf(ctx, session);
      requireMain(session);
      const on = today(options.on);
      if (p.endsOn === null) {
        throw new PvsKitError('CONFLICT', 'contract is not cancelled', { userMessage: 'Der Vertrag ist nicht gekündigt.' });
      }
      if (on > p.endsOn) {
        throw new PvsKitError('EXPIRED', 'the notice period is over', {
          userMessage: 'Die Kündigungsfrist ist abgelaufen; die Kündigung kann nicht mehr widerrufen werden.',
        });
      }
      const next: PracticeRow = { ...p, cancelledOn: null, endsOn: null };
      store.updatePractice(next);
      writeAudit(ctx, p.id, 'contract.cancellation-revoked', { revokedOn: on });
      return statusOf(next, on);
    },

    runContractEnds(todayInput) {
      const day = today(todayInput);
      const reports: ContractEndReport[] = [];
      for (const p of store.listPracticesEndingOnOrBefore(day)) {
        if (p.endsOn === null || p.endsOn >= day) continue;
        const keysDestroyed = shredKeys(p);
        ctx.logger.info('video practice keys destroyed at contract end', { practiceId: p.id, ...keysDestroyed });
        const deleted = store.deletePractice(p.id);
        ctx.logger.info('video practice deleted at contract end', { practiceId: p.id, ...deleted });
        reports.push({ practiceId: p.id, endedOn: p.endsOn, keysDestroyed, deleted });
      }
      return reports;
    },
  };
}
