/**
 * AdmitModelCall and ReportModelPressure tasks (`action: admit | pressure`):
 * the model-call admission of ADR 25 in a function of its own, so its short
 * calls never wait behind (or are throttled by) the long model calls of
 * invoke-model's reserved concurrency. Reads the prompt versions for the
 * model and the expected tokens; touches only the slot records in the
 * metrics table.
 */
import { dynamoSlotStore } from '#adapters/model-slots.ts';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import {
  ADMISSION_SETTINGS_ENV,
  AdmitModelCallInputSchema,
  type AdmitModelCallOutput,
} from '#contracts/model-admission.ts';
import { METRICS_TABLE } from '#contracts/resources.ts';
import { dynamoDocumentClient } from '#functions/shared/clients/dynamodb.ts';
import { requireEnv } from '#functions/shared/env.ts';
import { once } from '#functions/shared/once.ts';
import { createObservability, instrument } from '#functions/shared/powertools.ts';
import { admitModelCall, parseAdmissionSettings } from './admission.ts';

const observability = createObservability('admit-model-call');

/** Created on first use: a stage without admission needs no table. */
const slots = once(() => dynamoSlotStore(dynamoDocumentClient(), requireEnv(METRICS_TABLE.envVar)));

const admit = (event: unknown): Promise<AdmitModelCallOutput> =>
  admitModelCall(
    {
      // Read per call: the local runtime sets each stack's settings before it runs.
      settings: parseAdmissionSettings(process.env[ADMISSION_SETTINGS_ENV]),
      store: {
        read: (modelId) => slots().read(modelId),
        reserve: (...args) => slots().reserve(...args),
        reportPressure: (...args) => slots().reportPressure(...args),
      },
      version: (promptVersion) => bundledPrompts().get(promptVersion),
      observability,
    },
    AdmitModelCallInputSchema.parse(event),
  );

export const handler = instrument(observability, admit);
