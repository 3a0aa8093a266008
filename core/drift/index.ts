/** The drift analyser's public surface. */
export { analyseDrift } from './analyse.ts';
export { cusum, cusumThreshold, HOURS_PER_YEAR } from './cusum.ts';
export { addHours, hoursEndingAt, isHourLabel, lastCompleteHour } from './hours.ts';
export * from './types.ts';
