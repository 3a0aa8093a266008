/**
 * The rule-based extractor behind the local Bedrock stand-in: regular
 * expressions and keyword rules that turn a medical document's text into the
 * canonical extraction fields. It is not a language model and does not
 * pretend to be one. Pure and deterministic: the same text always gives the
 * same output.
 */

import * as z from 'zod';
import {
  CANONICAL_SECTIONS,
  type CanonicalSection,
  emptyExtraction as canonicalEmptyExtraction,
  type DocumentType,
  type Extraction,
  type Sex,
} from '#core/extraction/extraction.ts';
import { normaliseSex } from '#core/extraction/value-normalisers.ts';
import { attributeEvidence, type RuleClaim } from './rule-evidence.ts';
import { extractAllergies } from './rules/allergies.ts';
import { findCellValues, gridPairs, labelRowLines } from './rules/cells.ts';
import { detectDayFirst, findDate } from './rules/dates.ts';
import { extractDiagnoses } from './rules/diagnoses.ts';
import { classifyDocument } from './rules/document-type.ts';
import { findLabelledValues, type LabelledValue, pickLabelled } from './rules/labels.ts';
import { extractLabs, extractNarrativeLabs } from './rules/labs.ts';
import { extractMedications } from './rules/medications.ts';
import { formatPersonName } from './rules/names.ts';
import {
  findNarrativeValues,
  namesBeforeBirthDate,
  narrativeAllergies,
  narrativeConditions,
  narrativeMedications,
} from './rules/narrative.ts';
import { deriveRiskFactors } from './rules/risk-factors.ts';
import { type Section, sectionLines, splitSections } from './rules/sections.ts';
import { prepareDocument, softTitleCase } from './rules/text.ts';
import { extractTobacco } from './rules/tobacco.ts';
import { extractVitals } from './rules/vitals.ts';

/** Model id the local Converse endpoint answers to for this extractor. */
export const RULE_BASED_MODEL_ID = 'local.rule-based-extractor-v1';

/** Which parts of the extraction to return. */
export interface ExtractOptions {
  /**
   * Top-level sections (`patient`, `labs`, ...) and dotted paths
   * (`diagnoses.icd10`, `patient.name`). A section is returned when it, or a
   * path under it, is named. ICD-10 codes are returned only when
   * `diagnoses.icd10` is named. Omitted: every v2.0.0 field, codes included.
   * Unknown names are ignored.
   */
  readonly fields?: readonly string[];
}

/**
 * One paragraph saying what this extractor is and is not, for the local
 * endpoint's responses, the CLI and the docs.
 */
export function describeExtractor(): string {
  return [
    `${RULE_BASED_MODEL_ID} is a deterministic, rule-based extractor used as a local stand-in for Amazon Bedrock.`,
    'It is not a language model and does not understand text: it applies regular expressions and keyword rules',
    '(labelled form fields, label/value pairs from column geometry, section headings, list and table row patterns,',
    'prose lists and set phrases in narrative text)',
    'and fixed thresholds for risk factors, so the same text always gives the same output.',
    'It misses anything written in ways its rules do not cover, and its extraction quality says nothing about a real model.',
    'Token counts reported alongside its output are estimates from text length, not a tokenizer.',
  ].join(' ');
}

interface Selection {
  readonly sections: ReadonlySet<CanonicalSection>;
  readonly icd10: boolean;
}

function selectionOf(fields: readonly string[] | undefined): Selection {
  if (fields === undefined) return { sections: new Set(CANONICAL_SECTIONS), icd10: true };
  const named = new Set<CanonicalSection>();
  for (const section of CANONICAL_SECTIONS) {
    if (fields.some((field) => field === section || field.startsWith(`${section}.`))) {
      named.add(section);
    }
  }
  return { sections: named, icd10: fields.includes('diagnoses.icd10') };
}

/**
 * The empty extraction for the selected fields: nulls in objects, empty lists.
 * `patient`, `encounter`, `diagnoses` and `medications` are always present
 * (every prompt version has them); other sections only when selected.
 */
export function emptyExtraction(opts: ExtractOptions = {}): Extraction {
  return shape(emptyFound(), selectionOf(opts.fields));
}

const JsonSchemaNode: z.ZodType<{
  properties?: Record<string, unknown>;
  items?: unknown;
}> = z.looseObject({
  properties: z.record(z.string(), z.unknown()).optional(),
  items: z.unknown().optional(),
});

function childProperties(node: unknown): string[] {
  const parsed = JsonSchemaNode.safeParse(node);
  if (!parsed.success) return [];
  const own = Object.keys(parsed.data.properties ?? {});
  if (own.length > 0) return own;
  const items = JsonSchemaNode.safeParse(parsed.data.items);
  return items.success ? Object.keys(items.data.properties ?? {}) : [];
}

