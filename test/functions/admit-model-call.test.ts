/**
 * The admit-model-call handler as Lambda runs it: the fixture event admitted
 * at once when the stage has admission off (no table touched), a slot
 * reserved on the model's slot record in the metrics table when it is on,
 * and no document storage or model call in either case: the function only
 * paces, it never does the model call's work.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundledPrompts } from '#adapters/prompts/bundled.ts';
import {
  ADMISSION_SETTINGS_ENV,
  type AdmissionSettings,
  admissionKey,
} from '#contracts/model-admission.ts';
import { loadEvent } from '#events/index.ts';
import { HANDLER_ENV, setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const bedrock = mockClient(BedrockRuntimeClient);

const MODEL = bundledPrompts().get('2.1.0').metadata.modelId;
const SETTINGS: AdmissionSettings = {
  enabled: true,
  minuteMs: 60_000,
  maxAdmissionWaitMinutes: 240,
  models: {
    [MODEL]: {
      quota: { requestsPerMinute: 60, tokensPerMinute: 100_000_000, outputTokenBurnDown: 5 },
      expectedInputTokens: 3_000,
      expectedOutputTokens: 600,
      headroom: 1,
      burstCalls: 1,
      horizonSeconds: 600,
      breaker: { threshold: 5, windowSeconds: 60, cooldownSeconds: 60 },
    },
  },
};

let handler: typeof import('#functions/admit-model-call/handler.ts')['handler'];
beforeAll(async () => {
  setHandlerEnv({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  ({ handler } = await import('#functions/admit-model-call/handler.ts'));
});
afterEach(() => {
  delete process.env[ADMISSION_SETTINGS_ENV];
  dynamo.reset();
  s3.reset();
  bedrock.reset();
});

describe('admit-model-call handler', () => {
  it('admits the fixture at once when the stage has admission off, touching no table', async () => {
    // Act
    const output = await handler(
      loadEvent('tasks/admit-model-call'),
      testContext('admit-model-call'),
    );

    // Assess
    expect(output).toMatchObject({
      admitted: true,
      modelId: MODEL,
      readmissions: 0,
      breakerOpen: false,
    });
    expect(dynamo.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(bedrock.calls()).toHaveLength(0);
  });

  it("reserves a slot on the model's slot record in the metrics table", async () => {
    // Prepare
    process.env[ADMISSION_SETTINGS_ENV] = JSON.stringify(SETTINGS);
    const now = Date.now();
    dynamo.on(UpdateCommand).resolves({ Attributes: { tat: now + 60_000 } });
    dynamo.on(GetCommand).resolves({});

    // Act
    const output = await handler(
      loadEvent('tasks/admit-model-call'),
      testContext('admit-model-call'),
    );

    // Assess
    expect(output).toMatchObject({ admitted: true, modelId: MODEL, breakerOpen: false });
    const updates = dynamo.commandCalls(UpdateCommand);
    expect(updates.length).toBeGreaterThan(0);
    for (const call of updates) {
      expect(call.args[0].input).toMatchObject({
        TableName: HANDLER_ENV.METRICS_TABLE_NAME,
        Key: admissionKey(MODEL),
      });
    }
    expect(s3.calls()).toHaveLength(0);
    expect(bedrock.calls()).toHaveLength(0);
  });

  it('refuses an event that is not an admission request', async () => {
    // Act / Assess
    await expect(
      handler(loadEvent('tasks/invoke-model'), testContext('admit-model-call')),
    ).rejects.toThrow();
    expect(dynamo.calls()).toHaveLength(0);
  });
});
