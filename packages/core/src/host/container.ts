// tsyringe needs the Reflect metadata API at import time; this import must stay before tsyringe's.
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Logger } from '../logger.js';
import { CardMemory } from './card-memory.js';
import { EventBus } from './events.js';
import { PluginInvoker } from './invoker.js';
import { PluginRegistry } from './registry.js';
import { HookRunner } from './runner.js';
import {
  CARD_MEMORY,
  CLOCK,
  CONFIG,
  EVENTS,
  ID_GENERATOR,
  INVOKER,
  LOGGER,
  REGISTRY,
  RUNNER,
  type Clock,
  type HostConfig,
  type IdGenerator,
} from './tokens.js';

/** The services of one kit instance. */
export interface HostServices {
  registry: PluginRegistry;
  memory: CardMemory;
  events: EventBus;
  runner: HookRunner;
  container: DependencyContainer;
}

/**
 * Builds one kit's object graph in its own child container. Nothing is registered in the root container,
 * so two kits never share plugins, strikes, cards or listeners.
 */
export function createHostServices(deps: { config: HostConfig; logger: Logger; clock: Clock; idGenerator: IdGenerator }): HostServices {
  const container = rootContainer.createChildContainer();
  container.register(CONFIG, { useValue: deps.config });
  container.register(LOGGER, { useValue: deps.logger });
  container.register(CLOCK, { useValue: deps.clock });
  container.register(ID_GENERATOR, { useValue: deps.idGenerator });
  // registerSingleton on the child container: one instance per kit, not per process.
  container.registerSingleton(EVENTS, EventBus);
  container.registerSingleton(REGISTRY, PluginRegistry);
  container.registerSingleton(CARD_MEMORY, CardMemory);
  container.registerSingleton(INVOKER, PluginInvoker);
  container.registerSingleton(RUNNER, HookRunner);
  return {
    registry: container.resolve<PluginRegistry>(REGISTRY),
    memory: container.resolve<CardMemory>(CARD_MEMORY),
    events: container.resolve<EventBus>(EVENTS),
    runner: container.resolve<HookRunner>(RUNNER),
    container,
  };
}
