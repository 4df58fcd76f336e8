// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { PvsKitError } from '../errors.js';
import type { HookName } from './hooks.js';
import { checkPlugin, hooksOf, type PluginHooks, type PvsKitPlugin } from './plugin.js';
import { CLOCK, CONFIG, type Clock, type HostConfig } from './tokens.js';
import type { PluginStatus } from './types.js';

/** A registered plugin with its health. `generation` changes on every reload. */
export interface PluginEntry {
  plugin: PvsKitPlugin;
  hooks: HookName[];
  /** The handlers as registered: changing `plugin.hooks` afterwards changes nothing until a reload. */
  handlers: PluginHooks;
  strikes: number;
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  generation: number;
}

/**
 * The plugins of one kit, in registration order, and their strikes.
 *
 * Strike policy: every failure (error, timeout, invalid answer) since the plugin was registered or last
 * reloaded counts — not only consecutive ones — so a plugin that fails every other call is disabled too.
 * Reaching `maxStrikes` disables it until {@link PluginRegistry.reload}.
 */
@injectable()
export class PluginRegistry {
  private readonly entries = new Map<string, PluginEntry>();
  private generations = 0;

  constructor(
    @inject(CONFIG) private readonly config: HostConfig,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  add(candidate: PvsKitPlugin): void {
    const plugin = checkPlugin(candidate);
    if (this.entries.has(plugin.id)) {
      throw new PvsKitError('PLUGIN_DUPLICATE', `plugin "${plugin.id}" is already registered`, {
        userMessage: `Das Plugin „${plugin.title}“ ist bereits angemeldet.`,
        details: { pluginId: plugin.id },
      });
    }
    this.entries.set(plugin.id, this.fresh(plugin));
  }

  remove(id: string): void {
    this.require(id);
    this.entries.delete(id);
  }

  /** Clears strikes and re-enables; with `replacement` (same id) swaps in new code, keeping the position. */
  reload(id: string, replacement?: PvsKitPlugin): void {
    const current = this.require(id);
    let plugin = current.plugin;
    if (replacement !== undefined) {
      plugin = checkPlugin(replacement);
      if (plugin.id !== id) {
        throw new PvsKitError('CONFLICT', `reload("${id}") got a plugin with id "${plugin.id}"`, {
          userMessage: `Das Plugin „${plugin.title}“ passt nicht zu „${current.plugin.title}“.`,
          details: { pluginId: id, replacementId: plugin.id },
        });
      }
    }
    // Map.set on an existing key keeps the insertion order, hence the plugin's place in card order.
    this.entries.set(id, this.fresh(plugin));
  }

  get(id: string): PluginEntry | undefined {
    return this.entries.get(id);
  }

  require(id: string): PluginEntry {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      throw new PvsKitError('PLUGIN_NOT_FOUND', `no plugin "${id}" is registered`, {
        userMessage: `Kein Plugin „${id}“ angemeldet.`,
        details: { pluginId: id },
      });
    }
    return entry;
  }

  /** Plugins serving `hook`, in registration order (a snapshot). */
  serving(hook: HookName): PluginEntry[] {
    return [...this.entries.values()].filter((e) => e.hooks.includes(hook));
  }

  all(): PluginEntry[] {
    return [...this.entries.values()];
  }

  /**
   * Records a failure of `entry` as of `generation` (a failure of code that was reloaded meanwhile does
   * not count). Returns true when this strike disabled the plugin.
   */
  strike(entry: PluginEntry, generation: number, reason: string): boolean {
    if (this.entries.get(entry.plugin.id) !== entry || entry.generation !== generation) return false;
    entry.strikes += 1;
    if (!entry.enabled || entry.strikes < this.config.maxStrikes) return false;
    entry.enabled = false;
    entry.disabledReason = `disabled after ${entry.strikes} failures; last: ${reason}`;
    entry.disabledAt = this.clock().toISOString();
    return true;
  }

  status(entry: PluginEntry): PluginStatus {
    const { plugin } = entry;
    return {
      id: plugin.id,
      title: plugin.title,
      ...(plugin.description === undefined ? {} : { description: plugin.description }),
      hooks: [...entry.hooks],
      enabled: entry.enabled,
      strikes: entry.strikes,
      ...(entry.disabledReason === undefined ? {} : { disabledReason: entry.disabledReason }),
      ...(entry.disabledAt === undefined ? {} : { disabledAt: entry.disabledAt }),
    };
  }

  clear(): void {
    this.entries.clear();
  }

  private fresh(plugin: PvsKitPlugin): PluginEntry {
    this.generations += 1;
    const hooks = hooksOf(plugin);
    const handlers: Record<string, unknown> = {};
    for (const hook of hooks) handlers[hook] = plugin.hooks[hook];
    return { plugin, hooks, handlers: handlers as PluginHooks, strikes: 0, enabled: true, generation: this.generations };
  }
}
