import type { Card, Fix, ValidationIssueJson } from '@pvskit/core';
import type { BundleCaseInput, CheckResponse, StateResponse } from '../shared/api.js';
import { ApiFailure } from './api.js';
import { applyFix, fixOf } from './fix.js';

/*
 * The editing protocol of a Notfalldienst case, without a DOM: what a PVS does while a case is typed in. It is
 * the reference for a vendor porting the integration to C# or Delphi; the browser view only draws what it
 * reports. The protocol:
 *
 * 1. Every change is debounced: `case-edit` runs once the user pauses (250 ms), never per keystroke.
 * 2. A newer check supersedes an older one: the older request is aborted, and should its answer still arrive
 *    it is dropped, so a slow answer to an old state never overwrites the findings of the current one.
 * 3. Applying a card's fix changes the case at once, tells the kit the suggestion was accepted (CDS Hooks
 *    feedback, fire and forget: the fix stands whatever the answer) and checks again.
 * 4. A plugin the host disabled after repeated failures is re-enabled on request, and the case is checked
 *    again.
 */

/** Delay after the last change before the case is checked: short enough to feel live, long enough not to flood. */
export const CHECK_DEBOUNCE_MS = 250;

/** The host's endpoints the protocol uses. */
export interface EditTransport {
  /**
   * Runs `case-edit` on the case (and saves the draft); aborting `signal` cancels the request. Failures the
   * user should read are `ApiFailure`s with a German message.
   */
  check(caseId: string, model: BundleCaseInput, signal: AbortSignal): Promise<CheckResponse>;
  /** CDS Hooks feedback on a card. */
  feedback(body: FeedbackBody): Promise<unknown>;
  /** Re-enables a plugin; answers the plugin list. */
  reloadPlugin(pluginId: string): Promise<StateResponse['plugins']>;
}

export interface FeedbackBody {
  card: string;
  outcome: 'accepted';
  hookInstance?: string;
  acceptedSuggestions?: { id: string }[];
}

/** What the view shows; the session calls these, the view never decides protocol matters. */
export interface EditView {
  /** A German status line for the user. */
  status(message: string): void;
  /** A check is running (or not). */
  busy(busy: boolean): void;
  /** New cards or input problems to show. */
  findings(cards: readonly Card[], issues: readonly ValidationIssueJson[]): void;
}

/** Timers, injectable so the protocol is tested without waiting. */
export interface EditTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: EditTimers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface EditSessionOptions {
  caseId: string;
  model: BundleCaseInput;
  transport: EditTransport;
  view: EditView;
  /** The loaded plugins (to find the one behind an error card). */
  plugins: StateResponse['plugins'];
  /** True while the case may not be edited (signed). */
  readOnly?: () => boolean;
  debounceMs?: number;
  timers?: EditTimers;
  /** Wall clock for the "checked at" status. */
  now?: () => Date;
}

/** Outcome of {@link EditSession.applyCardFix}. */
export type FixOutcome = { applied: true; fix: Fix } | { applied: false; reason: 'no-fix' | 'stale' | 'read-only' };

export class EditSession {
  private current: BundleCaseInput;
  private cards: Card[] = [];
  private issues: ValidationIssueJson[] = [];
  private hookInstance: string | undefined;
  private timer: unknown;
  private pending = false;
  private inFlight: AbortController | undefined;
  private sequence = 0;
  private disposed = false;
  private plugins: StateResponse['plugins'];
  private readonly debounceMs: number;
  private readonly timers: EditTimers;
  private readonly now: () => Date;

  constructor(private readonly options: EditSessionOptions) {
    this.current = options.model;
    this.plugins = options.plugins;
    this.debounceMs = options.debounceMs ?? CHECK_DEBOUNCE_MS;
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? (() => new Date());
  }

  /** The case as edited so far (the view edits it in place and then calls {@link edited}). */
  get model(): BundleCaseInput {
    return this.current;
  }

