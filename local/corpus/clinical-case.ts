/**
 * Draws one invented patient's clinical picture: demographics, a visit,
 * conditions with matching medications, vitals, lab values and tobacco
 * history, all mutually consistent (a diabetic has a high HbA1c, a treated
 * hypertensive a raised blood pressure, an obese patient a BMI of 30+).
 * Documents then print parts of it; nothing here is formatted yet.
 */

import type { PersonName } from './formats.ts';
import { addDays } from './formats.ts';
import type { Random } from './random.ts';
import {
  ALLERGENS,
  CONDITIONS,
  type Condition,
  CREDENTIALS,
  FEMALE_FIRST_NAMES,
  type Frequency,
  LAB_TESTS,
  LAST_NAMES,
  type LabTest,
  MALE_FIRST_NAMES,
  MIDDLE_INITIALS,
  PHYSICIAN_FIRST_NAMES,
  PHYSICIAN_LAST_NAMES,
  REACTIONS,
  type ReferenceRange,
} from './vocabulary.ts';

/** A medication the patient takes. */
export interface Medication {
  readonly name: string;
  readonly dose: string;
  readonly frequency: Frequency;
}

/** An allergy with its reaction. */
export interface Allergy {
  readonly allergen: string;
  readonly reaction: string;
}

/** Tobacco history; `packYears` null when the record would not state it. */
export interface Tobacco {
  readonly status: 'current' | 'former' | 'never';
  readonly packYears: number | null;
  readonly packsPerDay: number;
  readonly quitYear: number | null;
}

/** Vital signs as measured, in the unit system the record uses. */
export interface Vitals {
  readonly systolic: number;
  readonly diastolic: number;
  readonly heartRate: number;
  /** Inches (imperial) or centimetres (metric). */
  readonly height: number;
  /** Pounds (imperial) or kilograms with one decimal (metric). */
  readonly weight: number;
  readonly system: 'imperial' | 'metric';
}

/** One patient's invented clinical picture. */
export interface ClinicalCase {
  readonly sex: 'F' | 'M';
  readonly patient: PersonName;
  readonly dateOfBirth: string;
  readonly mrn: string;
  readonly dateOfService: string;
  readonly provider: { readonly name: PersonName; readonly credential: string };
  readonly conditions: readonly Condition[];
  readonly medications: readonly Medication[];
  readonly allergies: readonly Allergy[];
  readonly vitals: Vitals;
  readonly tobacco: Tobacco | null;
  /** Value of every lab test, keyed like LAB_TESTS. */
  readonly labs: Readonly<Record<string, number>>;
}

/** The reference range that applies to this patient. */
export function rangeFor(test: LabTest, sex: 'F' | 'M'): ReferenceRange {
  return sex === 'F' && test.femaleRange !== undefined ? test.femaleRange : test.range;
}

/** H above the range, L below it, N inside. */
export function flagFor(value: number, range: ReferenceRange): 'H' | 'L' | 'N' {
  if (range.high !== null && value > range.high) return 'H';
  if (range.low !== null && value < range.low) return 'L';
  return 'N';
}

/** A lab test definition by key. */
export function labTest(key: string): LabTest {
  const test = LAB_TESTS[key];
  if (test === undefined) throw new RangeError(`unknown lab test ${key}`);
  return test;
}

function mrn(random: Random): string {
  const digits = (count: number): string =>
    Array.from({ length: count }, () => String(random.int(0, 9))).join('');
  switch (random.int(0, 3)) {
    case 0:
      return `00${digits(6)}`;
    case 1:
      return `MRN-${digits(7)}`;
    case 2:
      return `${random.pick(['A', 'K', 'R'])}${digits(6)}`;
    default:
      return `${digits(4)}-${digits(4)}-${digits(2)}`;
  }
}

function person(random: Random, sex: 'F' | 'M'): PersonName {
  return {
    first: random.pick(sex === 'F' ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES),
    middleInitial: random.chance(0.6) ? random.pick(MIDDLE_INITIALS) : null,
    last: random.pick(LAST_NAMES),
  };
}

function has(conditions: readonly Condition[], key: string): boolean {
  return conditions.some((condition) => condition.key === key);
}

function conditionByKey(key: string): Condition {
  const condition = CONDITIONS.find((candidate) => candidate.key === key);
  if (condition === undefined) throw new RangeError(`unknown condition ${key}`);
  return condition;
}

