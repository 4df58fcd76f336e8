// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { PvsKitError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Card } from '../schemas/card.js';
import type { CardMemory } from './card-memory.js';
import { pluginFailureCard } from './error-cards.js';
import type { EventBus } from './events.js';
import { hookDefinition, hookNames, isHookName, type HookContext, type HookContextInput, type HookData, type HookName } from './hooks.js';
import type { PluginInvoker } from './invoker.js';
import { parseStrict } from './issues.js';
import type { HookHandler } from './plugin.js';
import type { PluginEntry, PluginRegistry } from './registry.js';
import { CARD_MEMORY, CONFIG, EVENTS, ID_GENERATOR, INVOKER, LOGGER, REGISTRY, type HostConfig, type IdGenerator } from './tokens.js';
import type { CallHookOptions, HookResult, PluginCallResult } from './types.js';

/** Largest budget `setTimeout` can wait for (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Checks a time budget given by a host; `subject` names it in the error. */
export function checkTimeout(value: unknown, subject: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new ValidationError(subject, [
      { path: [], message: `expected a time budget in ms, > 0 and ≤ ${MAX_TIMEOUT_MS}` },
    ]);
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  // Arrays by index: for…in would hand out their indices as strings, a slow keyed lookup each. Objects by
  // for…in without a key array: the parsed context is plain JSON data (own, enumerable keys only).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  } else {
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) deepFreeze(child);
    }
  }
  return value;
}

/**
 * Runs one hook call: validates the context, then calls each serving plugin one after another in
 * registration order, each isolated by the invoker, and collects cards, strikes and events.
 */
@injectable()
export class HookRunner {
  /** Aborted by dispose(): stops running calls. */
  private readonly lifetime = new AbortController();