/**
 * The `fields` list a prompt version's output JSON Schema asks for: its
 * top-level properties plus one dotted path per nested property (of objects
 * and of array items), e.g. `diagnoses.icd10` only when the item schema has it.
 */
export function fieldsFromSchema(schema: unknown): string[] {
  const parsed = JsonSchemaNode.safeParse(schema);
  if (!parsed.success) return [];
  const fields: string[] = [];
  for (const [name, node] of Object.entries(parsed.data.properties ?? {})) {
    fields.push(name, ...childProperties(node).map((child) => `${name}.${child}`));
  }
  return fields;
}

/**
 * The document text inside a rendered user message: the lines between a line
 * that is exactly `<document>` and the last line that is exactly `</document>`.
 * Instructions around the block would otherwise be read as document text (a
 * template that mentions "date of birth" must not become a field). Without
 * such a block the whole message is returned.
 */
export function documentTextFromPrompt(userText: string): string {
  const lines = userText.replace(/\r\n?/g, '\n').split('\n');
  const open = lines.findIndex((line) => line.trim() === '<document>');
  const close = lines.findLastIndex((line) => line.trim() === '</document>');
  if (open === -1 || close <= open) return userText;
  return lines.slice(open + 1, close).join('\n');
}

/** The parts of a Converse request the extractor reads. */
export interface PromptRequest {
  /** Text of the user messages (the rendered template around the document). */
  readonly userText: string;
  /** The forced tool's input schema: the prompt version's output JSON Schema. */
  readonly inputSchema: unknown;
}

/** True when the tool schema has a top-level `evidence` property (versions that ask for quotes). */
function asksForEvidence(schema: unknown): boolean {
  const parsed = JsonSchemaNode.safeParse(schema);
  return parsed.success && Object.hasOwn(parsed.data.properties ?? {}, 'evidence');
}

/**
 * What the local Converse endpoint answers with: the fields the version's
 * schema asks for, read from the document block of the user message, and,
 * when the schema asks for `evidence`, the line each value was read from.
 */
export function extractFromPrompt(
  request: PromptRequest,
): Extraction | (Extraction & { evidence: RuleClaim[] }) {
  const fields = fieldsFromSchema(request.inputSchema).filter(
    (field) => field !== 'evidence' && !field.startsWith('evidence.'),
  );
  const text = documentTextFromPrompt(request.userText);
  const extraction = extractFields(text, { fields: fields.length > 0 ? fields : undefined });
  if (!asksForEvidence(request.inputSchema)) return extraction;
  return { ...extraction, evidence: attributeEvidence(text, extraction) };
}

interface Found {
  readonly patient: Extraction['patient'];
  readonly encounter: Extraction['encounter'];
  readonly diagnoses: readonly { description: string; icd10: string | null }[];
  readonly medications: Extraction['medications'];
  readonly allergies: string[];
  readonly vitals: NonNullable<Extraction['vitals']>;
  readonly labs: NonNullable<Extraction['labs']>;
  readonly socialHistory: NonNullable<Extraction['socialHistory']>;
  readonly riskFactors: NonNullable<Extraction['riskFactors']>;
}

function emptyFound(): Found {
  // Diagnoses here always carry an icd10 slot; the canonical empty list has no items anyway.
  return { ...canonicalEmptyExtraction(), diagnoses: [] };
}

function shape(found: Found, selection: Selection): Extraction {
  const has = (section: CanonicalSection): boolean => selection.sections.has(section);
  const extraction: Extraction = {
    patient: has('patient') ? found.patient : emptyFound().patient,
    encounter: has('encounter') ? found.encounter : emptyFound().encounter,
    diagnoses: has('diagnoses')
      ? found.diagnoses.map((d) =>
          selection.icd10
            ? { description: d.description, icd10: d.icd10 }
            : { description: d.description },
        )
      : [],
    medications: has('medications') ? found.medications : [],
  };
  if (has('allergies')) extraction.allergies = found.allergies;
  if (has('vitals')) extraction.vitals = found.vitals;
  if (has('labs')) extraction.labs = found.labs;
  if (has('socialHistory')) extraction.socialHistory = found.socialHistory;
  if (has('riskFactors')) extraction.riskFactors = found.riskFactors;
  return extraction;
}

const NARRATIVE_SEX =
  /\b\d{1,3}[\s-]*(?:year|yr|y)s?[\s-]*(?:old|\/o|o)\s+(female|male|woman|man|gentleman|lady|f|m)\b/i;
const NARRATIVE_SEX_WORDS: Readonly<Record<string, Sex>> = { gentleman: 'M', lady: 'F' };

