import { checkIk, checkKvnr, type Card, type Patient, type PvsKitPlugin } from '@pvskit/core';

/*
 * The sample PVS's own plugin for `patient-view`: when a record opens, it says what the patient's master data
 * lacks for billing (KVDT 0104 needs address and insurance fields; docs/contract.md "Fields that only the KVDT
 * export needs") and whether KVNR/IK carry valid check digits. It shows how a vendor adds a plugin of its own
 * next to the SDK's.
 */

const SOURCE = { label: 'Stammdaten-Prüfung (Beispiel-PVS)' };

/** Export fields of the patient and its insurance, with German labels, as data. */
const exportFields: readonly { label: string; get: (p: Patient) => unknown }[] = [
  { label: 'Straße', get: (p) => p.street },
  { label: 'Hausnummer', get: (p) => p.houseNumber },
  { label: 'PLZ', get: (p) => p.zip },
  { label: 'Ort', get: (p) => p.city },
  { label: 'Versichertennummer (KVNR)', get: (p) => p.insurance.kvnr },
  { label: 'Institutionskennzeichen (IK)', get: (p) => p.insurance.ik },
  { label: 'VKNR', get: (p) => p.insurance.vknr },
  { label: 'Versichertenart', get: (p) => p.insurance.memberType },
];

/** Cards for one patient record. */
export function masterDataCards(patient: Patient): Card[] {
  const cards: Card[] = [];
  if (patient.insurance.type !== 'GKV') {
    cards.push({
      summary: `${patient.insurance.type}-Patient: wird nicht über KVDT abgerechnet, zählt im Pseudofall (99909)`,
      indicator: 'info',
      source: SOURCE,
    });
    return cards;
  }
  const missing = exportFields.filter((f) => f.get(patient) === undefined).map((f) => f.label);
  if (missing.length > 0) {
    cards.push({
      summary: `Für die KVDT-Abrechnung fehlen Stammdaten: ${missing.join(', ')}`.slice(0, 139),
      detail: `Fehlende Felder: ${missing.join(', ')}. Der Export lehnt Fälle ohne diese Angaben ab.`,
      indicator: 'warning',
      source: SOURCE,
    });
  }
  for (const check of [
    patient.insurance.kvnr === undefined ? undefined : checkKvnr(patient.insurance.kvnr),
    patient.insurance.ik === undefined ? undefined : checkIk(patient.insurance.ik),
  ]) {
    if (check !== undefined && !check.ok) {
      cards.push({ summary: check.reasonDe.slice(0, 139), detail: check.reasonDe, indicator: 'critical', source: SOURCE, ruleId: check.rule });
    }
  }
  if (cards.length === 0) {
    cards.push({
      summary: `Stammdaten vollständig; KVNR und IK gültig (${patient.insurance.name ?? 'Kostenträger'})`,
      indicator: 'info',
      source: SOURCE,
    });
  }
  return cards;
}

/** The plugin registered by the host app. */
export const masterDataPlugin: PvsKitPlugin = {
  id: 'host-app.stammdaten',
  title: 'Stammdaten-Prüfung',
  description: 'Prüft beim Öffnen einer Akte, ob die Stammdaten für die KVDT-Abrechnung vollständig und gültig sind.',
  hooks: {
    'patient-view': ({ patient }) => masterDataCards(patient),
  },
};
