/**
 * The per-value confidence and evidence of a pipeline result, for scoring
 * calibration: taken from the result when it carries them, else read from
 * the stored result JSON (where RecordResult puts them beside `fields`).
 * Results written before confidence existed have neither.
 */
import { readJson } from '#adapters/s3-json.ts';
import {
  type ConfidenceMap,
  ConfidenceMapSchema,
  type EvidenceMap,
  EvidenceMapSchema,
} from '#contracts/evidence.ts';
import type { ServiceContext } from './context.ts';
import { findDocument } from './documents.ts';
import type { FileResult } from './process-documents.ts';

/** A value's confidence and evidence maps. */
export interface ResultGrounding {
  readonly confidence: ConfidenceMap;
  readonly evidence: EvidenceMap | null;
}

/** A pipeline result with its grounding, when there is one. */
export type GroundedResult = FileResult & { readonly calibrationMaps?: ResultGrounding | null };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The confidence and evidence maps of an object that carries them (a result
 * JSON, or a result with them beside `fields` or under `grounding`); null
 * when there is no valid confidence map.
 */
export const groundingOf = (carrier: unknown): ResultGrounding | null => {
  if (!isObject(carrier)) return null;
  const source = isObject(carrier.grounding) ? carrier.grounding : carrier;
  const confidence = ConfidenceMapSchema.safeParse(source.confidence);
  if (!confidence.success) return null;
  const evidence = EvidenceMapSchema.safeParse(source.evidence);
  return { confidence: confidence.data, evidence: evidence.success ? evidence.data : null };
};

/**
 * Adds the grounding to a succeeded result: its own when it carries one,
 * else the stored result JSON's. Failed results and unreadable results get
 * none (calibration then leaves the document out).
 */
export const withGrounding = async (
  ctx: ServiceContext,
  result: FileResult,
): Promise<GroundedResult> => {
  if (result.status !== 'SUCCEEDED') return { ...result, calibrationMaps: null };
  const own = groundingOf(result);
  if (own !== null) return { ...result, calibrationMaps: own };
  const row = await findDocument(ctx, result.documentId);
  const stored: unknown = row?.resultUri
    ? await readJson(ctx.clients.s3, row.resultUri).catch(() => null)
    : null;
  return { ...result, calibrationMaps: groundingOf(stored) };
};
