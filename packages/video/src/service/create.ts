import { berlinDateTimeOf, parseWith, PvsKitError, silentLogger } from '@pvskit/core';
import { createAccountApi, type AccountApi } from '../account/account.js';
import { checkKdfParams, cryptoReady, fromB64, genericHash, kdfPreset, subkey, wipe } from '../base/crypto.js';
import { createAccessApi, type AccessApi } from '../appointments/access.js';
import { createAppointmentsApi, type AppointmentsApi } from '../appointments/appointments.js';
import { createConsentApi, type ConsentApi } from '../consent/consent.js';
import { createContractApi, type ContractApi } from '../contract/contract.js';
import { createInvitationsApi, type InvitationsApi } from '../invitations/invitations.js';
import { createPlansApi, type PlansApi } from '../plans/plans.js';
import type { PurgeCounts } from '../storage/port.js';
import type { VideoContext } from '../base/context.js';
import { optionsSchema, type VideoServiceOptions } from './options.js';

/**
 * The video service: everything before the call. Sessions (`account.login`) carry the practice data key;
 * the methods at the top level are the server-side checks the signaling server shares.
 */
export interface VideoService {
  account: AccountApi;
  appointments: AppointmentsApi;
  invitations: InvitationsApi;
  consent: ConsentApi;
  plans: PlansApi;
  contract: ContractApi;
  /** Same as `access`, for the signaling server: code checks and the shared failed-attempt counter. */
  access: AccessApi;
  /** See {@link AccessApi.verifyAccessCode}. */
  verifyAccessCode: AccessApi['verifyAccessCode'];
  /** See {@link AccessApi.registerFailedAttempt}. */
  registerFailedAttempt: AccessApi['registerFailedAttempt'];
  /** See {@link AccessApi.isLocked}. */
  isLocked: AccessApi['isLocked'];
  /** See {@link ConsentApi.assertCallMayStart}. */
  assertCallMayStart: ConsentApi['assertCallMayStart'];
  /** Deletes every appointment record due by `now` (default: the clock) and logs the counts. */
  purgeExpired(now?: Date): PurgeCounts;
  /** Purge plus contract ends; for a daily job. */
  runMaintenance(now?: Date): { purged: PurgeCounts; contractEnds: ReturnType<ContractApi['runContractEnds']> };
  /** Closes the store. */
  close(): void;
}

const defaultDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function secretBytes(secret: Uint8Array | string): Uint8Array {
  const bytes = typeof secret === 'string' ? fromB64(secret) : secret;
  if (bytes.length < 32) {
    throw new PvsKitError('CONFIG', 'serverSecret must have at least 32 bytes', {
      userMessage: 'Konfigurationsfehler: Das Server-Geheimnis ist zu kurz.',
    });
  }
  return bytes;
}

/** Creates the video service. Waits for libsodium. */
export async function createVideoService(options: VideoServiceOptions): Promise<VideoService> {
  await cryptoReady();
  const o = parseWith(
    optionsSchema,
    {
      baseUrl: options.baseUrl,
      ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
      ...(options.codeWindow === undefined ? {} : { codeWindow: options.codeWindow }),
      ...(options.maxFailedAttempts === undefined ? {} : { maxFailedAttempts: options.maxFailedAttempts }),
      ...(options.retry === undefined
        ? {}
        : {
            retry: {
              ...(options.retry.attempts === undefined ? {} : { attempts: options.retry.attempts }),
              ...(options.retry.baseDelayMs === undefined ? {} : { baseDelayMs: options.retry.baseDelayMs }),
            },
          }),
    },
    'video service options',
  );
  const root = genericHash(secretBytes(options.serverSecret));
  const clock = options.clock ?? ((): Date => new Date());
  const ctx: VideoContext = {
    store: options.store,
    now: () => clock().getTime(),
    logger: options.logger ?? silentLogger,
    kdf: checkKdfParams(
      typeof options.kdf === 'object' ? options.kdf : kdfPreset(options.kdf ?? 'moderate'),
    ),
    codeKey: subkey(root, 1, 'pvscodes'),
    nameKey: subkey(root, 2, 'pvsnames'),
    billingKey: subkey(root, 3, 'pvsbill_'),
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    retentionDays: o.retentionDays,
    codeWindow: o.codeWindow,
    maxFailedAttempts: o.maxFailedAttempts,
  };
  wipe(root);

  const access = createAccessApi(ctx);
  const consent = createConsentApi(ctx);
  const contract = createContractApi(ctx);

  function purgeExpired(now?: Date): PurgeCounts {
    const at = now?.getTime() ?? ctx.now();
    const counts = ctx.store.purgeExpired(at);
    ctx.logger.info('video purge: expired records deleted', { at: new Date(at).toISOString(), ...counts });
    return counts;
  }

  return {
    account: createAccountApi(ctx),
    appointments: createAppointmentsApi(ctx),
    invitations: createInvitationsApi(ctx, options.transports ?? {}, {
      attempts: o.retry.attempts,
      baseDelayMs: o.retry.baseDelayMs,
      delay: options.retry?.delay ?? defaultDelay,
    }),
    consent,
    plans: createPlansApi(ctx),
    contract,
    access,
    verifyAccessCode: access.verifyAccessCode,
    registerFailedAttempt: access.registerFailedAttempt,
    isLocked: access.isLocked,
    assertCallMayStart: consent.assertCallMayStart,
    purgeExpired,
    runMaintenance(now) {
      const purged = purgeExpired(now);
      const contractEnds = contract.runContractEnds(berlinDateTimeOf(now ?? new Date(ctx.now())).date);
      return { purged, contractEnds };
    },
    close: () => ctx.store.close(),
  };
}
