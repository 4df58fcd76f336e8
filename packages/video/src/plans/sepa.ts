import { z } from 'zod';
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { fromUtf8, open, seal, utf8 } from '../base/crypto.js';

/** SEPA direct-debit mandate for plan plus, as entered in the seed's step "Rechnungsdaten". */
export const sepaMandateSchema = z
  .strictObject({
    accountHolder: z.string().trim().min(2).max(70),
    /** Blanks allowed as typed (`DE41 5001 …`); stored in electronic format. */
    iban: z
      .string()
      .transform((v) => electronicFormatIBAN(v) ?? '')
      .refine((v) => isValidIBAN(v), { message: 'IBAN is not valid (country, length or check digits)' }),
    bic: z
      .string()
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .refine((v) => isValidBIC(v), { message: 'BIC is not valid' }),
    /** The ticked mandate checkbox; must be true. */
    consent: z.literal(true, { message: 'the SEPA mandate must be granted' }),
    /** Creditor id the mandate was granted to (shown in the mandate text). */
    creditorId: z.string().trim().min(1).max(35).optional(),
  })
  .meta({ id: 'sepaMandate', title: 'SEPA direct-debit mandate' });

/** A SEPA mandate as entered. */
export type SepaMandateInput = z.input<typeof sepaMandateSchema>;
/** A validated SEPA mandate (IBAN in electronic format). */
export type SepaMandate = z.output<typeof sepaMandateSchema>;

/** Stored mandate: validated fields plus when it was granted. */
export interface StoredSepaMandate extends SepaMandate {
  grantedAt: number;
}

const context = (practiceId: string): string => `pvskit/sepa/v1|${practiceId}`;

/*
 * The mandate is the provider's data (it debits the account), so it is sealed with the provider's billing key
 * from the server secret rather than the practice data key; it is deleted with the practice.
 */
export function sealMandate(billingKey: Uint8Array, practiceId: string, mandate: StoredSepaMandate): Uint8Array {
  return seal(billingKey, utf8(JSON.stringify(mandate)), context(practiceId));
}

export function openMandate(billingKey: Uint8Array, practiceId: string, sealed: Uint8Array): StoredSepaMandate {
  return JSON.parse(fromUtf8(open(billingKey, sealed, context(practiceId)))) as StoredSepaMandate;
}
