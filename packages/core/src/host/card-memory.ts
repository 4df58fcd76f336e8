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
 * Which card came from which call and plugin, so feedback can be checked and attributed; and the feedback
 * log. Both are bounded (oldest calls / records dropped first) so a long-running PVS does not grow forever.
 */
@injectable()
export class CardMemory {
  /** hookInstance → card uuid → card facts; Map order = age. */
  private readonly calls = new Map<string, Map<string, RememberedCard>>();
  /** card uuid → hookInstance of its latest call, for feedback that names no hookInstance. */
  private readonly latest = new Map<string, string>();
  private readonly records: FeedbackRecord[] = [];

  constructor(
    @inject(CONFIG) private readonly config: HostConfig,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** True when `uuid` is already used by a card of this call. */
  has(hookInstance: string, uuid: string): boolean {
    return this.calls.get(hookInstance)?.has(uuid) ?? false;
  }

  remember(hook: HookName, hookInstance: string, pluginId: string, cards: readonly Card[]): void {
    let call = this.calls.get(hookInstance);
    if (call === undefined) {
      call = new Map();
      this.calls.set(hookInstance, call);
      this.evict();
    }
    for (const card of cards) {
      if (card.uuid === undefined) continue;
      const suggestionIds: string[] = [];
      for (const s of card.suggestions ?? []) if (s.uuid !== undefined) suggestionIds.push(s.uuid);
      call.set(card.uuid, { hook, hookInstance, pluginId, suggestionIds });
      this.latest.set(card.uuid, hookInstance);
    }
    // A caller that reuses one hookInstance for every call (CDS Hooks wants a new one per call) would grow its
    // call without bound: beyond the cap its oldest cards are forgotten, as those of old calls are.
    if (call.size > MAX_CARDS_PER_CALL) {
      for (const uuid of call.keys()) {
        if (call.size <= MAX_CARDS_PER_CALL) break;
        call.delete(uuid);
        if (this.latest.get(uuid) === hookInstance) this.latest.delete(uuid);
      }
    }
  }

  /** Validates and records feedback. Unknown card, call or suggestion → `PvsKitError('NOT_FOUND')`. */
  record(input: unknown): FeedbackRecord {
    const feedback = parseStrict(feedbackInputSchema, input, 'feedback');
    const hookInstance = feedback.hookInstance ?? this.latest.get(feedback.card);
    const card = hookInstance === undefined ? undefined : this.calls.get(hookInstance)?.get(feedback.card);
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
    this.latest.clear();
    this.records.length = 0;
  }

  private evict(): void {
    while (this.calls.size > this.config.maxRememberedCalls) {
      const oldest = this.calls.keys().next();
      if (oldest.done === true) return;
      const call = this.calls.get(oldest.value);
      this.calls.delete(oldest.value);
      for (const uuid of call?.keys() ?? []) {
        if (this.latest.get(uuid) === oldest.value) this.latest.delete(uuid);
      }
    }
  }
}