function findSex(
  labelled: readonly LabelledValue[],
  lines: readonly string[],
  patientName: string | null,
): Sex | null {
  const printed = pickLabelled(labelled, 'sex', (value) => {
    const word = value.split(/[\s,;/]+/)[0] ?? '';
    return normaliseSex(word) ?? normaliseSex(value);
  });
  if (printed !== null) return printed;
  for (const line of lines) {
    const word = NARRATIVE_SEX.exec(line)?.[1]?.toLowerCase();
    if (word !== undefined) return NARRATIVE_SEX_WORDS[word] ?? normaliseSex(word);
  }
  return sexFromHonorific(lines, patientName);
}

/**
 * A letter that never states sex still writes `Ms. Doe` about its patient:
 * the honorific before the patient's surname decides (never a pronoun
 * count, which a spouse's or doctor's mentions would sway).
 */
function sexFromHonorific(lines: readonly string[], patientName: string | null): Sex | null {
  const surname = patientName?.split(' ').at(-1);
  if (surname === undefined || surname.length < 2) return null;
  const pattern = new RegExp(
    String.raw`\b(mr|mrs|ms|miss)\.?\s+(?:[A-Z][a-z]+\s+)?${surname.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}\b`,
    'i',
  );
  for (const line of lines) {
    const title = pattern.exec(line)?.[1]?.toLowerCase();
    if (title !== undefined) return title === 'mr' ? 'M' : 'F';
  }
  return null;
}

// Words that show a `Re:` or `Subject:` line names a topic, not a person.
const NOT_A_NAME =
  /\b(?:records?|request(?:ed)?|laborator(?:y|ies)|medical|report|results?|visit|summary|information|department|underwriting|clinic|hospital|center|follow-?up|statement|policy|application|claim|insurance|attention|copy|fax|patient|name|date|birth)\b/i;

function parsePatientName(value: string): string | null {
  const name = formatPersonName(value.replace(/^(?:mr|mrs|ms|miss|mx)\.?\s+/i, ''));
  return name === null || NOT_A_NAME.test(name) || !name.includes(' ') ? null : name;
}

