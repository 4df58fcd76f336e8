import type { PvsKit } from '@pvskit/core';

/** The part of a `PvsKit` (from `@pvskit/core`) the CDS Hooks service needs. */
export type CdsHooksKit = Pick<PvsKit, 'services' | 'relayHook' | 'feedback'>;
