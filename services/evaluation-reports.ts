/**
 * Evaluation runs as kept records: `medextract eval` saves each report (the
 * same JSON `--json` prints) with its time and versions, and the API lists
 * and reads them. Reports hold dataset document ids, codes and scores; never
 * document text or file paths.
 */
import * as z from 'zod';
import { type EvaluationReportStore, REPORT_ID } from '#adapters/evaluation-reports.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

/** What a list shows of a run. */
export interface EvaluationSummary {
  readonly id: string;
  readonly kind: 'run' | 'comparison';
  readonly createdAt: string;
  readonly versions: readonly string[];
  readonly documents: number;
  readonly failed: number;
  /** Micro F1 of each version, in `versions` order. */
  readonly f1: readonly number[];
}

/** A stored run: its summary and the report as `medextract eval --json` prints it. */
export interface EvaluationRecord extends EvaluationSummary {
  readonly report: Record<string, unknown>;
}

const RecordSchema = z.object({
  id: z.string().regex(REPORT_ID),
  kind: z.enum(['run', 'comparison']),
  createdAt: z.string(),
  versions: z.array(z.string()).min(1).max(2),
  documents: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  f1: z.array(z.number()),
  report: z.record(z.string(), z.unknown()),
});

const Headline = z.looseObject({
  version: z.string(),
  documents: z.number().int(),
  failed: z.number().int(),
  overall: z.looseObject({ f1: z.number() }),
});

/** `20261201T114500123Z` for a time. */
const compactTime = (at: Date): string =>
  at.toISOString().replace(/[-:]/g, '').replace('.', '').replace(/Z$/, 'Z');

/**
 * Saves the JSON of a single-version run (`evalJson`) or of a comparison
 * (`compareJson`) and answers its id.
 */
export const saveEvaluationReport = async (
  store: EvaluationReportStore,
  report: Record<string, unknown>,
  at: Date = new Date(),
): Promise<EvaluationRecord> => {
  const single = Headline.safeParse(report);
  const pair = z.looseObject({ a: Headline, b: Headline }).safeParse(report);
  const headlines = single.success ? [single.data] : pair.success ? [pair.data.a, pair.data.b] : [];
  const [first] = headlines;
  if (first === undefined) throw new RangeError('not an evaluation report');
  const versions = headlines.map((h) => h.version);
  const record: EvaluationRecord = {
    id: `${compactTime(at)}-${versions.join('-vs-')}`,
    kind: single.success ? 'run' : 'comparison',
    createdAt: at.toISOString(),
    versions,
    documents: first.documents,
    failed: Math.max(...headlines.map((h) => h.failed)),
    f1: headlines.map((h) => h.overall.f1),
    report,
  };
  await store.write(record.id, `${JSON.stringify(record, null, 2)}\n`);
  return record;
};

const parseRecord = (json: string): EvaluationRecord | null => {
  try {
    const parsed = RecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Every stored run, newest first; a file that is not a report is left out. */
export const listEvaluationReports = async (
  store: EvaluationReportStore,
): Promise<EvaluationSummary[]> => {
  const ids = (await store.ids()).sort().reverse();
  const records = await Promise.all(
    ids.map(async (id) => parseRecord((await store.read(id)) ?? '')),
  );
  return records.flatMap((record) => {
    if (record === null) return [];
    const { report: _report, ...summary } = record;
    return [summary];
  });
};

/** One stored run with its report. */
export const getEvaluationReport = async (
  store: EvaluationReportStore,
  id: string,
): Promise<EvaluationRecord> => {
  if (!REPORT_ID.test(id)) {
    throw new InvalidInputError('INVALID_EVALUATION_ID', 'not an evaluation run id', 'id');
  }
  const json = await store.read(id);
  const record = json === undefined ? null : parseRecord(json);
  if (record === null)
    throw new NotFoundError('UNKNOWN_EVALUATION', 'no evaluation run with this id', 'id');
  return record;
};