function parseMrn(value: string): string | null {
  const token = /[A-Z0-9][A-Z0-9-]*\d[A-Z0-9-]*/i.exec(value.replace(/^#\s*/, ''))?.[0];
  return token !== undefined && token.length >= 3 ? token : null;
}

function parseProvider(value: string): string | null {
  const withoutDate = value.replace(/\s+(?:on|at|date)\b.*$/i, '').replace(/\s+\d.*$/, '');
  return formatPersonName(withoutDate);
}

function parseFacility(value: string): string | null {
  const name = value
    .replace(/\s+\d.*$/, '')
    .replace(/[\s,;:-]+$/, '')
    .trim();
  if (!/[A-Za-z]{2}/.test(name) || name.split(' ').length > 10) return null;
  return softTitleCase(name);
}

// A letterhead names the facility without a label, near the top of page one.
const FACILITY_WORDS =
  /\b(?:hospital|medical\s+cent(?:er|re)|clinic|health(?:care)?(?:\s+system)?|laborator(?:y|ies)|labs|medical\s+group|associates|diagnostics|physicians|infirmary|family\s+practice|internal\s+medicine)\b/i;
const TITLE_WORDS = /\b(?:statement|summary|report|note|results)\b/i;

function letterheadFacility(lines: readonly string[]): string | null {
  for (const line of lines.slice(0, 5)) {
    if (line.includes(':') || TITLE_WORDS.test(line) || !FACILITY_WORDS.test(line)) continue;
    const parts = line.split(/\s+-\s+|,/);
    const facility = parseFacility(parts.find((part) => FACILITY_WORDS.test(part)) ?? '');
    if (facility !== null) return facility;
  }
  return null;
}

function diagnosisBlocks(sections: readonly Section[]): Section[] {
  const diagnoses = sections.filter((section) => section.kind === 'diagnoses');
  return diagnoses.length > 0
    ? diagnoses
    : sections.filter((section) => section.kind === 'pastHistory');
}

function hasContent(
  found: Omit<Found, 'encounter'>,
  encounter: Omit<Found['encounter'], 'documentType'>,
): boolean {
  return (
    Object.values(found.patient).some((value) => value !== null) ||
    Object.values(encounter).some((value) => value !== null) ||
    found.diagnoses.length > 0 ||
    found.medications.length > 0 ||
    found.labs.length > 0 ||
    Object.values(found.vitals).some((value) => value !== null)
  );
}

/**
 * Extracts the canonical fields from a document's text (pdf.js text with
 * `\n` between lines). Never throws; fields it cannot find are null or empty.
 */
export function extractFields(text: string, opts: ExtractOptions = {}): Extraction {
  const prepared = prepareDocument(typeof text === 'string' ? text : '');
  const lines = [...prepared.lines];
  const dayFirst = detectDayFirst(lines);
  // Printed labels first; running headers, names before a birth date and
  // prose only fill what no label gives (their ranks are lower).
  const running = findLabelledValues(prepared.running).map((value) => ({
    ...value,
    rank: value.rank + 3,
  }));
  // A row of label boxes is read by position; read as a form line it would
  // give the whole value row to its last label.
  const labelRows = labelRowLines(prepared.cells);
  const labelled = [
    ...findLabelledValues(lines).filter((value) => !labelRows.has(value.line)),
    ...findCellValues(prepared.cells),
    ...running,
    ...namesBeforeBirthDate([...lines, ...prepared.running]),
    ...findNarrativeValues(lines),
  ];
  const sections = splitSections(lines, prepared.cells);
  const date = (value: string): string | null => findDate(value, dayFirst);

  const patientName = pickLabelled(labelled, 'patientName', parsePatientName);
  const patient: Found['patient'] = {
    name: patientName,
    dateOfBirth: pickLabelled(labelled, 'dateOfBirth', date),
    sex: findSex(labelled, lines, patientName),
    mrn: pickLabelled(labelled, 'mrn', parseMrn),
  };
  const encounterFields = {
    dateOfService: pickLabelled(labelled, 'dateOfService', date),
    providerName: pickLabelled(labelled, 'providerName', parseProvider),
    facility: pickLabelled(labelled, 'facility', parseFacility) ?? letterheadFacility(lines),
  };

  const documentType = classifyDocument(lines);
  const listed = extractDiagnoses(diagnosisBlocks(sections));
  const diagnoses =
    listed.length > 0
      ? listed
      : extractDiagnoses([{ lines: narrativeConditions(lines), prose: true }]);
  const medicationSections = extractMedications(sections.filter((s) => s.kind === 'medications'));
  const medications =
    medicationSections.length > 0
      ? medicationSections
      : extractMedications([{ lines: narrativeMedications(lines), inline: false }]);
  const allergySections = sections.some((s) => s.kind === 'allergies');
  const allergies = extractAllergies(
    allergySections ? sectionLines(sections, 'allergies') : narrativeAllergies(lines),
  );
  // Tables of one column per measure read as `Weight: 72 kg` lines, after the body.
  const grid = gridPairs(prepared.cells);
  const withGrids = [...lines.filter((_, index) => !grid.lines.has(index)), ...grid.pairs];
  const vitalsFound = extractVitals(withGrids);
  const labSections = sections.filter((section) => section.kind === 'labs');
  const tableLabs =
    documentType === 'lab_report'
      ? extractLabs(lines, prepared.cells)
      : extractLabs(
          labSections.flatMap((section) => section.lines),
          labSections.flatMap((section) => section.cells),
        );
  // A table row of name, number and a known lab unit is a result wherever it sits.
  const rowLabs = extractLabs(
    [],
    prepared.cells.filter((row) => row.split('\t').length >= 3),
    { cellsOnly: true },
  );
  const tested = new Set(tableLabs.map((lab) => lab.test.toLowerCase()));
  const extraRows = rowLabs.filter(
    (lab) => lab.unit !== null && !tested.has(lab.test.toLowerCase()),
  );
  for (const lab of extraRows) tested.add(lab.test.toLowerCase());
  const labs = [
    ...tableLabs,
    ...extraRows,
    ...extractNarrativeLabs(lines).filter((lab) => !tested.has(lab.test.toLowerCase())),
  ];
  const tobacco = extractTobacco(withGrids);

  const vitals: Found['vitals'] = {
    bloodPressure: vitalsFound.bloodPressure,
    heartRate: vitalsFound.heartRate,
    heightCm: vitalsFound.heightCm,
    weightKg: vitalsFound.weightKg,
    bmi: vitalsFound.bmi,
  };
  const riskFactors = deriveRiskFactors({
    diagnoses,
    labs,
    bloodPressure: vitals.bloodPressure,
    bloodPressureEvidence: vitalsFound.evidence.bloodPressure,
    bmi: vitals.bmi,
    bmiEvidence: vitalsFound.evidence.bmi,
    tobaccoUse: tobacco.tobaccoUse,
    tobaccoEvidence: tobacco.evidence,
  });
  const partial = {
    patient,
    diagnoses,
    medications,
    allergies,
    vitals,
    labs,
    socialHistory: { tobaccoUse: tobacco.tobaccoUse, packYears: tobacco.packYears },
    riskFactors,
  };
  const resolvedType: DocumentType | null =
    documentType ?? (hasContent(partial, encounterFields) ? 'other' : null);
  return shape(
    { ...partial, encounter: { ...encounterFields, documentType: resolvedType } },
    selectionOf(opts.fields),
  );
}
