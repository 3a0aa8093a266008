/**
 * The local function logs (`.data/logs/<function>.log`, one line per line the
 * function wrote) as `medextract logs` shows them: EMF metric lines left out
 * unless asked for, several functions merged by time, the last n kept.
 */

export interface LogLine {
  readonly fn: string;
  readonly text: string;
  /** Milliseconds since the epoch from the line's own timestamp, when it has one. */
  readonly at: number | null;
}

const parsed = (text: string): object | null => {
  if (!text.startsWith('{')) return null;
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null ? json : null;
  } catch {
    return null;
  }
};

/** True for an embedded-metric-format line: a JSON object with an `_aws` object. */
export const isEmfLine = (text: string): boolean => {
  const json = text.includes('"_aws"') ? parsed(text) : null;
  return json !== null && '_aws' in json && typeof json._aws === 'object' && json._aws !== null;
};

/** The line's timestamp: Powertools' `timestamp` (ISO) or EMF's `_aws.Timestamp` (ms). */
export const lineTime = (text: string): number | null => {
  const json = parsed(text);
  if (json === null) return null;
  if ('timestamp' in json && typeof json.timestamp === 'string') {
    const ms = Date.parse(json.timestamp);
    return Number.isNaN(ms) ? null : ms;
  }
  if ('_aws' in json && typeof json._aws === 'object' && json._aws !== null) {
    const aws = json._aws;
    if ('Timestamp' in aws && typeof aws.Timestamp === 'number') return aws.Timestamp;
  }
  return null;
};

/** The lines of one file's text, without the empty last line. */
export const linesOf = (fn: string, content: string, includeEmf: boolean): LogLine[] =>
  content
    .split('\n')
    .filter((text) => text.length > 0 && (includeEmf || !isEmfLine(text)))
    .map((text) => ({ fn, text, at: lineTime(text) }));

/**
 * Several functions' lines in time order (a line without a time keeps the
 * place after the line before it in its own file), the last `limit` of them.
 */
export const mergeLines = (perFunction: readonly LogLine[][], limit: number): LogLine[] => {
  const keyed = perFunction.flatMap((lines) => {
    let last = Number.NEGATIVE_INFINITY;
    return lines.map((line, index) => {
      if (line.at !== null) last = line.at;
      return { line, key: last, index };
    });
  });
  keyed.sort((a, b) => a.key - b.key || a.index - b.index);
  return keyed.slice(Math.max(0, keyed.length - limit)).map((k) => k.line);
};

/** How a line prints: prefixed with its function when several are shown. */
export const formatLine = (line: LogLine, prefix: boolean): string =>
  prefix ? `${line.fn.padEnd(14)} ${line.text}` : line.text;
