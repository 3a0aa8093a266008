/**
 * The extraction-reuse variables of the local handlers (ADR 40), as the CDK
 * app sets them on AWS: the stage's table, the stage's switch (the dev stage's
 * `reuseIdenticalDocuments` unless the stack is started with its own) and
 * how long the work prefix keeps objects.
 */
import { REUSE_TABLE, tableNamesFor } from '#contracts/resources.ts';
import { REUSE_SETTING_ENV, WORK_EXPIRATION_ENV } from '#contracts/reuse-items.ts';
import { configFor } from '#infra/config.ts';

export const reuseEnvironment = (
  enabled: boolean = configFor('dev').documents.reuseIdenticalDocuments,
  stage = 'local',
): Record<string, string> => ({
  [REUSE_TABLE.envVar]: tableNamesFor(stage).reuse,
  [REUSE_SETTING_ENV]: String(enabled),
  [WORK_EXPIRATION_ENV]: String(configFor('dev').documents.workExpirationDays),
});
