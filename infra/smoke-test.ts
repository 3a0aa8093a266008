/**
 * Post-deploy smoke test: uploads one synthetic PDF (no patient data) under
 * `incoming/smoke/`, finds the execution the pipeline started for that object
 * version, waits for it to finish and exits non-zero unless it SUCCEEDED.
 *
 * Usage: tsx infra/smoke-test.ts <cdk-outputs.json> <stage> [timeoutSeconds]
 */
import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import PDFDocument from 'pdfkit';
import * as z from 'zod';
import { REUSED_MIDDLEWARE } from '#adapters/sdk-client-options.ts';
import { configFor, parseStage } from './config.ts';
import { stackName } from './medextract-app.ts';

const [outputsFile, stageArg, timeoutArg] = process.argv.slice(2);
if (outputsFile === undefined) {
  console.error('Usage: tsx infra/smoke-test.ts <cdk-outputs.json> <stage> [timeoutSeconds]');
  process.exit(2);
}
const config = configFor(parseStage(stageArg));
const timeoutMs = Number(timeoutArg ?? '600') * 1000;

const outputs = z
  .record(z.string(), z.object({ DocumentsBucketName: z.string(), StateMachineArn: z.string() }))
  .parse(JSON.parse(readFileSync(outputsFile, 'utf8')));
const stackOutputs = outputs[stackName(config)];
if (stackOutputs === undefined) throw new Error(`No outputs for ${stackName(config)}`);

/** A one-page attending physician statement with invented values only. */
const syntheticPdf = (): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'LETTER' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(16).text('Attending Physician Statement (SYNTHETIC SMOKE TEST)');
    doc.moveDown().fontSize(11);
    for (const line of [
      'Patient Name: Smoke Test Person',
      'DOB: 1970-01-01',
      'Sex: X',
      'MRN: SMOKE-0001',
      'Date of Service: 2024-01-15',
      'Provider: Dr. Example Clinician, Example Clinic',
      'Diagnosis: Essential hypertension (I10)',
      'Medications: Lisinopril 10 mg once daily',
      'Allergies: None known',
      'Vitals: BP 128/82, HR 72, Height 175 cm, Weight 80 kg',
    ]) {
      doc.text(line);
    }
    doc.end();
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ExecutionInputSchema = z.object({ key: z.string(), versionId: z.string().optional() });

const main = async (): Promise<void> => {
  const s3 = new S3Client({ region: config.region, ...REUSED_MIDDLEWARE });
  const sfn = new SFNClient({ region: config.region, ...REUSED_MIDDLEWARE });
  const key = `incoming/smoke/${new Date().toISOString().replace(/[:.]/g, '-')}.pdf`;
  // A minute of slack for clock skew between this runner and AWS.
  const notBefore = new Date(Date.now() - 60_000);
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: stackOutputs.DocumentsBucketName,
      Key: key,
      Body: await syntheticPdf(),
      ContentType: 'application/pdf',
    }),
  );
  console.log(
    `Uploaded s3://${stackOutputs.DocumentsBucketName}/${key} (version ${put.VersionId ?? 'none'})`,
  );

  const deadline = Date.now() + timeoutMs;
  let executionArn: string | undefined;
  while (Date.now() < deadline) {
    if (executionArn === undefined) {
      const listed = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: stackOutputs.StateMachineArn,
          maxResults: 50,
        }),
      );
      for (const execution of listed.executions ?? []) {
        const { executionArn: arn, startDate } = execution;
        if (arn === undefined || startDate === undefined || startDate < notBefore) continue;
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        const input = ExecutionInputSchema.safeParse(JSON.parse(described.input ?? '{}'));
        if (input.success && input.data.key === key && input.data.versionId === put.VersionId) {
          executionArn = arn;
          console.log(`Execution started: ${executionArn}`);
        }
      }
    } else {
      const { status, cause } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (status === 'SUCCEEDED') {
        console.log('Smoke test passed: execution SUCCEEDED');
        return;
      }
      if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
        throw new Error(`Execution ended ${status}: ${cause ?? 'no cause'}`);
      }
    }
    await sleep(10_000);
  }
  throw new Error(
    executionArn === undefined
      ? 'No execution started for the uploaded document before the timeout'
      : `Execution still running after ${timeoutMs / 1000}s`,
  );
};

main().catch((error: unknown) => {
  console.error(`Smoke test failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
