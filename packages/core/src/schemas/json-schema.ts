import { z } from 'zod';
import { cardSchema, feedbackSchema } from './card.js';
import { completedSchema } from './completed.js';
import { bundleSchema, caseSchema } from './domain.js';
import { findingSchema } from './finding.js';

/** Payloads with a published JSON Schema; `pvskit schema <name>` and `/schemas/<name>.json` serve these. */
export const publishedSchemas = {
  case: caseSchema,
  bundle: bundleSchema,
  completed: completedSchema,
  finding: findingSchema,
  card: cardSchema,
  feedback: feedbackSchema,
} as const;

export type PublishedSchemaName = keyof typeof publishedSchemas;

export const publishedSchemaNames = Object.keys(publishedSchemas) as PublishedSchemaName[];

/**
 * JSON Schema (draft 2020-12) of a published payload, describing the input a host sends
 * (fields with defaults are optional).
 */
export function jsonSchemaOf(name: PublishedSchemaName): Record<string, unknown> {
  const schema = z.toJSONSchema(publishedSchemas[name], { io: 'input', unrepresentable: 'any' });
  return { $id: `https://pvskit.local/schemas/${name}.json`, ...schema };
}
