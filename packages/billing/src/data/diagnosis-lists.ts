import { SOURCES } from './sources.js';
import type { Validity } from './types.js';

/**
 * One list entry. `code` is an ICD-10-GM prefix (`S52` matches `S52.51`); an `x` stands for any one digit
 * (`K57.x2`).
 */
export interface IcdListEntry {
  readonly code: string;
  readonly label: string;
  readonly source: string;
}

/** A versioned diagnosis list (ICD-10-GM year × EBM quarter). */
export interface DiagnosisList extends Validity {
  readonly id: 'nr8' | 'nr9';
  /** ICD-10-GM version the codes were checked against. */
  readonly icdVersion: string;
  readonly entries: readonly IcdListEntry[];
}

function entries(label: string, codes: readonly string[], source: string = SOURCES.spec): IcdListEntry[] {
  return codes.map((code) => ({ code, label, source }));
}

/** Nr. 8 of the preamble to EBM section 1.2 (01223/01224): confirmed diagnoses. */
export const NR8_LISTS: readonly DiagnosisList[] = [
  {
    id: 'nr8',
    icdVersion: 'ICD-10-GM 2025',
    validFrom: null,
    validTo: null,
    entries: [
      ...entries('Fraktur Extremität proximal Metacarpus/Metatarsus', [
        'S42.2', 'S42.3', 'S42.4', 'S52', 'S72', 'S82', 'S62.0', 'S62.1', 'S92.0', 'S92.1', 'S92.2',
      ]),
      // The shoulder girdle is part of the upper extremity, proximal of the metacarpus: Nr. 8 names "Frakturen
      // im Bereich der Extremitäten proximal des Metacarpus bzw. Metatarsus" without leaving it out.
      ...entries(
        'Fraktur Schultergürtel (Klavikula, Skapula, mehrere Teile, sonstige/n. n. bez.)',
        ['S42.0', 'S42.1', 'S42.7', 'S42.8', 'S42.9'],
        SOURCES.ebmNr8,
      ),
      ...entries('Schädel-Hirn-Trauma mit Bewusstlosigkeit < 30 Min.', ['S06.0', 'S06.70']),
      ...entries('akute tiefe Beinvenenthrombose', ['I80.1', 'I80.20', 'I80.28', 'I80.3']),
      ...entries('hypertensive Krise', [
        'I10.01', 'I10.11', 'I10.91', 'I11.01', 'I11.91', 'I12.01', 'I12.91', 'I13.01', 'I13.11', 'I13.21', 'I13.91',
        'I15.01', 'I15.11', 'I15.21', 'I15.81', 'I15.91',
      ]),
      ...entries('Angina pectoris (nicht I20.9)', ['I20.0', 'I20.1', 'I20.8']),
      ...entries('Pneumonie', ['J12', 'J13', 'J14', 'J15', 'J16', 'J17', 'J18']),
      ...entries('akute Divertikulitis', ['K57.x2', 'K57.x3']),
    ],
  },
];

/** The diagnosis part of Nr. 9 (01226); age, frailty and impairment are patient facts, not codes. */
export const NR9_LISTS: readonly DiagnosisList[] = [
  {
    id: 'nr9',
    icdVersion: 'ICD-10-GM 2025',
    validFrom: null,
    validTo: null,
    entries: [
      ...entries('dementielle Erkrankung', ['F00', 'F01', 'F02']),
      ...entries('Alzheimer-Erkrankung', ['G30']),
      ...entries('primäres Parkinson-Syndrom mit mäßiger bis schwerster Beeinträchtigung', ['G20.1', 'G20.2']),
    ],
  },
];

/** Geriatric frailty as a code (with age ≥ 70), spec Nr. 9. */
export const FRAILTY_ICD = 'R54';
