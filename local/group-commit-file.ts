/**
 * An append-only file with group commit, for the local runtime's journals:
 * appends made while a write is on its way are gathered and written (and
 * fdatasynced) together in the next one, off the event loop, and each
 * append's promise resolves only once its bytes are on disk. With
 * `writeOnAppend`, each append writes its bytes before it returns (they are
 * then the kernel's, so a process killed right after loses none of them) and
 * only the fdatasync is grouped.
 */
import { closeSync, fdatasync, fsyncSync, openSync, writeSync, writev } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const writevAsync = promisify(writev);
const fdatasyncAsync = promisify(fdatasync);

export interface GroupCommitFile {
  /** Queues `data`; resolves once it, and everything queued before it, is on disk. */
  append(data: Buffer | string): Promise<void>;
  /** Resolves once everything queued so far is on disk. */
  sync(): Promise<void>;
  /** Syncs, then closes the file; appends after this reject. */
  close(): Promise<void>;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Makes a new file's directory entry durable, so the file itself survives a crash. */
const syncDirectory = (path: string): void => {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};

/** Opens `path` for appending (creating it, and syncing its folder, if new). */
export const openGroupCommitFile = (
  path: string,
  options: {
    created?: boolean;
    /** Write each append at once, on the caller's thread; group only the fdatasync. */
    writeOnAppend?: boolean;
  } = {},
): GroupCommitFile => {
  const fd = openSync(path, 'a');
  if (options.created) syncDirectory(path);
  let queued: Buffer[] = [];
  let waiters: Waiter[] = [];
  let writing: Promise<void> | undefined;
  let closed = false;

  const writeGroup = async (): Promise<void> => {
    while (queued.length > 0 || waiters.length > 0) {
      const buffers = queued;
      const group = waiters;
      queued = [];
      waiters = [];
      try {
        let rest = buffers;
        while (rest.length > 0) {
          let written = (await writevAsync(fd, rest)).bytesWritten;
          // A short write: drop what went out and write the remainder.
          const remaining: Buffer[] = [];
          for (const buffer of rest) {
            if (written >= buffer.length) written -= buffer.length;
            else {
              remaining.push(buffer.subarray(written));
              written = 0;
            }
          }
          rest = remaining;
        }
        await fdatasyncAsync(fd);
        for (const waiter of group) waiter.resolve();
      } catch (error) {
        for (const waiter of group) waiter.reject(error);
      }
    }
  };

  const schedule = (): void => {
    if (writing) return;
    // setImmediate: appends of the same tick join the group.
    writing = new Promise<void>((resolve) => setImmediate(resolve)).then(writeGroup).finally(() => {
      writing = undefined;
      if (queued.length > 0 || waiters.length > 0) schedule();
    });
  };

  const file: GroupCommitFile = {
    append: (data) => {
      if (closed) return Promise.reject(new Error('GROUP_COMMIT_CLOSED: the file is closed'));
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      if (options.writeOnAppend) {
        for (let offset = 0; offset < bytes.length; ) {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        }
      } else {
        queued.push(bytes);
      }
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      schedule();
      return done;
    },
    sync: async () => {
      while (writing || queued.length > 0 || waiters.length > 0) {
        if (!writing) schedule();
        await writing;
      }
    },
    close: async () => {
      if (closed) return;
      await file.sync();
      closed = true;
      closeSync(fd);
    },
  };
  return file;
};
