/**
 * The stage's setting for reusing the extraction of identical documents
 * (ADR 40), read once at load: whether it is on (`REUSE_IDENTICAL_DOCUMENTS`,
 * default on), the table (`REUSE_TABLE_NAME`, required only when on) and how
 * long the work prefix keeps the objects an entry points at.
 */

import { REUSE_TABLE } from '#contracts/resources.ts';
import { REUSE_SETTING_ENV, WORK_EXPIRATION_ENV } from '#contracts/reuse-items.ts';
import { intEnv, requireEnv, stringEnv } from './env.ts';

export type ReuseSettings =
  | { readonly enabled: false }
  | { readonly enabled: true; readonly table: string; readonly workExpirationDays: number };

export const readReuseSettings = (): ReuseSettings => {
  const raw = stringEnv(REUSE_SETTING_ENV, 'true');
  if (raw !== 'true' && raw !== 'false') {
    throw new Error(`Environment variable ${REUSE_SETTING_ENV} must be 'true' or 'false'`);
  }
  if (raw === 'false') return { enabled: false };
  return {
    enabled: true,
    table: requireEnv(REUSE_TABLE.envVar),
    workExpirationDays: intEnv(WORK_EXPIRATION_ENV, 7),
  };
};
