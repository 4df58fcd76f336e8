import { z } from 'zod';
import { PvsKitError } from '../errors.js';
import { patientSchema } from '../schemas/domain.js';

/**
 * The hooks a kit knows, CDS Hooks style (noun-verb), each with its context schema. Core declares only the
 * standard `patient-view`; the package that owns a hook adds it here by declaration merging and defines it at
 * runtime with {@link defineHook}:
 *
 * ```ts
 * declare module '@pvskit/core' {
 *   interface HookRegistry {
 *     'case-edit': { context: typeof caseEditContextSchema };
 *   }
 * }
 * export const caseEditHook = defineHook('case-edit', { context: caseEditContextSchema, version: '1.0' });
 * ```
 */
export interface HookRegistry {
  'patient-view': { context: typeof patientViewContextSchema };
}

/** Name of a hook, e.g. `case-edit`: a key of {@link HookRegistry}. */
export type HookName = keyof HookRegistry & string;

type ContextSchemaOf<H extends HookName> = HookRegistry[H] extends { context: infer S extends z.ZodType } ? S : never;

/** A hook as its owning package defines it: the schema every call's context is validated with. */
export interface HookDefinition<H extends HookName = HookName> {
  readonly name: H;
  readonly context: ContextSchemaOf<H>;
  /**
   * Version of the context contract, published in CDS Hooks discovery. Optional additions bump the minor
   * version; a new required field or a changed meaning is a new hook name, never a new version of this one.
   */
  readonly version: string;
  /** Time budget per plugin in ms unless the host sets one (e.g. an export, which blocks no typing). */
  readonly timeoutMs?: number;
}

const definitions = new Map<string, HookDefinition>();

/**
 * Makes a hook known to every kit, with its context schema. Called once by the package that owns the hook
 * when it is loaded; defining the same hook again with the same schema (a module loaded twice) is a no-op.
 * @throws PvsKitError('CONFLICT') when the name is already defined with another schema.
 */
export function defineHook<H extends HookName>(name: H, definition: Omit<HookDefinition<H>, 'name'>): HookDefinition<H> {
  const existing = definitions.get(name);
  if (existing !== undefined) {
    if ((existing.context as z.ZodType) === (definition.context as z.ZodType)) return existing as HookDefinition<H>;
    throw new PvsKitError('CONFLICT', `hook "${name}" is already defined with another context schema`, {
      userMessage: `Der Hook „${name}“ ist doppelt definiert.`,
      details: { hook: name },
    });
  }
  const defined: HookDefinition<H> = Object.freeze({ ...definition, name });
  definitions.set(name, defined as unknown as HookDefinition);
  return defined;
}

/** The defined hooks, in definition order (the order of {@link PvsKit.services} within a plugin). */
export function hookDefinitions(): readonly HookDefinition[] {
  return [...definitions.values()];
}

/** Names of the defined hooks, in definition order. */
export function hookNames(): HookName[] {
  return [...definitions.keys()] as HookName[];
}

/** True when `value` names a defined hook. */
export function isHookName(value: unknown): value is HookName {
  return typeof value === 'string' && definitions.has(value);
}

/** The definition of a known hook (check with {@link isHookName} first). */
export function hookDefinition<H extends HookName>(name: H): HookDefinition<H> {
  const definition = definitions.get(name);
  if (definition === undefined) {
    throw new PvsKitError('HOOK_UNKNOWN', `unknown hook "${name}"`, {
      userMessage: `Unbekannter Hook „${name}“.`,
      details: { hook: name, known: hookNames() },
    });
  }
  return definition as unknown as HookDefinition<H>;
}

/** Context of `patient-view`: a patient record was opened. */
export const patientViewContextSchema = z
  .strictObject({
    patient: patientSchema,
    /** The PVS user who opened the record, in the PVS's own id scheme. */
    userId: z.string().min(1).optional(),
  })
  .meta({ id: 'patient-view-context', title: 'Context of the patient-view hook' });

/** The standard CDS Hooks `patient-view`, defined by core. */
export const patientViewHook = defineHook('patient-view', { context: patientViewContextSchema, version: '1.0' });

/** A hook's context as plugins receive it: validated, defaults filled in, deeply frozen. */
export type HookContext<H extends HookName> = z.output<ContextSchemaOf<H>>;

/** A hook's context as a host passes it to {@link PvsKit.callHook}: defaults optional. */
export type HookContextInput<H extends HookName> = z.input<ContextSchemaOf<H>>;

/**
 * What a hook's plugins return besides cards (`data`), by hook name. Empty in core: the package that owns a
 * hook's answer declares it by declaration merging, and hosts then read `data` typed, without a cast:
 *
 * ```ts
 * declare module '@pvskit/core' {
 *   interface HookDataRegistry {
 *     'billing-export': KvdtExportData;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface HookDataRegistry {}

/** The `data` of hook `H`'s answers: as declared in {@link HookDataRegistry}, else unknown. */
export type HookData<H extends HookName> = H extends keyof HookDataRegistry ? HookDataRegistry[H] : unknown;
