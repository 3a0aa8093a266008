/**
 * Where `medextract eval` keeps its reports and the API reads them: one JSON
 * file per run, in a folder locally (`.data/evaluations/`) or under
 * `reports/evaluations/` of a deployed stage's documents bucket.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '#adapters/aws-sdk/client-s3.cjs';

/** The S3 prefix of the reports in a stage's documents bucket. */
export const EVALUATION_REPORTS_PREFIX = 'reports/evaluations/';

/** Report ids are made by the service (time and versions); nothing else is read. */
export const REPORT_ID = /^[0-9]{8}T[0-9]{9}Z-[0-9a-z.-]{1,80}$/;

export interface EvaluationReportStore {
  /** Every stored report id, in no particular order. */
  ids(): Promise<string[]>;
  /** The stored JSON text, or undefined when there is none. */
  read(id: string): Promise<string | undefined>;
  write(id: string, json: string): Promise<void>;
}

const checked = (id: string): string => {
  if (!REPORT_ID.test(id)) throw new RangeError('not an evaluation report id');
  return id;
};

export const folderReportStore = (dir: string): EvaluationReportStore => ({
  async ids() {
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return names.flatMap((name) => {
      const id = name.replace(/\.json$/, '');
      return name.endsWith('.json') && REPORT_ID.test(id) ? [id] : [];
    });
  },
  async read(id) {
    return readFile(join(dir, `${checked(id)}.json`), 'utf-8').catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
  },
  async write(id, json) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${checked(id)}.json`), json, 'utf-8');
  },
});

export const s3ReportStore = (s3: S3Client, bucket: string): EvaluationReportStore => ({
  async ids() {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: EVALUATION_REPORTS_PREFIX,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        const id = (object.Key ?? '')
          .slice(EVALUATION_REPORTS_PREFIX.length)
          .replace(/\.json$/, '');
        if (REPORT_ID.test(id)) ids.push(id);
      }
      token = page.NextContinuationToken;
    } while (token);
    return ids;
  },
  async read(id) {
    try {
      const object = await s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: `${EVALUATION_REPORTS_PREFIX}${checked(id)}.json`,
        }),
      );
      return await object.Body?.transformToString('utf-8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  },
  async write(id, json) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${EVALUATION_REPORTS_PREFIX}${checked(id)}.json`,
        Body: json,
        ContentType: 'application/json',
      }),
    );
  },
});
