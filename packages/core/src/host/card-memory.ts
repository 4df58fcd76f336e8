// Before tsyringe: it needs the Reflect metadata API when it is evaluated.
import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { PvsKitError } from '../errors.js';
import type { Card } from '../schemas/card.js';
import type { HookName } from './hooks.js';
import { parseStrict } from './issues.js';
import { CLOCK, CONFIG, type Clock, type HostConfig } from './tokens.js';
import { feedbackInputSchema, type FeedbackRecord } from './types.js';

/** Cards remembered per hookInstance; far above any real call (a 200-case duty bundle yields a few hundred). */
export const MAX_CARDS_PER_CALL = 5_000;

interface RememberedCard {
  hook: HookName;
  hookInstance: string;
  pluginId: string;
  /** A card has a handful of suggestions at most: a list is cheaper to build per call than a Set. */
  suggestionIds: readonly string[];
}

/**
 * First in, first out, with O(1) removal from the front. Removing the oldest entries of a Map by iterating it
 * is not: V8 keeps deleted entries as holes at the front until the table is rebuilt, and every iteration steps
 * over them again, which made remembering cards cost more the longer a server ran.
 */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the consumed front is the larger half: amortised O(1), memory bounded by twice the live size.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** The cards of one hook call: card uuid → facts, and the uuids in the order they were remembered. */
interface RememberedCall {
  cards: Map<string, RememberedCard>;
  order: Fifo<string>;
}

/**
 * Which card came from which call and plugin, so feedback can be checked and attributed; and the feedback
 * log. All are bounded (oldest calls, cards and records dropped first) so a long-running PVS does not grow
 * forever.
 */
@injectable()
export class CardMemory {
  /** hookInstance → its cards. */
  private readonly calls = new Map<string, RememberedCall>();
  /** The hookInstances of `calls`, oldest first. */
  private readonly callOrder = new Fifo<string>();
  /** card uuid → hookInstance of its latest call, for feedback that names no hookInstance. */
  private readonly latest = new Map<string, string>();
  private readonly records: FeedbackRecord[] = [];

  constructor(
    @inject(CONFIG) private readonly config: HostConfig,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** True when `uuid` is already used by a card of this call. */
  has(hookInstance: string, uuid: string): boolean {
    return this.calls.get(hookInstance)?.cards.has(uuid) ?? false;
  }

  remember(hook: HookName, hookInstance: string, pluginId: string, cards: readonly Card[]): void {
    let call = this.calls.get(hookInstance);
    if (call === undefined) {
      call = { cards: new Map(), order: new Fifo() };
      this.calls.set(hookInstance, call);
      this.callOrder.push(hookInstance);
      this.evictCalls();
    }
    for (const card of cards) {
      if (card.uuid === undefined) continue;
      const suggestionIds: string[] = [];
      for (const s of card.suggestions ?? []) if (s.uuid !== undefined) suggestionIds.push(s.uuid);
      if (!call.cards.has(card.uuid)) call.order.push(card.uuid);
      call.cards.set(card.uuid, { hook, hookInstance, pluginId, suggestionIds });
      this.latest.set(card.uuid, hookInstance);
    }
    // A caller that reuses one hookInstance for every call (CDS Hooks wants a new one per call) would grow its
    // call without bound: beyond the cap its oldest cards are forgotten, as those of old calls are.
    while (call.cards.size > MAX_CARDS_PER_CALL) {
      const uuid = call.order.shift();
      if (uuid === undefined) break;
      call.cards.delete(uuid);
      if (this.latest.get(uuid) === hookInstance) this.latest.delete(uuid);
    }
  }

  /** Validates and records feedback. Unknown card, call or suggestion → `PvsKitError('NOT_FOUND')`. */
  record(input: unknown): FeedbackRecord {
    const feedback = parseStrict(feedbackInputSchema, input, 'feedback');
    const hookInstance = feedback.hookInstance ?? this.latest.get(feedback.card);
    const card = hookInstance === undefined ? undefined : this.calls.get(hookInstance)?.cards.get(feedback.card);
    if (card === undefined) {
      throw new PvsKitError(
        'NOT_FOUND',
        feedback.hookInstance === undefined
          ? `no card "${feedback.card}" is known`
          : `no card "${feedback.card}" is known for hookInstance "${feedback.hookInstance}"`,
        {
          userMessage: 'Der Hinweis, zu dem die Rückmeldung gehört, ist nicht (mehr) bekannt.',
          details: { card: feedback.card, ...(feedback.hookInstance === undefined ? {} : { hookInstance: feedback.hookInstance }) },
        },
      );
    }
    for (const accepted of feedback.acceptedSuggestions ?? []) {
      if (!card.suggestionIds.includes(accepted.id)) {
        throw new PvsKitError('NOT_FOUND', `card "${feedback.card}" has no suggestion "${accepted.id}"`, {
          userMessage: 'Der angenommene Vorschlag gehört nicht zu diesem Hinweis.',
          details: { card: feedback.card, suggestion: accepted.id },
        });
      }
    }
    const now = this.clock().toISOString();
    const record: FeedbackRecord = {
      hookInstance: card.hookInstance,
      hook: card.hook,
      pluginId: card.pluginId,
      card: feedback.card,
      outcome: feedback.outcome,
      ...(feedback.acceptedSuggestions === undefined ? {} : { acceptedSuggestions: feedback.acceptedSuggestions }),
      ...(feedback.overrideReason === undefined ? {} : { overrideReason: feedback.overrideReason }),
      outcomeTimestamp: feedback.outcomeTimestamp ?? now,
      recordedAt: now,
    };
    this.records.push(record);
    if (this.records.length > this.config.maxFeedbackRecords) {
      this.records.splice(0, this.records.length - this.config.maxFeedbackRecords);
    }
    return record;
  }

  log(): readonly FeedbackRecord[] {
    return Object.freeze([...this.records]);
  }

  clear(): void {
    this.calls.clear();
    this.callOrder.clear();
    this.latest.clear();
    this.records.length = 0;
  }

  private evictCalls(): void {
    while (this.calls.size > this.config.maxRememberedCalls) {
      const oldest = this.callOrder.shift();
      if (oldest === undefined) return;
      const call = this.calls.get(oldest);
      this.calls.delete(oldest);
      for (const uuid of call?.cards.keys() ?? []) {
        if (this.latest.get(uuid) === oldest) this.latest.delete(uuid);
      }
    }
  }
}