  /** Replaces the case (after `complete`, or a reload from the server) with the cards that came with it. */
  replace(model: BundleCaseInput, cards: readonly Card[]): void {
    this.cancelPending();
    this.sequence++;
    this.inFlight?.abort();
    this.current = model;
    this.cards = [...cards];
    this.issues = [];
    this.options.view.findings(this.cards, this.issues);
  }

  /** The user changed the case: check it once they pause. */
  edited(): void {
    if (this.disposed || this.options.readOnly?.() === true) return;
    this.options.view.status('Änderungen werden geprüft …');
    this.cancelPending();
    this.pending = true;
    this.timer = this.timers.set(() => void this.checkNow(), this.debounceMs);
  }

  /** Checks the case now, superseding any check still running. */
  async checkNow(): Promise<void> {
    this.cancelPending();
    if (this.disposed) return;
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const mine = ++this.sequence;
    const { view } = this.options;
    view.busy(true);
    try {
      const result = await this.options.transport.check(this.options.caseId, this.current, controller.signal);
      // A slower answer to an older state must not overwrite a newer one.
      if (mine !== this.sequence || this.disposed) return;
      this.cards = result.cards;
      this.issues = result.issues;
      this.hookInstance = result.hookInstance;
      const at = this.now().toLocaleTimeString('de-DE');
      view.status(
        result.issues.length > 0
          ? 'Eingabe unvollständig – noch nicht gespeichert'
          : result.saved
            ? `Entwurf gespeichert, geprüft um ${at}`
            : `Abgeschlossener Fall, geprüft um ${at}`,
      );
      view.findings(this.cards, this.issues);
    } catch (error) {
      if (controller.signal.aborted || mine !== this.sequence) return;
      view.status(error instanceof ApiFailure ? error.message : 'Prüfung fehlgeschlagen.');
    } finally {
      if (mine === this.sequence) view.busy(false);
    }
  }

  /**
   * Applies the card's fix to the case, reports the suggestion as accepted and checks again. A fix that no
   * longer fits (the user edited meanwhile) changes nothing.
   */
  applyCardFix(card: Card): FixOutcome {
    if (this.options.readOnly?.() === true) return { applied: false, reason: 'read-only' };
    const found = fixOf(card);
    if (found === undefined) return { applied: false, reason: 'no-fix' };
    const result = applyFix(this.current, found.fix);
    if (!result.applied) {
      this.options.view.status('Die Korrektur passt nicht mehr zum Fall; bitte erneut prüfen.');
      return { applied: false, reason: 'stale' };
    }
    this.current = result.case;
    if (card.uuid !== undefined) {
      const body: FeedbackBody = {
        card: card.uuid,
        outcome: 'accepted',
        ...(this.hookInstance === undefined ? {} : { hookInstance: this.hookInstance }),
        ...(found.suggestionUuid === undefined ? {} : { acceptedSuggestions: [{ id: found.suggestionUuid }] }),
      };
      this.options.transport.feedback(body).catch(() => {});
    }
    this.cards = this.cards.filter((c) => c !== card);
    this.options.view.findings(this.cards, this.issues);
    void this.checkNow();
    return { applied: true, fix: found.fix };
  }

  /** Re-enables the plugin behind an error card and checks again. */
  async reloadPlugin(card: Card): Promise<StateResponse['plugins']> {
    const plugin = this.plugins.find((p) => p.id === card.pluginId);
    if (plugin === undefined) return this.plugins;
    try {
      this.plugins = await this.options.transport.reloadPlugin(plugin.id);
      this.options.view.status(`Plugin „${plugin.title}“ neu geladen.`);
      void this.checkNow();
    } catch (error) {
      this.options.view.status(error instanceof ApiFailure ? error.message : 'Neu laden fehlgeschlagen.');
    }
    return this.plugins;
  }

  /** Leaving the editor: a pending change is checked (and so saved) at once; later answers are ignored. */
  dispose(): void {
    if (this.pending) void this.checkNow();
    this.disposed = true;
  }

  private cancelPending(): void {
    if (this.pending) this.timers.clear(this.timer);
    this.pending = false;
  }
}
