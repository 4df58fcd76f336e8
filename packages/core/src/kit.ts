import { z } from 'zod';
import { PvsKitError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { createHostServices } from './host/container.js';
import { isHookName, type HookContextInput, type HookName } from './host/hooks.js';
import type { PvsKitPlugin } from './host/plugin.js';
import { MAX_TIMEOUT_MS } from './host/runner.js';
import type { HostConfig } from './host/tokens.js';
import {
  serviceIdOf,
  type CallHookOptions,
  type FeedbackInput,
  type FeedbackRecord,
  type HookResult,
  type PluginStatus,
  type PvsKitEventName,
  type PvsKitListener,
  type ServiceDescriptor,
} from './host/types.js';
import { parseWith } from './validate.js';

/** Options of {@link createPvsKit}. Every field is optional. */
export interface PvsKitOptions {
  /** Plugins to register right away, in this order (= card order). */
  plugins?: PvsKitPlugin[];
  /** Where the kit logs; silent by default. */
  logger?: Logger;
  /** Time budget per plugin and call, in ms. Default 500 (hooks block the PVS UI). */
  defaultTimeoutMs?: number;
  /**
   * Per-hook budgets in ms, over the budget a hook's definition sets ({@link HookDefinition.timeoutMs}, e.g.
   * 60 s for `billing-export`: an export does not block typing, and a quarter's KVDT file takes longer than 500 ms).
   */
  timeoutsMs?: Partial<Record<HookName, number>>;
  /**
   * Failures (error, timeout, invalid answer) after which a plugin is disabled until `reload`. Counted in
   * total since registration or the last reload, not only consecutive ones. Default 3; `Infinity` never
   * disables.
   */
  maxStrikes?: number;
  /** Clock for timestamps (feedback, disabling). Default `() => new Date()`. */
  clock?: () => Date;
  /** Ids for hookInstances and card/suggestion uuids. Default `crypto.randomUUID`. */
  idGenerator?: () => string;
  /** Hook calls whose cards are remembered for feedback (oldest dropped first). Default 1000. */
  maxRememberedCalls?: number;
  /** Feedback records kept in {@link PvsKit.feedbackLog} (oldest dropped first). Default 10 000. */
  maxFeedbackRecords?: number;
}

/**
 * An in-process plugin host modelled on HL7 CDS Hooks. Plugins run one after another in registration
 * order, each isolated: a plugin that throws, hangs past its budget or answers garbage gets an error card
 * in place of its answer and a strike; the host and the other plugins carry on.
 */
export interface PvsKit {
  /** Adds a plugin at the end of the order. Duplicate id → `PvsKitError('PLUGIN_DUPLICATE')`. */
  register(plugin: PvsKitPlugin): void;
  /** Removes a plugin. Unknown id → `PvsKitError('PLUGIN_NOT_FOUND')`. */
  unregister(id: string): void;
  /**
   * Clears the plugin's strikes and re-enables it, keeping its place in the order. With `replacement`
   * (same id) the new code replaces the old one.
   */
  reload(id: string, replacement?: PvsKitPlugin): void;
  /** Registered plugins with their health, in order. */
  plugins(): PluginStatus[];
  /** CDS Hooks discovery: one service per plugin × hook it serves, plugins in order, hooks in definition order. */
  services(): ServiceDescriptor[];
  /**
   * Calls every plugin serving `hook`. The context is validated first: an invalid one throws
   * `ValidationError` (the caller's bug); after that the call never throws because of a plugin.
   */
  callHook<H extends HookName>(hook: H, context: HookContextInput<H>, options?: CallHookOptions): Promise<HookResult<H>>;
  /**
   * {@link PvsKit.callHook} for a context the host relays without having built it (a CDS Hooks request, a
   * scenario file): typed `unknown`, validated by the kit exactly like every context, so the relaying host needs
   * no cast. A host that builds its contexts calls `callHook` and gets them type-checked.
   */
  relayHook<H extends HookName>(hook: H, context: unknown, options?: CallHookOptions): Promise<HookResult<H>>;
  /**
   * Records the user's reaction to a card. Unknown card (or card not from the given hookInstance, or an
   * accepted suggestion the card does not have) → `PvsKitError('NOT_FOUND')`; malformed → `ValidationError`.
   */
  feedback(input: FeedbackInput): FeedbackRecord;
  /** Feedback recorded so far, oldest first (a frozen copy). */
  feedbackLog(): readonly FeedbackRecord[];
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends PvsKitEventName>(event: E, listener: PvsKitListener<E>): () => void;
  /**
   * Aborts running calls (their remaining plugins are `skipped`), drops plugins, cards, feedback and
   * listeners. Afterwards every method throws `PvsKitError('CONFLICT')`. Calling it again does nothing.
   */
  dispose(): void;
}

const budget = z.number().positive().max(MAX_TIMEOUT_MS);

const numericOptionsSchema = z.object({
  defaultTimeoutMs: budget.default(500),
  timeoutsMs: z
    .record(z.string().refine((key): boolean => isHookName(key), { message: 'expected the name of a defined hook' }), budget)
    .default({}),
  // z.number() refuses Infinity, which is a meaningful value here.
  maxStrikes: z
    .custom<number>(
      (n) => n === Number.POSITIVE_INFINITY || (typeof n === 'number' && Number.isInteger(n) && n >= 1),
      { message: 'expected an integer ≥ 1 or Infinity' },
    )
    .default(3),
  maxRememberedCalls: z.number().int().min(1).default(1000),
  maxFeedbackRecords: z.number().int().min(0).default(10_000),
});

function fnOption<T>(value: T | undefined, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') {
    throw new PvsKitError('CONFIG', `PvsKitOptions.${name} must be a function`, {
      userMessage: `Konfiguration ungültig: ${name}`,
      details: { option: name },
    });
  }
  return value;
}

