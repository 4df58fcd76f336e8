/*
 * Injection tokens of the host's internal container. Symbols, never classes: esbuild (vitest) and tsc here
 * emit no decorator metadata, so every constructor parameter names its token with @inject.
 */
import type { Logger } from '../logger.js';
import type { HookName } from './hooks.js';

/** Kit settings after defaults and validation. */
export interface HostConfig {
  defaultTimeoutMs: number;
  timeoutsMs: Partial<Record<HookName, number>>;
  maxStrikes: number;
  maxRememberedCalls: number;
  maxFeedbackRecords: number;
}

export type Clock = () => Date;
export type IdGenerator = () => string;
export type { Logger };

export const CONFIG = Symbol('pvskit.host.config');
export const LOGGER = Symbol('pvskit.host.logger');
export const CLOCK = Symbol('pvskit.host.clock');
export const ID_GENERATOR = Symbol('pvskit.host.idGenerator');
export const EVENTS = Symbol('pvskit.host.events');
export const REGISTRY = Symbol('pvskit.host.registry');
export const CARD_MEMORY = Symbol('pvskit.host.cardMemory');
export const INVOKER = Symbol('pvskit.host.invoker');
export const RUNNER = Symbol('pvskit.host.runner');
