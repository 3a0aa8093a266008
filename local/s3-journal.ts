/**
 * A write-ahead journal for the local S3: every request that creates or
 * deletes an object or bucket is appended to one log file (and fdatasynced,
 * in groups, off the event loop) before fauxqs handles it, so an upload is
 * durable once acknowledged even if the process is killed; at start the
 * journal is replayed, in order, on top of the last snapshot. Requests that
 * failed are marked void and skipped.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { buildApp } from 'fauxqs';
import * as z from 'zod';
import { type GroupCommitFile, openGroupCommitFile } from './group-commit-file.ts';

/** Header set on replayed requests so they are not journaled again. */
export const REPLAY_HEADER = 'x-medextract-journal-replay';

/** Hop-by-hop and framing headers that must not be replayed. */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'transfer-encoding',
  'content-length',
  'expect',
]);

const entrySchema = z.object({
  method: z.enum(['PUT', 'POST', 'DELETE']),
  url: z.string().startsWith('/'),
  headers: z.record(z.string(), z.string()),
});
export type JournalRequest = z.infer<typeof entrySchema>;

/** What the journal needs to know about a request to decide whether to keep it. */
export interface JournalCandidate {
  readonly method: string;
  readonly url: string;
  /** Fastify route pattern, e.g. `/:bucket/*`. */
  readonly route: string | undefined;
  readonly query: Readonly<Record<string, unknown>>;
}

/**
 * Whether a request changes what S3 holds in a way the journal can replay on
 * its own: PutObject, CopyObject, DeleteObject, CreateBucket, DeleteObjects.
 * Multipart parts are not (their upload id changes on replay); a completed
 * multipart upload is journaled after the fact as a plain put.
 */
export const isJournaled = (request: JournalCandidate): boolean => {
  const multipart = 'uploadId' in request.query || 'uploads' in request.query;
  if (request.route === '/:bucket/*') {
    return !multipart && (request.method === 'PUT' || request.method === 'DELETE');
  }
  if (request.route === '/:bucket') {
    return request.method === 'PUT' || (request.method === 'POST' && 'delete' in request.query);
  }
  return false;
};

export interface S3Journal {
  /** Appends one request and its body; resolves with its id once both are on disk. */
  append(request: JournalRequest, body: Uint8Array): Promise<string>;
  /** Marks a journaled request as failed, so replay skips it. */
  void(id: string): void;
  /** Journaled requests still to replay, oldest first. */
  entries(): { readonly id: string; readonly request: JournalRequest; readonly body: Buffer }[];
  /** Forgets everything journaled (after a snapshot holds it). */
  clear(): Promise<void>;
}