function labValue(random: Random, test: LabTest, conditions: readonly Condition[]): number {
  const draw = (min: number, max: number): number => random.real(min, max, test.decimals);
  switch (test.key) {
    case 'hba1c':
      return has(conditions, 'diabetes') ? draw(6.6, 9.9) : draw(...test.typical);
    case 'glucose':
      return has(conditions, 'diabetes') ? draw(127, 212) : draw(...test.typical);
    case 'glucoseSi':
      return has(conditions, 'diabetes') ? draw(7.1, 11.8) : draw(...test.typical);
    case 'ldl':
      return has(conditions, 'hyperlipidemia') ? draw(131, 196) : draw(...test.typical);
    case 'cholesterol':
      return has(conditions, 'hyperlipidemia') ? draw(206, 281) : draw(...test.typical);
    case 'triglycerides':
      return has(conditions, 'hyperlipidemia') ? draw(151, 320) : draw(...test.typical);
    case 'tsh':
      return has(conditions, 'hypothyroidism') && random.chance(0.6)
        ? draw(4.61, 9.8)
        : draw(...test.typical);
    case 'vitaminD':
      return has(conditions, 'vitamin-d-deficiency') ? draw(11.0, 27.5) : draw(...test.typical);
    case 'microalbumin':
      return has(conditions, 'diabetes') && random.chance(0.4)
        ? draw(31, 120)
        : draw(...test.typical);
    default:
      return draw(...test.typical);
  }
}

function medicationsFor(random: Random, conditions: readonly Condition[]): Medication[] {
  const medications: Medication[] = [];
  for (const condition of conditions) {
    if (condition.medications.length === 0) continue;
    const count = random.chance(0.3) ? 2 : 1;
    for (const option of random.sample(condition.medications, count)) {
      if (medications.some((medication) => medication.name === option.name)) continue;
      medications.push({
        name: option.name,
        dose: random.pick(option.doses),
        frequency: option.frequency,
      });
    }
  }
  return medications;
}

function tobacco(random: Random, serviceYear: number, age: number): Tobacco | null {
  const status = random.weighted<Tobacco['status'] | 'unstated'>([
    ['current', 0.22],
    ['former', 0.25],
    ['never', 0.48],
    ['unstated', 0.05],
  ]);
  if (status === 'unstated') return null;
  if (status === 'never') return { status, packYears: null, packsPerDay: 0, quitYear: null };
  const packsPerDay = random.pick([0.5, 1, 1, 1.5, 2]);
  const years = random.int(5, Math.max(6, Math.min(40, age - 18)));
  const packYears = Math.round(packsPerDay * years * 2) / 2;
  if (status === 'current') return { status, packYears, packsPerDay, quitYear: null };
  return {
    status,
    packYears: random.chance(0.75) ? packYears : null,
    packsPerDay,
    quitYear: serviceYear - random.int(1, 20),
  };
}

/** Draws a consistent clinical picture for one document. */
export function drawClinicalCase(random: Random): ClinicalCase {
  const sex = random.chance(0.5) ? 'F' : 'M';
  const dateOfService = addDays('2021-01-04', random.int(0, 4 * 365 + 150));
  const age = random.int(24, 76);
  const serviceYear = Number(dateOfService.slice(0, 4));
  const dateOfBirth = addDays(`${serviceYear - age - 1}-01-01`, random.int(0, 364));

  // BMI class decides whether obesity is on the problem list.
  const obese = random.chance(0.35);
  const bmi = obese ? random.real(30.4, 43.5, 1) : random.real(19.6, 29.6, 1);
  const others = CONDITIONS.filter((condition) => condition.key !== 'obesity');
  const conditions = random.sample(others, random.int(1, 4));
  if (obese && random.chance(0.8)) conditions.push(conditionByKey('obesity'));
  const ordered = random.shuffle(conditions);

  const system = random.chance(0.7) ? 'imperial' : 'metric';
  const heightCm = sex === 'F' ? random.int(150, 178) : random.int(162, 196);
  const weightKg = bmi * (heightCm / 100) ** 2;
  const hypertensive = has(ordered, 'hypertension');
  const systolic = hypertensive ? random.int(134, 168) : random.int(104, 132);
  const diastolic = hypertensive ? random.int(82, 102) : random.int(62, 84);

  const labs: Record<string, number> = {};
  for (const test of Object.values(LAB_TESTS)) labs[test.key] = labValue(random, test, ordered);

  const allergyCount = random.weighted([
    [0, 0.55],
    [1, 0.3],
    [2, 0.15],
  ]);
  const allergies = random.sample(ALLERGENS, allergyCount).map((allergen) => ({
    allergen,
    reaction: random.pick(REACTIONS),
  }));

  return {
    sex,
    patient: person(random, sex),
    dateOfBirth,
    mrn: mrn(random),
    dateOfService,
    provider: {
      name: {
        first: random.pick(PHYSICIAN_FIRST_NAMES),
        middleInitial: null,
        last: random.pick(PHYSICIAN_LAST_NAMES),
      },
      credential: random.pick(CREDENTIALS),
    },
    conditions: ordered,
    medications: medicationsFor(random, ordered),
    allergies,
    vitals: {
      systolic,
      diastolic,
      heartRate: random.int(56, 98),
      height: system === 'imperial' ? Math.round(heightCm / 2.54) : heightCm,
      weight:
        system === 'imperial' ? Math.round(weightKg / 0.45359237) : Math.round(weightKg * 10) / 10,
      system,
    },
    tobacco: tobacco(random, serviceYear, age),
    labs,
  };
}
