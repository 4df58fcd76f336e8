// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { cardSchema, type Card } from '../schemas/card.js';
import type { ValidationIssue } from '../errors.js';
import { formatJsonPath, safeParseWith } from '../validate.js';
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

function describeIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${formatJsonPath(i.path)}: ${i.message}`);
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
  /** The caller's and the kit's signals: aborting one aborts the handler without a strike. */
  callerSignals: readonly AbortSignal[];
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
    const { pluginId, hook, hookInstance, timeoutMs, callerSignals } = request;
    if (callerSignals.some((s) => s.aborted)) return { kind: 'aborted', reason: 'aborted by the caller', durationMs: 0 };
    const fields = { pluginId, hook, hookInstance };
    const signal = new LazyAbort();
    const hostLogger = this.logger;
    let logger: Logger | undefined;
    // Signal and logger are made when the plugin first reads them: most fast checks use neither.
    const info: HookCallInfo<H> = {
      hook,
      hookInstance,
      get signal() {
        return signal.signal;
      },
      get logger() {
        return (logger ??= scopedLogger(hostLogger, fields));
      },
    };
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;

    let returned: unknown;
    try {
      returned = request.handler(request.context, info);
    } catch (error) {
      return this.finish({ kind: 'thrown', error }, elapsed(), timeoutMs, signal);
    }
    let thenable: boolean;
    try {
      thenable = isThenable(returned);
    } catch (error) {
      // A hostile `then` getter.
      return this.finish({ kind: 'thrown', error }, elapsed(), timeoutMs, signal);
    }
    // Synchronous answers (the common case for checks run while typing) need no timer and no race.
    if (!thenable) return this.finish({ kind: 'value', value: returned }, elapsed(), timeoutMs, signal);

    let timer: ReturnType<typeof setTimeout> | undefined;
    let abortedBy: AbortSignal | undefined;
    let onCallerAbort: (() => void) | undefined;
    const timedOut = new Promise<typeof TIMEOUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, timeoutMs - elapsed()));
    });
    const callerAborted = new Promise<typeof ABORTED>((resolve) => {
      onCallerAbort = () => {
        abortedBy = callerSignals.find((s) => s.aborted);
        resolve(ABORTED);
      };
      for (const s of callerSignals) s.addEventListener('abort', onCallerAbort, { once: true });
    });
    let decided = false;
    // The handlers attached here also make sure a late rejection is never unhandled.
    const settled: Promise<Settled> = Promise.resolve(returned).then(
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
      if (onCallerAbort !== undefined) for (const s of callerSignals) s.removeEventListener('abort', onCallerAbort);
    }
    const durationMs = elapsed();
    if (winner === ABORTED) {
      signal.abort(abortedBy?.reason);
      return { kind: 'aborted', reason: 'aborted by the caller', durationMs };
    }
    if (winner === TIMEOUT) return this.timeout(timeoutMs, durationMs, signal);
    return this.finish(winner, durationMs, timeoutMs, signal);
  }

  private finish(settled: Settled, durationMs: number, timeoutMs: number, signal: LazyAbort): InvokeOutcome {
    // A handler that blocks the event loop past its budget wins against a timer that could not fire (or
    // had none); it still hung the host for too long, so it is a timeout all the same.
    if (durationMs > timeoutMs) return this.timeout(timeoutMs, durationMs, signal);
    if (settled.kind === 'thrown') return { kind: 'error', reason: describeError(settled.error), durationMs };
    let read: ReturnType<typeof readHandlerResult>;
    try {
      read = readHandlerResult(settled.value);
    } catch (error) {
      // Getters or proxies in the answer that throw while it is being read.
      return { kind: 'invalid', reason: `unreadable answer: ${describeError(error)}`, durationMs };
    }
    if (!read.ok) return { kind: 'invalid', reason: read.reason, durationMs };
    return read.hasData
      ? { kind: 'ok', cards: read.cards, data: read.data, hasData: true, durationMs }
      : { kind: 'ok', cards: read.cards, hasData: false, durationMs };
  }

  private timeout(timeoutMs: number, durationMs: number, signal: LazyAbort): InvokeOutcome {
    signal.abort(new DOMException(`time budget of ${timeoutMs} ms exceeded`, 'TimeoutError'));
    return { kind: 'timeout', reason: `no answer within ${timeoutMs} ms`, durationMs };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * An AbortController made only when the plugin reads `call.signal`: creating one per call is a measurable
 * part of a fast synchronous check, and most checks never look at it. Read after the abort, it is already
 * aborted.
 */
class LazyAbort {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
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
