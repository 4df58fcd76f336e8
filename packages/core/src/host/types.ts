import { z } from 'zod';
import type { Card, Feedback } from '../schemas/card.js';
import { feedbackSchema } from '../schemas/card.js';
import type { HookData, HookName } from './hooks.js';

/** How one plugin's part of a hook call ended. */
export type PluginCallStatus = 'ok' | 'error' | 'timeout' | 'invalid' | 'disabled' | 'skipped';

/** Statuses that count as a strike against the plugin. */
export type PluginFailureStatus = 'error' | 'timeout' | 'invalid';

/**
 * One plugin's part of a hook call.
 * - `ok`: the handler answered in time with valid cards.
 * - `error` / `timeout` / `invalid`: it threw, ran past its budget, or returned something that is not
 *   cards; `cards` then holds one error card for the practice user, and the plugin got a strike.
 * - `disabled`: the plugin is disabled after too many strikes; no cards.
 * - `skipped`: not called — excluded by `pluginIds`, or the caller aborted / the kit was disposed; no cards.
 */
export interface PluginCallResult<H extends HookName = HookName> {
  pluginId: string;
  status: PluginCallStatus;
  cards: Card[];
  /** What the handler returned besides its cards (only with status `ok`), typed by {@link HookDataRegistry}. */
  data?: HookData<H>;
  /** Time spent on this plugin, in milliseconds (0 when not called). */
  durationMs: number;
  /** English reason for developers (statuses other than `ok`). */
  error?: string;
}

/** The answer of {@link PvsKit.callHook}. */
export interface HookResult<H extends HookName = HookName> {
  hook: H;
  hookInstance: string;
  /** Cards of all plugins, in plugin registration order (error cards included). Every card has a `uuid`. */
  cards: Card[];
  /** One entry per registered plugin that serves the hook, in registration order. */
  results: PluginCallResult<H>[];
}

/** Options of one {@link PvsKit.callHook}. */
export interface CallHookOptions {
  /** Id of this call (CDS Hooks `hookInstance`); a random UUID by default. */
  hookInstance?: string;
  /** Time budget per plugin for this call, in ms; overrides the kit's per-hook and default budgets. */
  timeoutMs?: number;
  /** Call only these plugins (the others show up as `skipped`). Unknown ids are refused. */
  pluginIds?: string[];
  /** Aborting it stops the call: the running plugin is aborted (no strike), the rest are `skipped`. */
  signal?: AbortSignal;
}

/** A registered plugin and its health. */
export interface PluginStatus {
  id: string;
  title: string;
  description?: string;
  /** Hooks it serves, in `hookNames` order. */
  hooks: HookName[];
  enabled: boolean;
  /** Strikes since it was registered or last reloaded. */
  strikes: number;
  /** English reason, when disabled. */
  disabledReason?: string;
  /** When it was disabled (ISO 8601 from the kit's clock). */
  disabledAt?: string;
}

/**
 * One CDS Hooks service (a plugin × one of its hooks), in the shape of the CDS Hooks discovery response
 * (`GET /cds-services`) plus `pluginId`.
 */
export interface ServiceDescriptor {
  /** `<pluginId>.<hook>`, see {@link serviceIdOf}; unique within a kit and stable across restarts. */
  id: string;
  hook: HookName;
  title: string;
  /** The plugin's description, or its title when it has none (CDS Hooks requires one). */
  description: string;
  pluginId: string;
}

/** The CDS Hooks service id of a plugin's hook: `<pluginId>.<hook>`. Hook names hold no dot, so it is unique. */
export function serviceIdOf(pluginId: string, hook: HookName): string {
  return `${pluginId}.${hook}`;
}

/** Feedback a host reports on a card (CDS Hooks feedback plus an optional `hookInstance`). */
export const feedbackInputSchema = feedbackSchema
  .extend({
    /** The call the card came from; when given it must match. */
    hookInstance: z.string().min(1).optional(),
    /** ISO 8601; the kit's clock by default. */
    outcomeTimestamp: z.string().min(1).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.outcome === 'accepted' && f.overrideReason !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'only allowed with outcome "overridden"' });
    }
    if (f.outcome === 'overridden' && f.acceptedSuggestions !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['acceptedSuggestions'], message: 'only allowed with outcome "accepted"' });
    }
  });

/** Input of {@link PvsKit.feedback}. */
export type FeedbackInput = z.input<typeof feedbackInputSchema>;

/** Feedback as the kit recorded it, tied to the card's call and plugin. */
export interface FeedbackRecord {
  hookInstance: string;
  hook: HookName;
  pluginId: string;
  /** The card's uuid. */
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: NonNullable<Feedback['acceptedSuggestions']>;
  overrideReason?: NonNullable<Feedback['overrideReason']>;
  /** When the user decided (from the input, else the kit's clock), ISO 8601. */
  outcomeTimestamp: string;
  /** When the kit recorded it, ISO 8601. */
  recordedAt: string;
}

/** Payload of the `plugin-error` event: a plugin got a strike. */
export interface PluginErrorEvent {
  pluginId: string;
  title: string;
  hook: HookName;
  hookInstance: string;
  status: PluginFailureStatus;
  /** English reason. */
  error: string;
  /** Strikes after this one. */
  strikes: number;
}

/** Payload of the `plugin-disabled` event, emitted once when a plugin reaches the strike limit. */
export interface PluginDisabledEvent {
  pluginId: string;
  title: string;
  strikes: number;
  /** English reason. */
  reason: string;
  /** The call whose failure disabled it. */
  hook: HookName;
  hookInstance: string;
}

/** Events of a kit and their payloads. */
export interface PvsKitEvents {
  feedback: FeedbackRecord;
  'plugin-disabled': PluginDisabledEvent;
  'plugin-error': PluginErrorEvent;
}

/** Name of a kit event. */
export type PvsKitEventName = keyof PvsKitEvents;

/** A listener for event `E`. A listener that throws is logged and otherwise ignored. */
export type PvsKitListener<E extends PvsKitEventName> = (payload: PvsKitEvents[E]) => void;
