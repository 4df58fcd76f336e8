import { z } from 'zod';
import { fixSchema } from './finding.js';

/*
 * Cards in the shape of HL7 CDS Hooks 2.0: summary, indicator, source, suggestions with actions,
 * overrideReasons. Our extension: `ruleId` (the finding's rule) and `fix` on an action.
 */

export const indicatorSchema = z.enum(['info', 'warning', 'critical']);

export const codingSchema = z.strictObject({
  code: z.string().min(1),
  system: z.string().optional(),
  display: z.string().optional(),
});

export const cardActionSchema = z.strictObject({
  type: z.enum(['create', 'update', 'delete']),
  description: z.string().min(1),
  /** The object created or updated (e.g. a service), in pvskit's own JSON shape. */
  resource: z.unknown().optional(),
  resourceId: z.string().optional(),
  /** pvskit extension: the fix this action applies to the case. */
  fix: fixSchema.optional(),
});

export const suggestionSchema = z.strictObject({
  label: z.string().min(1),
  uuid: z.string().optional(),
  isRecommended: z.boolean().optional(),
  actions: z.array(cardActionSchema).optional(),
});

export const cardSchema = z
  .strictObject({
    uuid: z.string().optional(),
    /** German, under 140 characters. */
    summary: z.string().min(1).max(140),
    detail: z.string().optional(),
    indicator: indicatorSchema,
    source: z.strictObject({
      label: z.string().min(1),
      url: z.string().optional(),
      topic: codingSchema.optional(),
    }),
    suggestions: z.array(suggestionSchema).optional(),
    selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
    overrideReasons: z.array(codingSchema).optional(),
    links: z
      .array(
        z.strictObject({
          label: z.string().min(1),
          url: z.string().min(1),
          type: z.enum(['absolute', 'smart']),
          appContext: z.string().optional(),
        }),
      )
      .optional(),
    /** pvskit extension: the rule id behind this card (e.g. NFD-TIME-BAND). */
    ruleId: z.string().optional(),
    /**
     * pvskit extension: the plugin that answered (error cards: the plugin that failed). Set by the kit on every
     * card it returns; whatever a plugin writes here is replaced, so a host can act on it (reload, feedback).
     */
    pluginId: z.string().optional(),
  })
  .meta({ id: 'card', title: 'CDS Hooks card' });

export const feedbackSchema = z.strictObject({
  card: z.string().min(1),
  outcome: z.enum(['accepted', 'overridden']),
  acceptedSuggestions: z.array(z.strictObject({ id: z.string().min(1) })).optional(),
  overrideReason: z
    .strictObject({ reason: codingSchema.optional(), userComment: z.string().optional() })
    .optional(),
  outcomeTimestamp: z.string().min(1),
});

export type Indicator = z.infer<typeof indicatorSchema>;
export type Coding = z.infer<typeof codingSchema>;
export type CardAction = z.infer<typeof cardActionSchema>;
export type Suggestion = z.infer<typeof suggestionSchema>;
export type Card = z.infer<typeof cardSchema>;
export type Feedback = z.infer<typeof feedbackSchema>;
