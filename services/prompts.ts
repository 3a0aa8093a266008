/**
 * Prompt use cases: the bundled versions (list, show, diff) and the
 * production alias on a stack (show, and an audited move by hand).
 * Versions come from the catalog; only the alias lives in DynamoDB.
 */
import type { AliasAuditEntry } from '#adapters/experiments-repository.ts';
import type { AliasItem } from '#contracts/experiments-items.ts';
import { PROMPT_FAMILY } from '#contracts/experiments-items.ts';
import type { PromptMetadata, PromptVersion } from '#core/prompts/types.ts';
import {
  defaultCatalog,
  experimentsOf,
  type PromptCatalog,
  type ServiceContext,
} from './context.ts';
import { diffMetadata, diffSchemas, type SchemaDiff, schemaPaths } from './prompt-diff.ts';
import { InvalidInputError, NotFoundError } from './service-error.ts';

export const PRODUCTION_ALIAS_NAME = 'production';

/** One line of the version list. */
export interface PromptSummary {
  readonly version: string;
  readonly status: string;
  readonly created: string;
  readonly modelId: string;
  readonly fields: number;
  readonly requiredFields: number;
  readonly latestChange: string;
}

export const listPrompts = (catalog: PromptCatalog = defaultCatalog()): PromptSummary[] =>
  catalog.list().map(({ version, status }) => {
    const { metadata } = catalog.get(version);
    const fields = Object.entries(metadata.fields);
    return {
      version,
      status,
      created: metadata.created,
      modelId: metadata.modelId,
      fields: fields.length,
      requiredFields: fields.filter(([, spec]) => spec.required).length,
      latestChange: metadata.changelog[0] ?? '',
    };
  });

/** `released`, `draft`, or `unknown` for a version the catalog does not hold. */
export const promptStatus = (version: string, catalog: PromptCatalog = defaultCatalog()): string =>
  catalog.list().find((v) => v.version === version)?.status ?? 'unknown';

/** A bundled version by its number (a leading `v` is allowed). */
export const requirePrompt = (
  version: string,
  catalog: PromptCatalog = defaultCatalog(),
): PromptVersion => {
  const clean = version.replace(/^v/, '');
  if (!catalog.versions().includes(clean)) {
    throw new NotFoundError(
      'UNKNOWN_PROMPT_VERSION',
      `no prompt version ${version} (bundled: ${catalog.versions().join(', ')})`,
      'version',
    );
  }
  return catalog.get(clean);
};

/** A version with its metadata and a summary of its schema. */
export interface PromptDetails {
  readonly version: string;
  readonly family: string;
  readonly status: string;
  readonly metadata: PromptMetadata;
  readonly schema: {
    readonly fieldPaths: number;
    readonly topLevel: ReadonlyArray<{ path: string; type: string; required: boolean }>;
  };
}

export const showPrompt = (
  version: string,
  catalog: PromptCatalog = defaultCatalog(),
): PromptDetails => {
  const pv = requirePrompt(version, catalog);
  const paths = schemaPaths(pv.schema);
  const topLevel = [...paths.entries()].filter(
    ([path]) => !path.includes('.') && !path.includes('[]'),
  );
  return {
    version: pv.version,
    family: pv.family,
    status: promptStatus(pv.version, catalog),
    metadata: pv.metadata,
    schema: {
      fieldPaths: paths.size,
      topLevel: topLevel.map(([path, info]) => ({
        path,
        type: info.type,
        required: info.required,
      })),
    },
  };
};

export interface PromptDiff {
  readonly from: string;
  readonly to: string;
  readonly schema: SchemaDiff;
  readonly metadata: string[];
}

export const diffPrompts = (
  a: string,
  b: string,
  catalog: PromptCatalog = defaultCatalog(),
): PromptDiff => {
  const va = requirePrompt(a, catalog);
  const vb = requirePrompt(b, catalog);
  return {
    from: va.version,
    to: vb.version,
    schema: diffSchemas(va.schema, vb.schema),
    metadata: diffMetadata(va, vb),
  };
};

export interface AliasState {
  readonly alias: typeof PRODUCTION_ALIAS_NAME;
  readonly current: AliasItem | null;
  readonly moves: AliasAuditEntry[];
}

/** The version the production alias names on the stack, and every move of it. */
export const showAlias = async (ctx: ServiceContext): Promise<AliasState> => {
  const repo = experimentsOf(ctx);
  const current = await repo.getAlias(PROMPT_FAMILY);
  const moves = await repo.aliasHistory(PROMPT_FAMILY);
  return { alias: PRODUCTION_ALIAS_NAME, current, moves };
};

export interface SetAliasRequest {
  readonly version: string;
  readonly actor: string;
  readonly reason: string;
}

/** A bundled, released version: the only kind that may serve production. */
export const requireServable = (
  version: string,
  catalog: PromptCatalog = defaultCatalog(),
): PromptVersion => {
  const pv = requirePrompt(version, catalog);
  if (promptStatus(pv.version, catalog) !== 'released') {
    throw new InvalidInputError(
      'DRAFT_PROMPT_VERSION',
      `${pv.version} is a draft; only released versions can serve production`,
    );
  }
  return pv;
};

/** Moves the production alias by hand to a released version; the move is audited. */
export const setAlias = async (
  ctx: ServiceContext,
  request: SetAliasRequest,
  catalog: PromptCatalog = defaultCatalog(),
): Promise<AliasAuditEntry> => {
  const pv = requireServable(request.version, catalog);
  return experimentsOf(ctx).moveAlias(PROMPT_FAMILY, pv.version, request.actor, request.reason);
};