  constructor(
    @inject(CONFIG) private readonly config: HostConfig,
    @inject(REGISTRY) private readonly registry: PluginRegistry,
    @inject(INVOKER) private readonly invoker: PluginInvoker,
    @inject(CARD_MEMORY) private readonly memory: CardMemory,
    @inject(EVENTS) private readonly events: EventBus,
    @inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  get disposed(): boolean {
    return this.lifetime.signal.aborted;
  }

  dispose(): void {
    this.lifetime.abort(new PvsKitError('CONFLICT', 'kit disposed'));
  }

  async call<H extends HookName>(
    hook: H,
    input: HookContextInput<H>,
    options: CallHookOptions = {},
  ): Promise<HookResult<H>> {
    if (!isHookName(hook)) {
      throw new PvsKitError('HOOK_UNKNOWN', `unknown hook "${String(hook)}"`, {
        userMessage: `Unbekannter Hook „${String(hook)}“.`,
        details: { hook, known: hookNames() },
      });
    }
    const selected = this.selection(options.pluginIds);
    if (options.hookInstance !== undefined && (typeof options.hookInstance !== 'string' || options.hookInstance === '')) {
      throw new ValidationError('callHook options', [{ path: ['hookInstance'], message: 'expected a non-empty string' }]);
    }
    const definition = hookDefinition(hook);
    const timeoutMs =
      options.timeoutMs === undefined
        ? (this.config.timeoutsMs[hook] ?? definition.timeoutMs ?? this.config.defaultTimeoutMs)
        : checkTimeout(options.timeoutMs, 'callHook options.timeoutMs');
    const context = deepFreeze(parseStrict(definition.context, input, `${hook} context`)) as HookContext<H>;
    const hookInstance = options.hookInstance ?? this.newId();
    // Two signals rather than AbortSignal.any: composites of the kit's long-lived signal pile up in some Node 20 releases.
    const signals = options.signal === undefined ? [this.lifetime.signal] : [this.lifetime.signal, options.signal];

    const cards: Card[] = [];
    const results: PluginCallResult<H>[] = [];
    for (const entry of this.registry.serving(hook)) {
      const result = await this.callPlugin(entry, hook, context, hookInstance, timeoutMs, signals, selected);
      results.push(result);
      cards.push(...result.cards);
    }
    return { hook, hookInstance, cards, results };
  }

  private selection(pluginIds: readonly string[] | undefined): ReadonlySet<string> | undefined {
    if (pluginIds === undefined) return undefined;
    if (!Array.isArray(pluginIds)) {
      throw new ValidationError('callHook options', [{ path: ['pluginIds'], message: 'expected an array of plugin ids' }]);
    }
    for (const id of pluginIds) this.registry.require(id);
    return new Set(pluginIds);
  }

  private async callPlugin<H extends HookName>(
    entry: PluginEntry,
    hook: H,
    context: HookContext<H>,
    hookInstance: string,
    timeoutMs: number,
    signals: readonly AbortSignal[],
    selected: ReadonlySet<string> | undefined,
  ): Promise<PluginCallResult<H>> {
    const { plugin } = entry;
    const pluginId = plugin.id;
    if (selected !== undefined && !selected.has(pluginId)) {
      return { pluginId, status: 'skipped', cards: [], durationMs: 0, error: 'not among the requested pluginIds' };
    }
    if (!entry.enabled) {
      return { pluginId, status: 'disabled', cards: [], durationMs: 0, error: entry.disabledReason ?? 'disabled' };
    }
    const handler = entry.handlers[hook] as HookHandler<H> | undefined;
    if (handler === undefined) {
      return { pluginId, status: 'skipped', cards: [], durationMs: 0, error: `does not serve ${hook}` };
    }
    const generation = entry.generation;
    const outcome = await this.invoker.invoke({ pluginId, hook, handler, context, hookInstance, timeoutMs, callerSignals: signals });

    if (outcome.kind === 'aborted') {
      return { pluginId, status: 'skipped', cards: [], durationMs: outcome.durationMs, error: outcome.reason };
    }
    if (outcome.kind === 'ok') {
      const problem = this.assignIds(outcome.cards, hookInstance, pluginId);
      if (problem === undefined) {
        this.memory.remember(hook, hookInstance, pluginId, outcome.cards);
        return {
          pluginId,
          status: 'ok',
          cards: outcome.cards,
          // The kit checks cards, not data: data is typed by the hook's owner, who wrote the plugin.
          ...(outcome.hasData ? { data: outcome.data as HookData<H> } : {}),
          durationMs: outcome.durationMs,
        };
      }
      return this.failure(entry, generation, hook, hookInstance, timeoutMs, 'invalid', problem, outcome.durationMs);
    }
    return this.failure(entry, generation, hook, hookInstance, timeoutMs, outcome.kind, outcome.reason, outcome.durationMs);
  }

  /**
   * Gives every card and suggestion without one a uuid and every card its plugin's id (never the plugin's own
   * claim); returns a problem when a plugin's uuid is reused.
   */
  private assignIds(cards: Card[], hookInstance: string, pluginId: string): string | undefined {
    const seen = new Set<string>();
    for (const [index, card] of cards.entries()) {
      card.pluginId = pluginId;
      if (card.uuid !== undefined && (seen.has(card.uuid) || this.memory.has(hookInstance, card.uuid))) {
        return `$[${index}].uuid: card uuid "${card.uuid}" is already used in this hook call`;
      }
      card.uuid ??= this.newId();
      seen.add(card.uuid);
      for (const suggestion of card.suggestions ?? []) suggestion.uuid ??= this.newId();
    }
    return undefined;
  }

  private failure(
    entry: PluginEntry,
    generation: number,
    hook: HookName,
    hookInstance: string,
    timeoutMs: number,
    status: 'error' | 'timeout' | 'invalid',
    reason: string,
    durationMs: number,
  ): PluginCallResult<never> {
    const { plugin } = entry;
    const disabledNow = this.registry.strike(entry, generation, reason);
    this.logger.warn(`pvskit: plugin ${status}`, { pluginId: plugin.id, hook, hookInstance, reason, strikes: entry.strikes });
    const card = pluginFailureCard({
      status,
      pluginTitle: plugin.title,
      timeoutMs,
      reason,
      disabledNow,
      maxStrikes: this.config.maxStrikes,
    });
    card.uuid = this.newId();
    card.pluginId = plugin.id;
    this.memory.remember(hook, hookInstance, plugin.id, [card]);
    this.events.emit('plugin-error', {
      pluginId: plugin.id,
      title: plugin.title,
      hook,
      hookInstance,
      status,
      error: reason,
      strikes: entry.strikes,
    });
    if (disabledNow) {
      this.events.emit('plugin-disabled', {
        pluginId: plugin.id,
        title: plugin.title,
        strikes: entry.strikes,
        reason: entry.disabledReason ?? reason,
        hook,
        hookInstance,
      });
    }
    return { pluginId: plugin.id, status, cards: [card], durationMs, error: reason };
  }
}
