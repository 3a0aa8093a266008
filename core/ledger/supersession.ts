/**
 * Which versions of one object key a newer upload replaces: an upload that
 * has not started processing is SUPERSEDED when a newer version of its key
 * exists, so overwriting a file is never counted as a failure.
 */
import { compareSequencers, type LedgerEntry } from './lifecycle.ts';

/** Negative when `a` was uploaded before `b` (by S3 sequencer, else by upload time). */
export const compareUploads = (a: LedgerEntry, b: LedgerEntry): number => {
  if (a.sequencer !== null && b.sequencer !== null) {
    const bySequencer = compareSequencers(a.sequencer, b.sequencer);
    if (bySequencer !== 0) return bySequencer;
  }
  return a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0;
};

export interface Supersession {
  /** The newest version of the key among `versions`. */
  readonly newest: LedgerEntry;
  /** Older versions still waiting (RECEIVED) that the newest one replaces. */
  readonly superseded: readonly LedgerEntry[];
}

/**
 * Given every known version of one key (same bucket and key), names the
 * newest and the older versions still in RECEIVED that it replaces. Versions
 * already processing or finished keep their own outcome.
 *
 * @throws RangeError when `versions` is empty or mixes keys.
 */
export const supersessionOf = (versions: readonly LedgerEntry[]): Supersession => {
  const [first, ...rest] = versions;
  if (first === undefined) throw new RangeError('no versions given');
  if (rest.some((entry) => entry.bucket !== first.bucket || entry.key !== first.key)) {
    throw new RangeError('versions of different keys given');
  }
  const newest = rest.reduce((a, b) => (compareUploads(a, b) >= 0 ? a : b), first);
  return {
    newest,
    superseded: versions.filter(
      (entry) => entry.documentId !== newest.documentId && entry.status === 'RECEIVED',
    ),
  };
};
