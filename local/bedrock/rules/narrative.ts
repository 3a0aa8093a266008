/**
 * Reads values written inside sentences rather than beside labels: who the
 * letter is about and when they were born or seen, who signed it, and
 * conditions, medications and allergies given as prose lists ("is treated
 * for hypertension, asthma and GERD"; "currently takes metformin 500 mg
 * twice daily and ..."). A clause about someone else (a spouse, a child, a
 * relative's illness) is skipped.
 */
import type { LabelledValue } from './labels.ts';

const DATE = String.raw`(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?[\s-]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[\s,-]+\d{4})`;

// Words that put a clause about another person.
const OTHER_PERSON =
  /\b(?:spouse|wife|husband|partner|son|daughter|child|mother|father|brother|sister|sibling|aunt|uncle|grand(?:mother|father|parent)|relative|family|parents?|guardian|contact|referr\w*|colleague)\b/i;

/** The sentence a match sits in, up to the match (a bracket does not end it). */
function clauseBefore(text: string, index: number): string {
  const before = text.slice(0, index);
  const start = Math.max(
    before.lastIndexOf('. '),
    before.lastIndexOf(';'),
    before.lastIndexOf('\n'),
  );
  return before.slice(start + 1);
}

function joinLines(lines: readonly string[]): string {
  return lines.join('\n');
}

const BORN = new RegExp(String.raw`\b(?:born(?:\s+on)?|b\.)\s+(${DATE})`, 'gi');
const SEEN = new RegExp(
  String.raw`\b(?:seen|saw|examined|evaluated|visited|visit|examination|appointment|consultation|encounter)\b[^.;\n]{0,70}?\b(?:on|of|dated)\s+(${DATE})`,
  'gi',
);
const ABOUT =
  /\b(?:to\s+see|referring|regarding|concerning|writing\s+about|letter\s+concerns(?:\s+only)?)\s+((?:(?:mr|mrs|ms|miss|mx)\.?\s+)?[A-Z][A-Za-z'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Za-z'-]+){1,2})/g;
const CLOSING =
  /^(?:(?:yours\s+)?(?:sincerely|truly|faithfully)|(?:kind|best|warm)?\s*regards|respectfully(?:\s+yours)?|thank\s+you),?$/i;

/**
 * Identity and encounter values stated in prose, as labelled values with
 * ranks below every printed label (the caller's labels win).
 */
export function findNarrativeValues(lines: readonly string[]): LabelledValue[] {
  const found: LabelledValue[] = [];
  const text = joinLines(lines);
  const lineOf = (index: number): number => text.slice(0, index).split('\n').length - 1;
  for (const match of text.matchAll(BORN)) {
    if (OTHER_PERSON.test(clauseBefore(text, match.index))) continue;
    found.push({ field: 'dateOfBirth', rank: 8, line: lineOf(match.index), value: match[1] ?? '' });
  }
  for (const match of text.matchAll(SEEN)) {
    found.push({
      field: 'dateOfService',
      rank: 8,
      line: lineOf(match.index),
      value: match[1] ?? '',
    });
  }
  for (const match of text.matchAll(ABOUT)) {
    if (OTHER_PERSON.test(clauseBefore(text, match.index))) continue;
    found.push({ field: 'patientName', rank: 8, line: lineOf(match.index), value: match[1] ?? '' });
  }
  // The signature under a closing: the first following line that reads as a name.
  lines.forEach((line, index) => {
    if (!CLOSING.test(line.trim())) return;
    for (const next of lines.slice(index + 1, index + 4)) {
      if (/^(?:\/s\/\s*)?(?:dr\.?\s+)?[A-Z][A-Za-z.' -]+(?:,\s*[A-Z.]{2,6})?$/.test(next.trim())) {
        found.push({
          field: 'providerName',
          rank: 8,
          line: index + 1,
          value: next.replace(/^\/s\/\s*/, ''),
        });
        break;
      }
    }
  });
  return found;
}

// A person's name before a birth-date label on one line: `Doe, Jane | DOB 03/14/1968`.
const BIRTH_LABEL = /\b(?:dob|d\.o\.b\.|date\s+of\s+birth|birth\s*date|birthdate|born)\b/i;

/** Names written just before a birth-date label, as low-ranked patient-name values. */
export function namesBeforeBirthDate(lines: readonly string[]): LabelledValue[] {
  const found: LabelledValue[] = [];
  lines.forEach((line, index) => {
    const label = BIRTH_LABEL.exec(line);
    if (label === null || label.index === 0) return;
    const before = (line.slice(0, label.index).split(':').pop() ?? '')
      .replace(/[\s|/,;(-]+$/, '')
      .trim();
    if (OTHER_PERSON.test(before) || before.split(/\s+/).length > 5) return;
    found.push({ field: 'patientName', rank: 7, line: index, value: before });
  });
  return found;
}

/** Splits a prose list (`a, b and c`) into its items. */
export function proseItems(list: string): string[] {
  return list
    .split(/\s*;\s*|,\s+(?:and\s+)?|\s+and\s+(?=[A-Za-z])/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** The prose lists that follow a trigger phrase, skipping clauses about other people. */
function listsAfter(lines: readonly string[], trigger: RegExp): string[] {
  const text = joinLines(lines).replace(/\n/g, ' ');
  const lists: string[] = [];
  for (const match of text.matchAll(trigger)) {
    if (OTHER_PERSON.test(clauseBefore(text, match.index))) continue;
    const rest = text.slice(match.index + match[0].length);
    const end = rest.search(/\.(?:\s|$)|\n/);
    lists.push(end === -1 ? rest : rest.slice(0, end));
  }
  return lists;
}

const CONDITION_TRIGGER =
  /\b(?:is\s+(?:being\s+)?treated\s+for|(?:history|background)\s+(?:is\s+)?(?:notable|significant|remarkable)\s+for|diagnosed\s+with|(?:medical\s+)?(?:problems|diagnoses|conditions)\s+(?:include|are)|suffers\s+from|has\s+a\s+(?:past\s+)?history\s+of|followed\s+for)\s+/gi;
const MEDICATION_TRIGGER =
  /\b(?:currently\s+takes|takes|is\s+taking|(?:medications?|treatment|regimen)\s+(?:includes?|is|are|consists?\s+of)|(?:is|remains)\s+on|maintained\s+on|current\s+treatment:)\s+/gi;
const ALLERGY_TRIGGER =
  /\b(?:is\s+)?allergic\s+to\s+|\ballergies\s+(?:to|include|are)\s+|\b(?:drug\s+)?allerg(?:y|ies)\s*:\s*/gi;

/** Condition phrases from prose lists. */
export function narrativeConditions(lines: readonly string[]): string[] {
  return listsAfter(lines, CONDITION_TRIGGER).flatMap(proseItems);
}

/** Medication phrases from prose lists. */
export function narrativeMedications(lines: readonly string[]): string[] {
  const items: string[] = [];
  for (const item of listsAfter(lines, MEDICATION_TRIGGER).flatMap(proseItems)) {
    // `90 mcg/actuation, 2 puffs` is one dose, not two items.
    if (/^\d/.test(item) && items.length > 0) items[items.length - 1] += `, ${item}`;
    else items.push(item);
  }
  return items;
}

/** Allergen phrases from prose lists. */
export function narrativeAllergies(lines: readonly string[]): string[] {
  return listsAfter(lines, ALLERGY_TRIGGER).flatMap(proseItems);
}
