import { z } from 'zod';
import {
  cardSchema,
  codingSchema,
  hookDefinition,
  hookDefinitions,
  jsonSchemaOf,
  publishedSchemaNames,
  type HookName,
  type PublishedSchemaName,
} from '@pvskit/core';

/*
 * The HTTP wire shapes of HL7 CDS Hooks 2.0 as pvskit speaks them. Request envelopes are strict: an unknown
 * field is refused with its JSON path (typos must not pass silently); the hook's `context` is validated by
 * the kit with the hook's own schema.
 */

const hookInstanceSchema = z.string().min(1).max(128).meta({ description: 'Id of this hook call, a UUID in CDS Hooks' });

const envelopeFields = {
  hookInstance: hookInstanceSchema,
  fhirServer: z.string().min(1).optional(),
  fhirAuthorization: z.record(z.string(), z.unknown()).optional(),
  prefetch: z.record(z.string(), z.unknown()).optional(),
};

/** Body of `POST /cds-services/{id}`: the envelope; `context` is checked by the kit against the hook. */
export const cdsRequestSchema = z.strictObject({
  hook: z.string().min(1),
  ...envelopeFields,
  context: z.record(z.string(), z.unknown()),
});

/** Parsed `POST /cds-services/{id}` body. */
export type CdsRequest = z.output<typeof cdsRequestSchema>;

const REQUEST_KEYS: ReadonlySet<string> = new Set(Object.keys(cdsRequestSchema.shape));
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max = Number.POSITIVE_INFINITY): boolean => typeof value === 'string' && value.length >= 1 && value.length <= max;

/**
 * The request envelope when `body` (parsed JSON) is one {@link cdsRequestSchema} accepts, else undefined (then
 * zod tells why). The same verdict in a fraction of zod's time on every call; the envelope is read, not copied.
 */
export function readCdsRequest(body: unknown): CdsRequest | undefined {
  if (!isRecord(body)) return undefined;
  for (const key in body) if (!REQUEST_KEYS.has(key)) return undefined;
  const { hook, hookInstance, fhirServer, fhirAuthorization, prefetch, context } = body;
  const valid =
    isText(hook) &&
    isText(hookInstance, 128) &&
    (fhirServer === undefined || isText(fhirServer)) &&
    (fhirAuthorization === undefined || isRecord(fhirAuthorization)) &&
    (prefetch === undefined || isRecord(prefetch)) &&
    isRecord(context);
  return valid ? (body as CdsRequest) : undefined;
}

/** The request schema of one hook, with its full context schema: what a host sends (published). */
export function cdsHookRequestSchema(hook: HookName): z.ZodType {
  return z
    .strictObject({ hook: z.literal(hook), ...envelopeFields, context: hookDefinition(hook).context })
    .meta({ title: `CDS Hooks request of the ${hook} hook` });
}

/** One entry of the discovery response. `hookVersion` and `pluginId` are pvskit extensions. */
export const cdsServiceSchema = z.strictObject({
  hook: z.string().min(1),
  hookVersion: z.string().min(1),
  title: z.string().optional(),
  description: z.string().min(1),
  id: z.string().min(1),
  prefetch: z.record(z.string(), z.string()).optional(),
  pluginId: z.string().min(1),
  extension: z.record(z.string(), z.unknown()).optional(),
});

/** `GET /cds-services` response. */
export const cdsDiscoverySchema = z
  .strictObject({ services: z.array(cdsServiceSchema) })
  .meta({ title: 'CDS Hooks discovery response' });

/** `POST /cds-services/{id}` response: cards in CDS Hooks 2.0 shape plus `ruleId`. */
export const cdsResponseSchema = z.strictObject({ cards: z.array(cardSchema) }).meta({ title: 'CDS Hooks service response' });

/** One feedback entry (CDS Hooks 2.0) plus optional `hookInstance`. */
export const cdsFeedbackEntrySchema = z.strictObject({
  card: z.string().min(1),
  outcome: z.enum(['accepted', 'overridden']),
  acceptedSuggestions: z.array(z.strictObject({ id: z.string().min(1) })).optional(),
  overrideReason: z.strictObject({ reason: codingSchema.optional(), userComment: z.string().optional() }).optional(),
  outcomeTimestamp: z.string().min(1),
  hookInstance: z.string().min(1).optional(),
});

/** Body of `POST /cds-services/{id}/feedback`. */
export const cdsFeedbackRequestSchema = z
  .strictObject({ feedback: z.array(cdsFeedbackEntrySchema).min(1).max(100) })
  .meta({ title: 'CDS Hooks feedback request' });

/** Discovery response type. */
export type CdsDiscovery = z.output<typeof cdsDiscoverySchema>;
/** One discovered service. */
export type CdsService = z.output<typeof cdsServiceSchema>;
/** Service response type. */
export type CdsResponse = z.output<typeof cdsResponseSchema>;
/** Feedback request type. */
export type CdsFeedbackRequest = z.output<typeof cdsFeedbackRequestSchema>;

function wire(schema: z.ZodType, name: string): Record<string, unknown> {
  return { $id: `https://pvskit.local/schemas/${name}.json`, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
}

/** The wire shapes, by served name: fixed ones, then a request and a context schema per defined hook. */
function cdsSchemaBuilders(): Record<string, () => Record<string, unknown>> {
  return {
    'cds-discovery': () => wire(cdsDiscoverySchema, 'cds-discovery'),
    'cds-response': () => wire(cdsResponseSchema, 'cds-response'),
    'cds-feedback': () => wire(cdsFeedbackRequestSchema, 'cds-feedback'),
    ...Object.fromEntries(hookDefinitions().map(({ name }) => [`${name}-request`, () => wire(cdsHookRequestSchema(name), `${name}-request`)])),
    ...Object.fromEntries(hookDefinitions().map(({ name, context }) => [`${name}-context`, () => wire(context, `${name}-context`)])),
  };
}

/**
 * Every schema name served at `/schemas/<name>.json`: the core payloads plus the CDS Hooks wire shapes, with
 * the request and context of every hook defined so far (by the packages loaded).
 */
export function servedSchemaNames(): string[] {
  return [...publishedSchemaNames, ...Object.keys(cdsSchemaBuilders())];
}

const cache = new Map<string, string>();

/** JSON text of a served schema, or undefined for an unknown name. Generated from zod once, then cached. */
export function servedSchemaJson(name: string): string | undefined {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let schema: Record<string, unknown> | undefined;
  if ((publishedSchemaNames as readonly string[]).includes(name)) schema = jsonSchemaOf(name as PublishedSchemaName);
  else schema = cdsSchemaBuilders()[name]?.();
  if (schema === undefined) return undefined;
  const text = JSON.stringify(schema);
  cache.set(name, text);
  return text;
}
