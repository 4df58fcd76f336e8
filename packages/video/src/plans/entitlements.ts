import { PvsKitError } from '@pvskit/core';
import type { Plan } from '../storage/port.js';

/** A feature a plan may include. */
export type Feature =
  | 'appointments'
  | 'twoParticipants'
  | 'fullScreen'
  | 'hideOwnPicture'
  | 'onlineHelp'
  | 'manualEmailInvitation'
  | 'printView'
  | 'smsInvitation'
  | 'integratedEmail'
  | 'screenSharing'
  | 'conferences'
  | 'furtherUsers'
  | 'emailSupport'
  | 'phoneSupport'
  | 'writtenAvvConfirmation';

/** One plan as data: what it includes and what it costs. */
export interface PlanDefinition {
  plan: Plan;
  title: string;
  features: readonly Feature[];
  /** Euro cents per month (plus: per user). */
  monthlyFeeCents: number;
  perUser: boolean;
  smsFeeCents: number | null;
  requiresSepaMandate: boolean;
}

const BASIS_FEATURES: readonly Feature[] = [
  'appointments',
  'twoParticipants',
  'fullScreen',
  'hideOwnPicture',
  'onlineHelp',
  'manualEmailInvitation',
  'printView',
];

/**
 * The contract page of the RED connect manual ("Mein aktueller Vertrag", RED connect basis / plus);
 * conferences moved to plus on 25.11.2020 per the same source.
 */
export const PLAN_CATALOGUE: {
  source: string;
  validFrom: string;
  plans: Readonly<Record<Plan, PlanDefinition>>;
} = {
  source: 'RED connect manual and FAQ, contract overview (basis/plus)',
  validFrom: '2020-11-25',
  plans: {
    basis: {
      plan: 'basis',
      title: 'basis',
      features: BASIS_FEATURES,
      monthlyFeeCents: 0,
      perUser: false,
      smsFeeCents: null,
      requiresSepaMandate: false,
    },
    plus: {
      plan: 'plus',
      title: 'plus',
      // plus contains everything of basis.
      features: [
        ...BASIS_FEATURES,
        'smsInvitation',
        'integratedEmail',
        'screenSharing',
        'conferences',
        'furtherUsers',
        'emailSupport',
        'phoneSupport',
        'writtenAvvConfirmation',
      ],
      monthlyFeeCents: 1900,
      perUser: true,
      smsFeeCents: 10,
      requiresSepaMandate: true,
    },
  },
};

const FEATURE_LABEL_DE: Readonly<Record<Feature, string>> = {
  appointments: 'Terminverwaltung',
  twoParticipants: 'zwei Gesprächsteilnehmer',
  fullScreen: 'Vollbildfunktion',
  hideOwnPicture: 'eigenes Bild ausblenden',
  onlineHelp: 'Online-Hilfe',
  manualEmailInvitation: 'Einladung per manueller E-Mail',
  printView: 'Druckansicht',
  smsInvitation: 'Einladung per SMS',
  integratedEmail: 'Einladung per integrierter E-Mail',
  screenSharing: 'Bildschirmübertragung',
  conferences: 'Konferenzen mit mehreren Teilnehmern',
  furtherUsers: 'weitere Nutzer',
  emailSupport: 'persönlicher E-Mail-Support',
  phoneSupport: 'persönlicher Telefon-Support',
  writtenAvvConfirmation: 'schriftliche Bestätigung des AVV',
};

/** True when `plan` includes `feature`. */
export function planIncludes(plan: Plan, feature: Feature): boolean {
  return PLAN_CATALOGUE.plans[plan].features.includes(feature);
}

/** Throws FORBIDDEN (German message naming the feature) when `plan` lacks `feature`. */
export function assertPlanIncludes(plan: Plan, feature: Feature): void {
  if (!planIncludes(plan, feature)) {
    throw new PvsKitError('FORBIDDEN', `feature "${feature}" needs plan plus (current: ${plan})`, {
      userMessage: `„${FEATURE_LABEL_DE[feature]}“ ist nur im Tarif plus enthalten.`,
      details: { feature, plan },
    });
  }
}
