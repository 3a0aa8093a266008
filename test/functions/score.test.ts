/** Score: completeness from the version's required-field weights and cost from tokens. */

import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEvent } from '#events/index.ts';
import { setHandlerEnv } from '#test/helpers/handler-env.ts';
import { testContext } from '#test/helpers/lambda-context.ts';
import { SAMPLE_V2 } from '#test/helpers/sample-extraction.ts';

const s3 = mockClient(S3Client);
const stored = (fields: unknown) =>
  s3
    .on(GetObjectCommand)
    .resolves({ Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(fields))])) });

let handler: typeof import('#functions/score/handler.ts')['handler'];
beforeAll(async () => {
  setHandlerEnv();
  ({ handler } = await import('#functions/score/handler.ts'));
});
afterEach(() => s3.reset());

describe('score handler', () => {
  it('scores a complete extraction 1 and prices Haiku 4.5 global tokens', async () => {
    // Prepare: 2,450 input x $1/M + 610 output x $5/M = 2,450 + 3,050 micro-dollars.
    stored(SAMPLE_V2);
    // Act
    const score = await handler(loadEvent('tasks/score'), testContext('score'));
    // Assess
    expect(score).toEqual({
      completeness: 1,
      allRequiredPresent: true,
      requiredPresent: 8,
      requiredTotal: 8,
      costMicroUsd: 5500,
    });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Key).toMatch(
      /^work\/[0-9a-f]{64}\/extraction-2\.0\.0\.json$/,
    );
  });

  it('weights missing required fields: no name (2) and no diagnoses (2) of 13 -> 9/13', async () => {
    stored({ ...SAMPLE_V2, patient: { ...SAMPLE_V2.patient, name: null }, diagnoses: [] });
    const score = await handler(loadEvent('tasks/score'), testContext('score'));
    expect(score.completeness).toBe(0.6923);
    expect(score.allRequiredPresent).toBe(false);
    expect(score.requiredPresent).toBe(6);
  });

  it('fails loudly for a model id missing from the price table', async () => {
    stored(SAMPLE_V2);
    const event = { ...(loadEvent('tasks/score') as object), modelId: 'vendor.unknown-model-v1' };
    await expect(handler(event, testContext('score'))).rejects.toMatchObject({
      name: 'UnknownModel',
    });
  });
});
