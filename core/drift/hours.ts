/**
 * UTC hour labels as the roll-ups key them (`2026-11-27T15`): parsing,
 * stepping and the windows a drift run looks at.
 */

const HOUR_MS = 3_600_000;
const HOUR_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

/** True for a well-formed hour label. */
export const isHourLabel = (value: string): boolean =>
  HOUR_PATTERN.test(value) && !Number.isNaN(Date.parse(`${value}:00:00Z`));

/** Start of the hour in ms since the epoch; throws on a malformed label. */
export const hourStartMs = (hour: string): number => {
  if (!isHourLabel(hour)) throw new RangeError(`not an hour label (YYYY-MM-DDTHH): ${hour}`);
  return Date.parse(`${hour}:00:00Z`);
};

/** The label of the hour holding `ms`. */
export const hourLabel = (ms: number): string => new Date(ms).toISOString().slice(0, 13);

/** `hour` moved by `delta` hours. */
export const addHours = (hour: string, delta: number): string =>
  hourLabel(hourStartMs(hour) + delta * HOUR_MS);

/** The last hour that has ended at `nowMs`. */
export const lastCompleteHour = (nowMs: number): string => hourLabel(nowMs - HOUR_MS);

/** `count` consecutive hour labels ending at `last`, oldest first. */
export const hoursEndingAt = (last: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => addHours(last, i - count + 1));