/**
 * Creates a plugin host. Each kit is independent: its own plugins, strikes, remembered cards, feedback and
 * listeners.
 *
 * @example
 * ```ts
 * import { createPvsKit, type PvsKitPlugin } from '@pvskit/core';
 *
 * const hello: PvsKitPlugin = {
 *   id: 'hello',
 *   title: 'Begrüßung',
 *   hooks: {
 *     'patient-view': ({ patient }) => [
 *       { summary: `Guten Tag, ${patient.firstName} ${patient.lastName}`, indicator: 'info', source: { label: 'Begrüßung' } },
 *     ],
 *   },
 * };
 *
 * const kit = createPvsKit({ plugins: [hello], timeoutsMs: { 'case-edit': 200 } });
 * const result = await kit.callHook('patient-view', {
 *   patient: { lastName: 'Muster', firstName: 'Erika', birthDate: '1950-03-01', insurance: { type: 'GKV' } },
 * });
 * for (const card of result.cards) show(card);            // error cards of failed plugins included
 * kit.feedback({ card: result.cards[0]!.uuid!, outcome: 'accepted' });
 * kit.on('plugin-disabled', (e) => alert(`${e.title} wurde deaktiviert`));
 * ```
 */
export function createPvsKit(options: PvsKitOptions = {}): PvsKit {
  const numbers = parseWith(
    numericOptionsSchema,
    {
      defaultTimeoutMs: options.defaultTimeoutMs,
      timeoutsMs: options.timeoutsMs,
      maxStrikes: options.maxStrikes,
      maxRememberedCalls: options.maxRememberedCalls,
      maxFeedbackRecords: options.maxFeedbackRecords,
    },
    'PvsKitOptions',
  );
  const config: HostConfig = numbers;
  const logger = options.logger ?? silentLogger;
  const clock = fnOption(options.clock, 'clock', () => new Date());
  const idGenerator = fnOption(options.idGenerator, 'idGenerator', () => globalThis.crypto.randomUUID());
  const services = createHostServices({ config, logger, clock, idGenerator });
  const { registry, memory, events, runner } = services;

  const live = (): void => {
    if (runner.disposed) {
      throw new PvsKitError('CONFLICT', 'this pvskit instance was disposed', {
        userMessage: 'Die pvskit-Instanz wurde bereits beendet.',
      });
    }
  };

  const kit: PvsKit = {
    register(plugin) {
      live();
      registry.add(plugin);
    },
    unregister(id) {
      live();
      registry.remove(id);
    },
    reload(id, replacement) {
      live();
      registry.reload(id, replacement);
    },
    plugins() {
      live();
      return registry.all().map((entry) => registry.status(entry));
    },
    services() {
      live();
      return registry.all().flatMap(({ plugin, hooks }) =>
        hooks.map((hook) => ({
          id: serviceIdOf(plugin.id, hook),
          hook,
          title: plugin.title,
          description: plugin.description ?? plugin.title,
          pluginId: plugin.id,
        })),
      );
    },
    async callHook(hook, context, callOptions) {
      live();
      return runner.call(hook, context, callOptions);
    },
    async relayHook(hook, context, callOptions) {
      live();
      // The runner validates every context against the hook's schema before any plugin sees it.
      return runner.call(hook, context as HookContextInput<typeof hook>, callOptions);
    },
    feedback(input) {
      live();
      const record = memory.record(input);
      events.emit('feedback', record);
      return record;
    },
    feedbackLog() {
      live();
      return memory.log();
    },
    on(event, listener) {
      live();
      return events.on(event, listener);
    },
    dispose() {
      if (runner.disposed) return;
      runner.dispose();
      events.clear();
      registry.clear();
      memory.clear();
      // Nothing in the graph holds resources; disposing just releases the instances.
      Promise.resolve(services.container.dispose()).catch(() => {});
    },
  };

  for (const plugin of options.plugins ?? []) kit.register(plugin);
  return kit;
}
