/**
 * Reads a "since" as the metrics use cases take it: an ISO time, or a
 * duration back from now (`90m`, `24h`, `7d`). Roll-ups are hourly, so the
 * window starts at that hour.
 */
import { InvalidInputError } from './service-error.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const parseSinceText = (text: string, now: Date = new Date()): Date => {
  const relative = /^(\d+)([mhd])$/.exec(text.trim());
  if (relative) {
    const unit = relative[2] === 'm' ? UNIT_MS.m : relative[2] === 'd' ? UNIT_MS.d : UNIT_MS.h;
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const parsed = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(parsed)) return new Date(parsed);
  throw new InvalidInputError(
    'INVALID_SINCE',
    'since is an ISO time or a duration like 24h, 90m, 7d',
    'since',
  );
};
