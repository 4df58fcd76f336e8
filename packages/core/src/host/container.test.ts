import 'reflect-metadata';
import { container as root, inject, injectable } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { createHostServices } from './container.js';
import { CARD_MEMORY, CONFIG, EVENTS, INVOKER, REGISTRY, RUNNER, type HostConfig } from './tokens.js';

const config: HostConfig = { defaultTimeoutMs: 500, timeoutsMs: {}, maxStrikes: 3, maxRememberedCalls: 10, maxFeedbackRecords: 10 };
const deps = { config, logger: silentLogger, clock: () => new Date(0), idGenerator: () => 'id' };

const VALUE = Symbol('value');
@injectable()
class NeedsValue {
  constructor(@inject(VALUE) readonly value: string) {}
}

describe('internal container', () => {
  it('parameter decorators work without emitted metadata (vitest/esbuild)', () => {
    const child = root.createChildContainer();
    child.register(VALUE, { useValue: 'x' });
    expect(child.resolve(NeedsValue).value).toBe('x');
  });

  it('builds one graph per kit and registers nothing in the root container', () => {
    const one = createHostServices(deps);
    const two = createHostServices(deps);
    expect(one.registry).not.toBe(two.registry);
    expect(one.runner).not.toBe(two.runner);
    expect(one.container.resolve(REGISTRY)).toBe(one.registry);
    for (const token of [CONFIG, EVENTS, REGISTRY, CARD_MEMORY, INVOKER, RUNNER]) {
      expect(root.isRegistered(token)).toBe(false);
    }
  });
});
