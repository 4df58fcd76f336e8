import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Card } from '../schemas/card.js';
import { PvsKitError, ValidationError } from '../errors.js';
import { parseWith } from '../validate.js';
import { hookNames, isHookName, type HookContext, type HookData, type HookName } from './hooks.js';

/** What a plugin learns about the call besides the context. */
export interface HookCallInfo<H extends HookName = HookName> {
  hook: H;
  /** Id of this hook call; the host reports feedback on the cards under it. */
  hookInstance: string;
  /**
   * Aborted when the plugin's time budget runs out (or the caller gives up). Pass it to anything that
   * can be cancelled; a result delivered after it aborted is ignored.
   */
  signal: AbortSignal;
  /** The host's logger; every entry carries `pluginId`, `hook` and `hookInstance`. */
  logger: Logger;
}

/**
 * What a handler returns: its cards, or its cards plus data for the host (e.g. the path of an export file,
 * a booked appointment), typed as the hook's owner declared it ({@link HookDataRegistry}). Cards are checked
 * against `cardSchema`; anything else counts as a strike.
 */
export type HookHandlerResult<H extends HookName = HookName> = Card[] | { cards: Card[]; data?: HookData<H> };

/** A plugin's function for one hook. It receives a validated, deeply frozen context. */
export type HookHandler<H extends HookName = HookName> = (
  context: HookContext<H>,
  call: HookCallInfo<H>,
) => HookHandlerResult<H> | Promise<HookHandlerResult<H>>;

/** The handlers of a plugin, one per hook it serves. */
export type PluginHooks = { [H in HookName]?: HookHandler<H> };

/** A plugin: an id, a German title shown to practice users and the hooks it serves. */
export interface PvsKitPlugin {
  /**
   * Stable id, unique per kit: letters, digits, `.`, `_`, `-` (it becomes part of a CDS Hooks service id
   * and thus of a URL path).
   */
  id: string;
  /** German display name; error cards name the plugin by it. */
  title: string;
  /** German description, published as the CDS Hooks service description. */
  description?: string;
  hooks: PluginHooks;
}

/** Pattern of {@link PvsKitPlugin.id}. */
export const pluginIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const pluginShapeSchema = z.object({
  id: z.string().regex(pluginIdPattern, {
    message: 'expected 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  title: z.string().min(1).max(80),
  description: z.string().min(1).optional(),
  hooks: z.record(z.string(), z.unknown()),
});

/**
 * Checks a plugin object before it is registered. Throws `ValidationError` for a malformed plugin and
 * `PvsKitError('HOOK_UNKNOWN')` for a handler under a hook name pvskit does not know.
 */
export function checkPlugin(plugin: unknown): PvsKitPlugin {
  const shape = parseWith(pluginShapeSchema, plugin, 'plugin');
  const hooks = Object.entries(shape.hooks).filter(([, handler]) => handler !== undefined);
  for (const [hook, handler] of hooks) {
    if (!isHookName(hook)) {
      throw new PvsKitError('HOOK_UNKNOWN', `plugin "${shape.id}" declares unknown hook "${hook}"`, {
        userMessage: `Plugin „${shape.title}“ meldet einen unbekannten Hook „${hook}“.`,
        details: { pluginId: shape.id, hook, known: hookNames() },
      });
    }
    if (typeof handler !== 'function') {
      throw new ValidationError('plugin', [{ path: ['hooks', hook], message: 'expected a function' }]);
    }
  }
  if (hooks.length === 0) {
    throw new ValidationError('plugin', [{ path: ['hooks'], message: 'expected at least one hook handler' }]);
  }
  return plugin as PvsKitPlugin;
}

/** The hooks a plugin serves, in definition order ({@link hookNames}). */
export function hooksOf(plugin: PvsKitPlugin): HookName[] {
  return hookNames().filter((hook) => typeof plugin.hooks[hook] === 'function');
}