/** Keeps only the headers worth replaying, as plain strings. */
export const replayableHeaders = (
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> => {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (DROPPED_HEADERS.has(name.toLowerCase()) || value === undefined) continue;
    kept[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return kept;
};

const LOG = 'journal.log';
/**
 * One log record: a JSON line (a request with its body's length, or a void
 * mark), then for a request the body's bytes and a newline.
 */
const recordSchema = z.union([
  entrySchema.extend({ id: z.string(), bodyBytes: z.number().int().nonnegative() }),
  z.object({ void: z.string() }),
]);

interface ParsedLog {
  readonly requests: {
    readonly id: string;
    readonly request: JournalRequest;
    readonly body: Buffer;
  }[];
  readonly voided: Set<string>;
  /** Bytes of whole records; a torn record after them (a kill mid-write) is cut off. */
  readonly validBytes: number;
}

const parseLog = (data: Buffer): ParsedLog => {
  const requests: ParsedLog['requests'][number][] = [];
  const voided = new Set<string>();
  let at = 0;
  while (at < data.length) {
    const newline = data.indexOf(0x0a, at);
    if (newline < 0) break;
    let record: z.infer<typeof recordSchema>;
    try {
      record = recordSchema.parse(JSON.parse(data.subarray(at, newline).toString('utf8')));
    } catch {
      break;
    }
    if ('void' in record) {
      voided.add(record.void);
      at = newline + 1;
      continue;
    }
    const bodyEnd = newline + 1 + record.bodyBytes;
    if (bodyEnd + 1 > data.length || data[bodyEnd] !== 0x0a) break;
    const { id, bodyBytes: _, ...request } = record;
    requests.push({ id, request, body: Buffer.from(data.subarray(newline + 1, bodyEnd)) });
    at = bodyEnd + 1;
  }
  return { requests, voided, validBytes: at };
};

/** Entries of the journal's earlier layout, one `.json`/`.body`/`.void` file trio per request. */
const legacyEntries = (folder: string) => {
  const path = (id: string, suffix: string) => join(folder, `${id}.${suffix}`);
  return readdirSync(folder)
    .map((name) => /^(\d{12})\.json$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .sort()
    .filter((id) => !existsSync(path(id, 'void')) && existsSync(path(id, 'body')))
    .map((id) => ({
      id,
      request: entrySchema.parse(JSON.parse(readFileSync(path(id, 'json'), 'utf8'))),
      body: readFileSync(path(id, 'body')),
    }));
};

/** Opens (creating) the journal in `folder`; ids are a sequence that continues across opens. */
export const openS3Journal = (folder: string): S3Journal => {
  mkdirSync(folder, { recursive: true });
  const logPath = join(folder, LOG);
  const existed = existsSync(logPath);
  const parsed = existed
    ? parseLog(readFileSync(logPath))
    : { requests: [], voided: new Set<string>(), validBytes: 0 };
  // Appending after a torn record would hide every later one from the parser.
  if (existed) truncateSync(logPath, parsed.validBytes);
  const legacy = legacyEntries(folder);
  // Voided ids count too: an id is never given twice.
  const legacyIds = readdirSync(folder)
    .map((name) => /^(\d{12})\.json$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined);
  let sequence = [...legacyIds, ...parsed.requests.map((e) => e.id), ...parsed.voided].reduce(
    (max, id) => Math.max(max, Number(id)),
    0,
  );
  let log: GroupCommitFile | undefined;
  const opened = (): GroupCommitFile => {
    log ??= openGroupCommitFile(logPath, { created: !existsSync(logPath) });
    return log;
  };
  let readEntries = () => [
    ...legacy,
    ...parsed.requests.filter((entry) => !parsed.voided.has(entry.id)),
  ];

  return {
    append: async (request, body) => {
      sequence += 1;
      const id = String(sequence).padStart(12, '0');
      const header = JSON.stringify({ ...request, id, bodyBytes: body.byteLength });
      await opened().append(
        Buffer.concat([Buffer.from(`${header}\n`), Buffer.from(body), Buffer.from('\n')]),
      );
      return id;
    },
    // Not awaited: a lost void mark only replays a request that fails again.
    void: (id) => {
      opened()
        .append(`${JSON.stringify({ void: id })}\n`)
        .catch(() => undefined);
    },
    entries: () => readEntries(),
    clear: async () => {
      await log?.close();
      log = undefined;
      readEntries = () => [];
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder, { recursive: true });
    },
  };
};

type FauxqsApp = ReturnType<typeof buildApp>;

const queryOf = (query: unknown): Record<string, unknown> =>
  typeof query === 'object' && query !== null ? { ...query } : {};

/**
 * Journals every object write before fauxqs handles it (preHandler: the body
 * is parsed, nothing is stored or acknowledged yet) and voids it if it failed.
 * A completed multipart upload is journaled once it succeeds, as a plain put
 * of the assembled object: its parts cannot be replayed under a new upload id.
 */
export const journalWrites = (app: FauxqsApp, journal: S3Journal): void => {
  const ids = new WeakMap<object, string>();
  app.addHook('preHandler', (request, _reply, done) => {
    const candidate = {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      query: queryOf(request.query),
    };
    if (request.headers[REPLAY_HEADER] !== undefined || !isJournaled(candidate)) {
      done();
      return;
    }
    const method = z.enum(['PUT', 'POST', 'DELETE']).parse(request.method);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Handled (and so acknowledged) only once the entry is on disk.
    journal
      .append({ method, url: request.url, headers: replayableHeaders(request.headers) }, body)
      .then(
        (id) => {
          ids.set(request, id);
          done();
        },
        (error: unknown) =>
          done(error instanceof Error ? error : new Error('JOURNAL_WRITE_FAILED')),
      );
  });
  app.addHook('onResponse', (request, reply, done) => {
    const id = ids.get(request);
    if (id !== undefined && reply.statusCode >= 300) journal.void(id);
    const completedMultipart =
      request.method === 'POST' &&
      request.routeOptions.url === '/:bucket/*' &&
      'uploadId' in queryOf(request.query) &&
      reply.statusCode === 200;
    if (completedMultipart) {
      const url = request.url.split('?')[0] ?? request.url;
      void app.inject({ method: 'GET', url, headers: { [REPLAY_HEADER]: '1' } }).then((object) => {
        if (object.statusCode !== 200) return;
        return journal.append(
          {
            method: 'PUT',
            url,
            headers: {
              'content-type': String(object.headers['content-type'] ?? 'application/octet-stream'),
            },
          },
          object.rawPayload,
        );
      });
    }
    done();
  });
};

/** Replays journaled writes in order; returns how many fauxqs accepted. */
export const replayJournal = async (app: FauxqsApp, journal: S3Journal): Promise<number> => {
  let replayed = 0;
  for (const { request, body } of journal.entries()) {
    const response = await app.inject({
      method: request.method,
      url: request.url,
      headers: { ...request.headers, [REPLAY_HEADER]: '1' },
      payload: body,
    });
    if (response.statusCode < 300) replayed += 1;
  }
  return replayed;
};
