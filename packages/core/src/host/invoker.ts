// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { cardSchema, type Card } from '../schemas/card.js';
import { safeParseWith } from '../validate.js';
import { describeError } from './events.js';
import type { HookContext, HookName } from './hooks.js';
import type { HookCallInfo, HookHandler } from './plugin.js';
import { LOGGER } from './tokens.js';

/** How a single handler call ended, before the host turns it into a PluginCallResult. */
export type InvokeOutcome =
  | { kind: 'ok'; cards: Card[]; data?: unknown; hasData: boolean; durationMs: number }
  | { kind: 'error' | 'timeout' | 'invalid' | 'aborted'; reason: string; durationMs: number };

const cardsSchema = z.array(cardSchema);
const responseSchema = z.strictObject({ cards: cardsSchema, data: z.unknown().optional() });

const TIMEOUT = Symbol('timeout');
const ABORTED = Symbol('aborted');

type Settled = { kind: 'value'; value: unknown } | { kind: 'thrown'; error: unknown };

/** Reads a handler's answer: cards, or `{ cards, data }`. Problems come back with their JSON paths. */
export function readHandlerResult(
  value: unknown,
): { ok: true; cards: Card[]; data?: unknown; hasData: boolean } | { ok: false; reason: string } {
  if (Array.isArray(value)) {
    const parsed = safeParseWith(cardsSchema, value);
    return parsed.ok ? { ok: true, cards: parsed.value, hasData: false } : { ok: false, reason: describeIssues(parsed.issues) };
  }
  if (typeof value === 'object' && value !== null) {
    const parsed = safeParseWith(responseSchema, value);
    if (!parsed.ok) return { ok: false, reason: describeIssues(parsed.issues) };
    const hasData = Object.hasOwn(value, 'data');
    return hasData
      ? { ok: true, cards: parsed.value.cards, data: parsed.value.data, hasData }
      : { ok: true, cards: parsed.value.cards, hasData };
  }
  return { ok: false, reason: `$: expected an array of cards or { cards, data }, got ${value === null ? 'null' : typeof value}` };
}

function describeIssues(issues: readonly { path: string; message: string }[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`);
  return issues.length > 3 ? `${shown.join('; ')} (+${issues.length - 3} more)` : shown.join('; ');
}

/** Everything one handler call needs. */
export interface InvokeRequest<H extends HookName> {
  pluginId: string;
  hook: H;
  handler: HookHandler<H>;
  context: HookContext<H>;
  hookInstance: string;
  timeoutMs: number;
  /** The caller's (or the kit's) signal: aborting it aborts the handler without a strike. */
  callerSignal: AbortSignal;
}

/**
 * Calls one handler under its time budget. The handler's promise is raced against a timer and the caller's
 * signal; the loser is abandoned: its late result is logged at debug level and ignored, and a late rejection
 * is caught here, so it can never become an unhandled rejection.
 */
@injectable()
export class PluginInvoker {
  constructor(@inject(LOGGER) private readonly logger: Logger) {}

  async invoke<H extends HookName>(request: InvokeRequest<H>): Promise<InvokeOutcome> {
    const { pluginId, hook, hookInstance, timeoutMs, callerSignal } = request;
    const controller = new AbortController();
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    if (callerSignal.aborted) return { kind: 'aborted', reason: 'aborted by the caller', durationMs: 0 };

    const fields = { pluginId, hook, hookInstance };
    const info: HookCallInfo<H> = {
      hook,
      hookInstance,
      signal: controller.signal,
      logger: scopedLogger(this.logger, fields),
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    let onCallerAbort: (() => void) | undefined;
    const timedOut = new Promise<typeof TIMEOUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMEOUT), timeoutMs);
    });
    const callerAborted = new Promise<typeof ABORTED>((resolve) => {
      onCallerAbort = () => resolve(ABORTED);
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    });

    let running: Promise<unknown>;
    try {
      running = Promise.resolve(request.handler(request.context, info));
    } catch (error) {
      running = Promise.reject(error);
    }
    let decided = false;
    const settled: Promise<Settled> = running.then(
      (value) => {
        if (decided) this.logger.debug('pvskit: late plugin result ignored', fields);
        return { kind: 'value', value };
      },
      (error: unknown) => {
        if (decided) this.logger.debug('pvskit: late plugin failure ignored', { ...fields, error: describeError(error) });
        return { kind: 'thrown', error };
      },
    );

    let winner: Settled | typeof TIMEOUT | typeof ABORTED;
    try {
      winner = await Promise.race([settled, timedOut, callerAborted]);
    } finally {
      decided = true;
      clearTimeout(timer);
      if (onCallerAbort !== undefined) callerSignal.removeEventListener('abort', onCallerAbort);
    }
    const durationMs = elapsed();

    if (winner === ABORTED) {
      controller.abort(callerSignal.reason);
      return { kind: 'aborted', reason: 'aborted by the caller', durationMs };
    }
    // A handler that blocks the event loop past its budget wins the race against a timer that could not
    // fire; it still hung the host for too long, so it is a timeout all the same.
    if (winner === TIMEOUT || durationMs > timeoutMs) {
      controller.abort(new DOMException(`time budget of ${timeoutMs} ms exceeded`, 'TimeoutError'));
      return { kind: 'timeout', reason: `no answer within ${timeoutMs} ms`, durationMs };
    }
    if (winner.kind === 'thrown') {
      return { kind: 'error', reason: describeError(winner.error), durationMs };
    }
    const read = readHandlerResult(winner.value);
    if (!read.ok) return { kind: 'invalid', reason: read.reason, durationMs };
    return read.hasData
      ? { kind: 'ok', cards: read.cards, data: read.data, hasData: true, durationMs }
      : { kind: 'ok', cards: read.cards, hasData: false, durationMs };
  }
}

function scopedLogger(logger: Logger, fields: Record<string, unknown>): Logger {
  const at =
    (level: keyof Logger) =>
    (message: string, data?: Record<string, unknown>): void => {
      logger[level](message, { ...data, ...fields });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
