/**
 * What a case must carry to be written to a KVDT file (docs/contract.md, "Fields that only the KVDT export
 * needs", and the M fields of Satzart 0104 in docs/kvdt.md). As data: the export refuses a case that lacks
 * one of these and names the case, the JSON path and the KVDT field.
 */
import type { Case, Software } from '@pvskit/core';

/** A required value of a case. */
export interface ExportRequirement {
  /** JSON path in the (flattened) case. */
  readonly path: string;
  /** KVDT field it is written to. */
  readonly field: string;
  /** German name for messages. */
  readonly label: string;
}

/** Values every exported (GKV) case needs. */
export const CASE_REQUIREMENTS: readonly ExportRequirement[] = [
  { path: 'practice.bsnr', field: '0201', label: 'BSNR der Praxis' },
  { path: 'practice.name', field: '0203', label: 'Name der Praxis' },
  { path: 'practice.street', field: '0205', label: 'Straße der Praxis' },
  { path: 'practice.zip', field: '0215', label: 'PLZ der Praxis' },
  { path: 'practice.city', field: '0216', label: 'Ort der Praxis' },
  { path: 'practice.phone', field: '0208', label: 'Telefonnummer der Praxis' },
  { path: 'practice.kv', field: '9102', label: 'empfangende KV' },
  { path: 'physician.lanr', field: '5099', label: 'LANR des Arztes' },
  { path: 'physician.name', field: '0211', label: 'Name des Arztes' },
  { path: 'patient.sex', field: '3110', label: 'Geschlecht' },
  { path: 'patient.street', field: '3107', label: 'Straße des Patienten' },
  { path: 'patient.zip', field: '3112', label: 'PLZ des Patienten' },
  { path: 'patient.city', field: '3113', label: 'Wohnort des Patienten' },
  { path: 'patient.insurance.ik', field: '4111', label: 'IK der Krankenkasse' },
  { path: 'patient.insurance.vknr', field: '4104', label: 'VKNR der Krankenkasse' },
  { path: 'patient.insurance.memberType', field: '3108', label: 'Versichertenart' },
  { path: 'continuingPhysician', field: '4243', label: 'weiterbehandelnder Arzt' },
];

/** Values the software block (adt0) needs; from the export options or else the first case. */
export const SOFTWARE_REQUIREMENTS: readonly ExportRequirement[] = [
  { path: 'software.name', field: '0103', label: 'Name der Software' },
  { path: 'software.version', field: '0132', label: 'Version der Software' },
  { path: 'software.kbvTestNumber', field: '0105', label: 'KBV-Prüfnummer' },
  { path: 'software.vendor.name', field: '0102', label: 'Softwareverantwortlicher' },
];

/**
 * GOPs whose service carries the time (5006): the Notfallpauschalen and the pseudo GOP of the
 * Notfalldienst. Source: docs/kvdt.md ("5006 time on the Pauschalen"), EBM 01205–01218; valid from 2026-01-01.
 */
export const TIMED_GOPS = {
  ranges: [['01205', '01218']] as readonly (readonly [string, string])[],
  codes: ['99999'] as readonly string[],
  validFrom: '2026-01-01',
} as const;

/** True when a service with this GOP is written with its time (5006). */
export function needsTime(gop: string): boolean {
  const base = gop.length === 5 ? gop : gop.slice(0, 5);
  if (TIMED_GOPS.codes.includes(base)) return true;
  // A loop, not some() with a destructuring callback: asked for every service of every exported case.
  for (const range of TIMED_GOPS.ranges) if (base >= range[0] && base <= range[1]) return true;
  return false;
}

/** Insurance types that are not billed through the KV (they only count in the pseudo GOP 99909). */
export const NOT_BILLED_INSURANCE_TYPES: readonly string[] = ['PKV', 'BG'];

const splitPaths = new Map<string, readonly string[]>();

/** True for a non-empty string: what the export needs of a required value. */
const isPresent = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Requirements as a tree of keys, so each object on the way is read once for all requirements below it. */
interface RequirementNode {
  readonly key: string;
  /** A requirement ends at this key. */
  leaf: boolean;
  readonly children: RequirementNode[];
}

function requirementTree(requirements: readonly ExportRequirement[]): RequirementNode[] {
  const roots: RequirementNode[] = [];
  for (const req of requirements) {
    let level = roots;
    const keys = req.path.split('.');
    keys.forEach((key, i) => {
      let node = level.find((n) => n.key === key);
      if (node === undefined) {
        node = { key, leaf: false, children: [] };
        level.push(node);
      }
      if (i === keys.length - 1) node.leaf = true;
      level = node.children;
    });
  }
  return roots;
}

function allPresent(node: unknown, level: readonly RequirementNode[]): boolean {
  if (node === null || typeof node !== 'object') return false;
  for (const n of level) {
    const value = (node as Record<string, unknown>)[n.key];
    if (n.leaf && !isPresent(value)) return false;
    if (n.children.length > 0 && !allPresent(value, n.children)) return false;
  }
  return true;
}

/**
 * {@link allPresent} for one tree, generated with the keys as literals: a property read by a literal name is
 * several times cheaper than by a name held in a variable, and every exported case asks. Where `new Function`
 * is refused (a strict Content Security Policy), undefined: the walk is used.
 */
function generatedCheck(tree: readonly RequirementNode[]): ((c: unknown) => boolean) | undefined {
  const body: string[] = [];
  let next = 0;
  const level = (nodes: readonly RequirementNode[], name: string) => {
    body.push(`if (${name} === null || typeof ${name} !== "object") return false;`);
    for (const n of nodes) {
      const value = `v${next++}`;
      // The source holds the requirement keys (JSON-quoted), never anything of a case.
      body.push(`const ${value} = ${name}[${JSON.stringify(n.key)}];`);
      if (n.leaf) body.push(`if (typeof ${value} !== "string" || ${value}.length === 0) return false;`);
      if (n.children.length > 0) level(n.children, value);
    }
  };
  level(tree, 'c');
  body.push('return true;');
  try {
    return new Function('c', body.join('\n')) as (c: unknown) => boolean;
  } catch {
    return undefined;
  }
}

const CASE_REQUIREMENT_TREE = requirementTree(CASE_REQUIREMENTS);
const caseRequirementCheck = generatedCheck(CASE_REQUIREMENT_TREE) ?? ((c: unknown) => allPresent(c, CASE_REQUIREMENT_TREE));

/** True when a case has every value of {@link CASE_REQUIREMENTS} (the common case, checked in one walk). */
export function hasCaseRequirements(c: Case): boolean {
  return caseRequirementCheck(c);
}

/** The value at a dotted path, when it is a non-empty string. */
export function valueAt(root: Case | { software?: Software }, path: string): string | undefined {
  let keys = splitPaths.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    splitPaths.set(path, keys);
  }
  let node: unknown = root;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return isPresent(node) ? node : undefined;
}
