/**
 * Log files the local runtime appends a line at a time (function logs,
 * invocation reports): one descriptor per file, opened on its first line and
 * kept open until `close`, so a line costs one write instead of an open, a
 * write and a close. Each write is handed to the kernel before it returns:
 * a process killed right after loses none of it.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface AppendFiles {
  /** Appends `text` to the file at `path`, opening it (append mode) on first use. */
  append(path: string, text: string): void;
  /** Closes every descriptor; a later `append` opens the file again. */
  close(): void;
}

export const openAppendFiles = (): AppendFiles => {
  const descriptors = new Map<string, number>();
  return {
    append(path, text) {
      let fd = descriptors.get(path);
      if (fd === undefined) {
        fd = openSync(path, 'a');
        descriptors.set(path, fd);
      }
      writeSync(fd, text);
    },
    close() {
      for (const fd of descriptors.values()) closeSync(fd);
      descriptors.clear();
    },
  };
};
