import { z } from 'zod';
import { sepaMandateSchema } from '../plans/sepa.js';

/*
 * Registration and login inputs, with the seed's rules: short names are trimmed (blanks at either end are a
 * common typing mistake), passwords are taken exactly as typed, 8–32 characters.
 */

const NINE_DIGITS = /^\d{9}$/;

/** Placeholder LANR/BSNR for doctors without a German number (seed: "999999999"). */
export const PLACEHOLDER_NUMBER = '999999999';
/** Placeholder postcode outside Germany (seed: "99999"). */
export const PLACEHOLDER_ZIP = '99999';

const shortName = z.string().trim().min(1, { message: 'must not be empty' }).max(64);
const requiredText = z.string().trim().min(1, { message: 'must not be empty' }).max(200);
const optionalText = z.string().trim().max(200).optional();

/** Characters as a person counts them (code points), not UTF-16 units. */
const charCount = (v: string): number => [...v].length;

/** Password rule of the seed: 8 to 32 characters, not trimmed. */
export const passwordSchema = z
  .string()
  .refine((v) => charCount(v) >= 8, { message: 'password needs at least 8 characters' })
  .refine((v) => charCount(v) <= 32, { message: 'password may have at most 32 characters' });

/** Master password: at least 8 characters (seed), at most 128. */
export const masterPasswordSchema = z
  .string()
  .refine((v) => charCount(v) >= 8, { message: 'master password needs at least 8 characters' })
  .refine((v) => charCount(v) <= 128, { message: 'master password may have at most 128 characters' });

/** Registration (seed steps 1–4): organisation, address, main user, login data, plan, SEPA mandate. */
export const registrationSchema = z
  .strictObject({
    organisation: z.strictObject({
      name: requiredText,
      /** e.g. Arztpraxis, Beratungsstelle. */
      kind: requiredText,
      /** e.g. "1-5 Mitarbeiter". */
      size: requiredText,
      specialty: optionalText,
      bsnr: z.string().regex(NINE_DIGITS, { message: 'BSNR has 9 digits (999999999 as placeholder)' }).optional(),
    }),
    address: z.strictObject({
      street: requiredText,
      houseNumber: requiredText,
      addition: optionalText,
      zip: z.string().trim().regex(/^\d{5}$/, { message: 'PLZ has 5 digits (99999 outside Germany)' }),
      city: requiredText,
    }),
    mainUser: z.strictObject({
      salutation: z.enum(['Herr', 'Frau', 'divers']),
      title: optionalText,
      firstName: requiredText,
      lastName: requiredText,
      email: z.email(),
      phone: requiredText,
      lanr: z.string().regex(NINE_DIGITS, { message: 'LANR has 9 digits (999999999 as placeholder)' }).optional(),
      /** The main user of a practice is usually the doctor; staff may organise but not hold consultations. */
      role: z.enum(['doctor', 'staff']).default('doctor'),
    }),
    login: z.strictObject({
      orgShortName: shortName,
      userShortName: shortName,
      password: passwordSchema,
      passwordRepeat: z.string(),
      masterPassword: masterPasswordSchema,
      masterPasswordRepeat: z.string(),
      deviceName: shortName,
      /** X25519 public key of this device (base64url), from `generateDeviceKeyPair()`. */
      devicePublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'expected a 32-byte base64url key' }),
    }),
    plan: z.enum(['basis', 'plus']).default('basis'),
    sepaMandate: sepaMandateSchema.optional(),
    /** Auftragsverarbeitungsvertrag (Art. 28 DSGVO) accepted. */
    acceptDataProcessingAgreement: z.literal(true, { message: 'the data processing agreement must be accepted' }),
    /** "Ich habe meine Zugangsdaten notiert …": there is no reset. */
    credentialsNoted: z.literal(true, { message: 'the access data must be noted (no reset is possible)' }),
  })
  .superRefine((r, ctx) => {
    if (r.login.password !== r.login.passwordRepeat) {
      ctx.addIssue({ code: 'custom', path: ['login', 'passwordRepeat'], message: 'passwords do not match' });
    }
    if (r.login.masterPassword !== r.login.masterPasswordRepeat) {
      ctx.addIssue({ code: 'custom', path: ['login', 'masterPasswordRepeat'], message: 'master passwords do not match' });
    }
    if (r.login.masterPassword === r.login.password) {
      ctx.addIssue({ code: 'custom', path: ['login', 'masterPassword'], message: 'must differ from the password' });
    }
    if (r.plan === 'plus' && r.sepaMandate === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sepaMandate'], message: 'plan plus needs a SEPA mandate' });
    }
    if (r.plan === 'basis' && r.sepaMandate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['sepaMandate'], message: 'plan basis takes no billing data' });
    }
  })
  .meta({ id: 'videoRegistration', title: 'Video practice registration' });

/** Registration as a host writes it. */
export type RegistrationInput = z.input<typeof registrationSchema>;
/** A registration after validation. */
export type Registration = z.output<typeof registrationSchema>;

/** Login: short names trimmed, password as typed. */
export const credentialsSchema = z.strictObject({
  organisation: z.string().trim(),
  user: z.string().trim(),
  password: z.string(),
});

/** Proof of a device at login: its id and its secret key (used locally, never stored). */
export const deviceProofSchema = z.strictObject({
  id: z.string().min(1),
  /** The device's X25519 secret key (base64url); used locally to open the sealed data key. */
  secretKey: z.string().min(1),
});

/** Input of `account.login`. */
export const loginSchema = credentialsSchema.extend({ device: deviceProofSchema });
/** Login input. */
export type LoginInput = z.input<typeof loginSchema>;

/** Input of `account.requestDevice`. */
export const deviceRequestSchema = credentialsSchema.extend({
  deviceName: shortName,
  devicePublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'expected a 32-byte base64url key' }),
});
/** Asking approval for a new device: credentials plus the device's name and public key. */
export type DeviceRequestInput = z.input<typeof deviceRequestSchema>;

/** Input of `account.recoverWithMasterPassword`. */
export const recoverySchema = z
  .strictObject({
    organisation: z.string().trim(),
    user: z.string().trim(),
    masterPassword: z.string(),
    newPassword: passwordSchema,
    newPasswordRepeat: z.string(),
    /** Optionally approve a (new) device at the same time, when all devices were lost too. */
    device: z
      .strictObject({
        name: shortName,
        publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'expected a 32-byte base64url key' }),
      })
      .optional(),
  })
  .refine((r) => r.newPassword === r.newPasswordRepeat, {
    path: ['newPasswordRepeat'],
    message: 'passwords do not match',
  });
/** Recovery with the master password. */
export type RecoveryInput = z.input<typeof recoverySchema>;

/** Input of `account.changePassword`. */
export const passwordChangeSchema = z
  .strictObject({ currentPassword: z.string(), newPassword: passwordSchema, newPasswordRepeat: z.string() })
  .refine((r) => r.newPassword === r.newPasswordRepeat, {
    path: ['newPasswordRepeat'],
    message: 'passwords do not match',
  });
/** Password change of the logged-in user. */
export type PasswordChangeInput = z.input<typeof passwordChangeSchema>;

/** Input of `account.addUser`. */
export const newUserSchema = z.strictObject({
  shortName,
  password: passwordSchema,
  role: z.enum(['doctor', 'staff']),
});
/** A further user (plan plus). */
export type NewUserInput = z.input<typeof newUserSchema>;
