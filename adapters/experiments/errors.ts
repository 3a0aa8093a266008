/**
 * Errors the experiments repository raises when the table disagrees with a
 * command: unknown id, taken id, or a write that lost a race.
 */

/** No experiment with this id. */
export class ExperimentNotFoundError extends Error {
  override readonly name = 'ExperimentNotFoundError';
}

/** An experiment with this id already exists (ids are unique). */
export class ExperimentExistsError extends Error {
  override readonly name = 'ExperimentExistsError';
}

/**
 * The experiment or alias changed between read and write (another command
 * won the race); nothing was written. Re-read and try again.
 */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}
