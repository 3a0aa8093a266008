/**
 * What `medextract process` accepts as arguments: files, folders (their
 * `*.pdf` files, any case, not recursive) and wildcard patterns the shell
 * left unexpanded; each file is checked to be a PDF before anything is
 * uploaded. Problems name the argument by position, never by file name.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './output.ts';

/** The same header rule the load-document task applies: `%PDF-` within the first 1 KiB. */
const PDF_MAGIC = '%PDF-';
const HEADER_WINDOW = 1024;

const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** A shell-style pattern for one path segment (`*`, `?`), matched case-insensitively. */
const segmentPattern = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) =>
        c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('')}$`,
    'i',
  );

const isPdfName = (name: string): boolean => name.toLowerCase().endsWith('.pdf');

const filesIn = (folder: string, keep: (name: string) => boolean): string[] =>
  readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(folder, entry.name))
    .sort();

/** Why a file is not something to upload, or null when it is a PDF. */
export const pdfProblem = (path: string): string | null => {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEADER_WINDOW);
    const read = readSync(fd, head, 0, HEADER_WINDOW, 0);
    if (read === 0) return 'empty file';
    if (!head.subarray(0, read).toString('latin1').includes(PDF_MAGIC)) {
      return `not a PDF (no ${PDF_MAGIC} header in the first ${HEADER_WINDOW} bytes)`;
    }
    return null;
  } finally {
    closeSync(fd);
  }
};

/**
 * Expands the arguments into the PDF files to upload, in argument order
 * without duplicates, or throws a UsageError (exit 2) for the first argument
 * that is missing, unreadable, matches nothing or is not a PDF.
 */
export const expandPdfArguments = (args: readonly string[]): string[] => {
  const files: string[] = [];
  args.forEach((arg, index) => {
    const which = `argument ${index + 1}`;
    let candidates: string[];
    let explicit = false;
    if (hasWildcard(basename(arg)) && !hasWildcard(dirname(arg))) {
      const folder = dirname(arg);
      const pattern = segmentPattern(basename(arg));
      let names: string[];
      try {
        names = filesIn(folder, (name) => pattern.test(name));
      } catch {
        throw new UsageError(`${which}: the pattern's folder does not exist or cannot be read`);
      }
      candidates = names;
      if (candidates.length === 0) throw new UsageError(`${which}: the pattern matches no file`);
    } else if (hasWildcard(arg)) {
      throw new UsageError(
        `${which}: wildcards are supported in the file name only, not in folders`,
      );
    } else {
      let stats: ReturnType<typeof statSync>;
      try {
        stats = statSync(arg);
      } catch {
        throw new UsageError(`${which}: no such file or folder`);
      }
      if (stats.isDirectory()) {
        candidates = filesIn(arg, isPdfName);
        if (candidates.length === 0) throw new UsageError(`${which}: the folder has no .pdf files`);
      } else if (stats.isFile()) {
        candidates = [arg];
        explicit = true;
      } else {
        throw new UsageError(`${which}: not a regular file or folder`);
      }
    }
    for (const file of candidates) {
      let problem: string | null;
      try {
        problem = pdfProblem(file);
      } catch {
        problem = 'cannot be read';
      }
      if (problem) {
        const what = explicit ? which : `${which}, a matching file`;
        throw new UsageError(`${what}: ${problem}`);
      }
      if (!files.includes(file)) files.push(file);
    }
  });
  return files;
};
