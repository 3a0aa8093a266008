/**
 * The corpus's layout families and the rule that splits them into a tuning
 * set and a held-out set.
 *
 * Split rule (fixed before any extractor change, never edited to move a
 * family): the four legacy families, which the extractor was first written
 * against, are tuning. Every other family belongs to one structural kind
 * (narrative, form, note, table). Within each kind the family whose name
 * has the lowest 32-bit FNV-1a hash of `layout-family:<name>` is held out;
 * the rest of the kind is tuning. So every kind has a held-out family and a
 * tuning family to learn the kind from, and nobody picks which is which.
 */

import { composeAddendumNote } from './documents/addendum-note.ts';
import { composeAttendingPhysicianStatement } from './documents/attending-physician-statement.ts';
import { composeConsultLetter } from './documents/consult-letter.ts';
import { composeDischargeSummary } from './documents/discharge-summary.ts';
import { composeDischargeTables } from './documents/discharge-tables.ts';
import type { FamilyComposer } from './documents/family-kit.ts';
import { composeFaxLabPacket } from './documents/fax-lab-packet.ts';
import { composeGutterForm } from './documents/gutter-form.ts';
import { composeLabReport } from './documents/lab-report.ts';
import { composeNarrativeLetter } from './documents/narrative-letter.ts';
import { composeOfficeNote } from './documents/office-note.ts';
import { composeSoapMultipage } from './documents/soap-multipage.ts';
import { composeStackedForm } from './documents/stacked-form.ts';
import { hashSeed } from './random.ts';

/** Structural kinds; the split holds one family of each kind out. */
export type LayoutKind = 'legacy' | 'narrative' | 'form' | 'note' | 'table';

/** Which side of the held-out protocol a family is on. */
export type LayoutSplit = 'tuning' | 'held-out';

/** One layout family. */
export interface LayoutFamily {
  readonly name: string;
  /** Id prefix of its documents (`ltr-0001`). */
  readonly prefix: string;
  readonly kind: LayoutKind;
  readonly compose: FamilyComposer;
  /** Weights of 0..3 extra pages of boilerplate. */
  readonly extraPages: readonly [number, number, number, number];
}

const SHORT: LayoutFamily['extraPages'] = [0.5, 0.3, 0.2, 0];
const LONG: LayoutFamily['extraPages'] = [0, 0.3, 0.4, 0.3];

/** Every family, legacy first, then by kind. */
export const LAYOUT_FAMILIES: readonly LayoutFamily[] = [
  {
    name: 'aps-form',
    prefix: 'aps',
    kind: 'legacy',
    compose: composeAttendingPhysicianStatement,
    extraPages: [0.35, 0.3, 0.2, 0.15],
  },
  {
    name: 'lab-table',
    prefix: 'lab',
    kind: 'legacy',
    compose: composeLabReport,
    extraPages: [0.35, 0.3, 0.2, 0.15],
  },
  {
    name: 'discharge-summary',
    prefix: 'dis',
    kind: 'legacy',
    compose: composeDischargeSummary,
    extraPages: [0.35, 0.3, 0.2, 0.15],
  },
  {
    name: 'soap-office-note',
    prefix: 'off',
    kind: 'legacy',
    compose: composeOfficeNote,
    extraPages: [0.35, 0.3, 0.2, 0.15],
  },
  {
    name: 'narrative-letter',
    prefix: 'ltr',
    kind: 'narrative',
    compose: composeNarrativeLetter,
    extraPages: SHORT,
  },
  {
    name: 'consult-letter',
    prefix: 'con',
    kind: 'narrative',
    compose: composeConsultLetter,
    extraPages: SHORT,
  },
  {
    name: 'gutter-form',
    prefix: 'gut',
    kind: 'form',
    compose: composeGutterForm,
    extraPages: SHORT,
  },
  {
    name: 'stacked-form',
    prefix: 'stk',
    kind: 'form',
    compose: composeStackedForm,
    extraPages: SHORT,
  },
  {
    name: 'soap-multipage',
    prefix: 'sop',
    kind: 'note',
    compose: composeSoapMultipage,
    extraPages: LONG,
  },
  {
    name: 'addendum-note',
    prefix: 'add',
    kind: 'note',
    compose: composeAddendumNote,
    extraPages: SHORT,
  },
  {
    name: 'fax-lab-packet',
    prefix: 'fax',
    kind: 'table',
    compose: composeFaxLabPacket,
    extraPages: SHORT,
  },
  {
    name: 'discharge-tables',
    prefix: 'dtb',
    kind: 'table',
    compose: composeDischargeTables,
    extraPages: SHORT,
  },
];

/** The hash the split rule ranks families of one kind by. */
export function splitHash(name: string): number {
  return hashSeed(`layout-family:${name}`);
}

/** The split of a family under the rule in the module header. */
export function splitOf(family: LayoutFamily): LayoutSplit {
  if (family.kind === 'legacy') return 'tuning';
  const sameKind = LAYOUT_FAMILIES.filter((other) => other.kind === family.kind);
  if (sameKind.length < 2) return 'tuning';
  const lowest = Math.min(...sameKind.map((other) => splitHash(other.name)));
  return splitHash(family.name) === lowest ? 'held-out' : 'tuning';
}

/** A family by name or id prefix. */
export function familyNamed(name: string): LayoutFamily | undefined {
  return LAYOUT_FAMILIES.find((family) => family.name === name || family.prefix === name);
}

/** The families on one side of the split, in registry order. */
export function familiesIn(split: LayoutSplit): LayoutFamily[] {
  return LAYOUT_FAMILIES.filter((family) => splitOf(family) === split);
}
