/**
 * Links from alarms to their entries in `docs/runbook.md`: the anchor a
 * Markdown heading gets (GitHub's rule) and the sentence every alarm
 * description ends with. The runbook's location can be replaced by a URL
 * with the CDK context key `runbookUrl`.
 */

/** Where the runbook lives unless `-c runbookUrl=...` says otherwise. */
export const RUNBOOK_PATH = 'docs/runbook.md';

/** CDK context key that overrides RUNBOOK_PATH (e.g. the repository's web URL of the file). */
export const RUNBOOK_URL_CONTEXT = 'runbookUrl';

/**
 * GitHub's heading anchor: lower case, every character other than letters,
 * digits, spaces, hyphens and underscores dropped, spaces turned into hyphens.
 */
export const headingAnchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** `Runbook: <location>#<anchor>`, appended to an alarm description. */
export const runbookReference = (location: string, heading: string): string =>
  `Runbook: ${location}#${headingAnchor(heading)}`;
