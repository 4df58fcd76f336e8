import { z } from 'zod';
import { freeTextSchema, localDateSchema, localDateTimeSchema, localTimeSchema, textSchema } from './primitives.js';

/*
 * The case JSON of docs/contract.md. Identifier fields accept any non-empty string here: a wrong check digit
 * is a billing finding (ID-LANR, ID-KVNR, …), not a reason to reject the whole input.
 * Objects are strict: an unknown field is an error naming its path, so a typo never passes silently.
 */

export const regionSchema = z
  .enum(['BW', 'BY', 'BE', 'BB', 'HB', 'HH', 'HE', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'])
  .meta({ description: 'German Land (KV region), ISO 3166-2:DE suffix' });

export const sexSchema = z.enum(['M', 'W', 'D', 'X', 'U']);
export const insuranceTypeSchema = z.enum(['GKV', 'PKV', 'BG', 'SKT']);
export const certaintySchema = z.enum(['G', 'V', 'Z', 'A']);
export const sideSchema = z.enum(['R', 'L', 'B']);
export const contactModeSchema = z.enum(['personal', 'video', 'phone']);

export const practiceSchema = z.strictObject({
  bsnr: textSchema.optional(),
  name: textSchema.optional(),
  street: textSchema.optional(),
  zip: textSchema.optional(),
  city: textSchema.optional(),
  phone: textSchema.optional(),
  /** Receiving KV code (KVDT 9102), e.g. "52" for Baden-Württemberg. */
  kv: textSchema.optional(),
});

export const physicianSchema = z.strictObject({
  lanr: textSchema.optional(),
  name: textSchema.optional(),
  /** Takes part in contract care (vertragsärztliche Versorgung); default true. */
  contractedPhysician: z.boolean().default(true),
});

export const insuranceSchema = z.strictObject({
  type: insuranceTypeSchema,
  ik: textSchema.optional(),
  kvnr: textSchema.optional(),
  name: textSchema.optional(),
  vknr: textSchema.optional(),
  memberType: textSchema.optional(),
  validFrom: localDateSchema.optional(),
});

export const patientSchema = z.strictObject({
  id: textSchema.optional(),
  lastName: textSchema,
  firstName: textSchema,
  birthDate: localDateSchema,
  sex: sexSchema.optional(),
  insurance: insuranceSchema,
  frailty: z.boolean().default(false),
  severeImpairment: z.boolean().default(false),
  street: textSchema.optional(),
  houseNumber: textSchema.optional(),
  zip: textSchema.optional(),
  city: textSchema.optional(),
  country: textSchema.optional(),
});

export const diagnosisSchema = z.strictObject({
  icd: textSchema,
  certainty: certaintySchema,
  side: sideSchema.optional(),
});

export const visitSchema = z.strictObject({
  /** Radius distance from the Notfallpraxis (or duty location) to the place visited, in km. */
  distanceKm: z.number().nonnegative().max(1000).optional(),
  /** A further patient in the same social community (family): 01413 instead of 01418, no Wegepauschale. */
  sameSocialCommunity: z.boolean().default(false),
});

export const contactSchema = z.strictObject({
  date: localDateSchema,
  time: localTimeSchema,
  mode: contactModeSchema.default('personal'),
  /** Only an assessment of the need for treatment (Abklärung): 01205/01207 instead of 01210/01212. */
  assessmentOnly: z.boolean().default(false),
  visit: visitSchema.optional(),
});

export const serviceSchema = z.strictObject({
  gop: textSchema,
  date: localDateSchema,
  time: localTimeSchema.optional(),
  mode: contactModeSchema.default('personal'),
  count: z.number().int().min(1).max(999).default(1),
  justification: freeTextSchema.optional(),
  /** Filled by `complete`: EBM points of one unit, or null when not known. */
  points: z.number().int().nonnegative().nullable().optional(),
  /** Filled by `complete`: euro amount for all units, or null when not known. */
  euro: z.number().nonnegative().nullable().optional(),
});

export const dutySchema = z
  .strictObject({
    id: textSchema.optional(),
    start: localDateTimeSchema,
    end: localDateTimeSchema,
  })
  .refine((d) => d.end > d.start, { message: 'duty end must be after its start', path: ['end'] });

export const softwareSchema = z.strictObject({
  name: textSchema,
  version: textSchema,
  kbvTestNumber: textSchema.optional(),
  vendor: z
    .strictObject({
      name: textSchema,
      street: textSchema.optional(),
      zip: textSchema.optional(),
      city: textSchema.optional(),
      phone: textSchema.optional(),
    })
    .optional(),
});

const caseFields = {
  id: textSchema.optional(),
  region: regionSchema.default('BW'),
  /** Scheinuntergruppe; NFD-SUG reports values outside 41–46. */
  scheinuntergruppe: z.string().regex(/^\d{2}$/, { message: 'expected two digits' }).default('41'),
  patient: patientSchema,
  diagnoses: z.array(diagnosisSchema).max(200).default([]),
  contacts: z.array(contactSchema).max(200).default([]),
  services: z.array(serviceSchema).max(500).default([]),
  continuingPhysician: textSchema.optional(),
  /** Marks a pseudo case (Pseudo-Abrechnungsfall, GOP 99999/99909) made by `complete`. */
  pseudo: z.boolean().optional(),
};

/** One Dienstfall: one patient, one doctor, one duty. */
export const caseSchema = z
  .strictObject({
    ...caseFields,
    duty: dutySchema.optional(),
    practice: practiceSchema.optional(),
    physician: physicianSchema.optional(),
    software: softwareSchema.optional(),
  })
  .meta({ id: 'case', title: 'Notfalldienst case (Dienstfall)' });

/** A case inside a duty bundle: duty, practice and physician come from the bundle. */
export const bundleCaseSchema = z.strictObject(caseFields);

/**
 * The practice's values for the KVDT fields of its pseudo cases (Pseudo-Abrechnungsfall, GOP 99999/99909)
 * that the KV's template leaves open. `complete` writes them into every pseudo case it adds, so a completed
 * duty can be exported. A practice sets them once; they are the same for every duty.
 */
export const pseudoCaseFieldsSchema = z
  .strictObject({
    /** KVDT 3110. */
    sex: sexSchema,
    /** KVDT 4104: VKNR of the Kasse the pseudo cases are billed to. */
    vknr: z.string().regex(/^\d{5}$/, { message: 'expected the five-digit VKNR' }),
    /** KVDT 3108: Versichertenart (1 member, 3 family member, 5 pensioner). */
    memberType: z.enum(['1', '3', '5']),
    /** KVDT 4243: the continuing physician named on the pseudo cases. */
    continuingPhysician: textSchema,
  })
  .meta({ description: 'KVDT fields of the pseudo cases that complete adds to a duty' });

/** A duty with all its cases. */
export const bundleSchema = z
  .strictObject({
    duty: dutySchema,
    region: regionSchema.default('BW'),
    practice: practiceSchema.optional(),
    physician: physicianSchema.optional(),
    software: softwareSchema.optional(),
    pseudoCase: pseudoCaseFieldsSchema.optional(),
    cases: z.array(bundleCaseSchema).max(10_000),
  })
  .meta({ id: 'bundle', title: 'Duty bundle (all cases of one Notfalldienst)' });

export type Region = z.infer<typeof regionSchema>;
export type Sex = z.infer<typeof sexSchema>;
export type InsuranceType = z.infer<typeof insuranceTypeSchema>;
export type Certainty = z.infer<typeof certaintySchema>;
export type Side = z.infer<typeof sideSchema>;
export type ContactMode = z.infer<typeof contactModeSchema>;
export type Practice = z.infer<typeof practiceSchema>;
export type Physician = z.infer<typeof physicianSchema>;
export type Insurance = z.infer<typeof insuranceSchema>;
export type Patient = z.infer<typeof patientSchema>;
export type Diagnosis = z.infer<typeof diagnosisSchema>;
export type Visit = z.infer<typeof visitSchema>;
export type Contact = z.infer<typeof contactSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type Duty = z.infer<typeof dutySchema>;
export type Software = z.infer<typeof softwareSchema>;
export type PseudoCaseFields = z.infer<typeof pseudoCaseFieldsSchema>;
/** A case after parsing: defaults filled in. */
export type Case = z.infer<typeof caseSchema>;
/** A case as a host may write it: defaults optional. */
export type CaseInput = z.input<typeof caseSchema>;
export type BundleCase = z.infer<typeof bundleCaseSchema>;
export type Bundle = z.infer<typeof bundleSchema>;
export type BundleInput = z.input<typeof bundleSchema>;
