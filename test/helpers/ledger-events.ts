/**
 * Ledger events for tests of the ledger's rules: times on one minute of
 * 2026-12-01, and an unversioned upload of a key in the `docs` bucket.
 */
import type { LedgerEvent } from '#core/ledger/lifecycle.ts';

/** 2026-12-01T09:00:<second>.000Z */
export const ledgerTime = (second: number): string =>
  `2026-12-01T09:00:${String(second).padStart(2, '0')}.000Z`;

/** RECEIVED for `documentId`: an unversioned object under `key`, at second 0. */
export const receivedEvent = (documentId: string, key: string): LedgerEvent => ({
  kind: 'received',
  at: ledgerTime(0),
  documentId,
  object: { bucket: 'docs', key, versionId: null, etag: 'e', size: 3, sequencer: null },
});

/** PROCESSING by `executionArn` for `attempt`, at `second`. */
export const processingEvent = (
  second: number,
  executionArn: string,
  attempt = 0,
): LedgerEvent => ({ kind: 'processing', at: ledgerTime(second), executionArn, attempt });
