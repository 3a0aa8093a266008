/** Score: completeness from the version's required-field weights and cost from tokens. */

import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GroundingSchema } from '#contracts/evidence.ts';
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
      grounding: null,
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

  it('grounds a version that asks for evidence: flags the invented value, writes grounding/<id>.json, puts only numbers in state', async () => {
    // Prepare: one page whose text holds the name and one medication; the answer also has an invented one.
    const text = 'Patient: Quillon Marbrey-Testcase\nMedications:\nLisinopril 10 mg daily\n';
    const line = (str: string, start: number, y: number) => ({
      start,
      end: start + str.length,
      x: 72,
      y,
      width: str.length * 5,
      height: 10,
    });
    const geometry = {
      version: 1,
      pageCount: 1,
      pages: [
        {
          page: 1,
          kind: 'text',
          widthPt: 612,
          heightPt: 792,
          view: [0, 0, 612, 792],
          source: 'pdf-text',
          text,
          items: [
            line('Patient: Quillon Marbrey-Testcase', 0, 720),
            line('Medications:', 34, 706),
            line('Lisinopril 10 mg daily', 47, 692),
          ],
        },
      ],
    };
    const fields = {
      patient: { name: 'Quillon Marbrey-Testcase', dateOfBirth: null, sex: null, mrn: null },
      medications: [
        { name: 'Lisinopril', dose: '10 mg', frequency: 'daily' },
        { name: 'Atorvastatin', dose: null, frequency: null },
      ],
    };
    const evidence = {
      version: 1,
      asked: true,
      claims: [
        { path: 'patient.name', quote: 'Patient: Quillon Marbrey-Testcase', page: null },
        { path: 'medications[0].name', quote: 'Lisinopril 10 mg daily', page: null },
        { path: 'medications[1].name', quote: 'Atorvastatin 40 mg', page: null },
      ],
      malformedClaims: 0,
      normalisedPaths: [],
      stopReason: 'tool_use',
    };
    const body = (value: unknown) => ({
      Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(value))])),
    });
    const event = loadEvent('tasks/score') as { documentId: string; outputUri: string };
    const outputUri = event.outputUri.replace('2.0.0', '2.2.0');
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) =>
      input.Key.endsWith('.evidence.json')
        ? body(evidence)
        : input.Key.endsWith('geometry.json')
          ? body(geometry)
          : body(fields),
    );
    s3.on(PutObjectCommand).resolves({});
    // Act
    const score = await handler(
      { ...event, outputUri, promptVersion: '2.2.0' },
      testContext('score'),
    );
    // Assess
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Key).toBe(`grounding/${event.documentId}.json`);
    const grounding = GroundingSchema.parse(JSON.parse(String(put?.Body)));
    expect(grounding.evidence['patient.name']).toMatchObject({ page: 1, match: 'exact' });
    expect(grounding.evidence['medications[0].name']?.bbox).toEqual({
      x: 72,
      y: 692,
      width: 110,
      height: 10,
    });
    expect(grounding.evidence['medications[1].name']?.match).toBe('ungrounded');
    expect(grounding.review.flags).toContainEqual(
      expect.objectContaining({ path: 'medications[1].name', reason: 'UNGROUNDED' }),
    );
    expect(grounding.review.flags).toContainEqual(
      expect.objectContaining({ path: 'patient.dateOfBirth', reason: 'MISSING_REQUIRED' }),
    );
    // 5 values: the name and Lisinopril's three properties are found, Atorvastatin is not.
    expect(score.grounding).toEqual({
      uri: `s3://medextract-local-documents/grounding/${event.documentId}.json`,
      groundedShare: 0.8,
      reviewRequired: true,
      flagCount: grounding.review.flags.length,
    });
    expect(JSON.stringify(score)).not.toContain('Quillon');
  });
});
