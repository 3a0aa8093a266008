/**
 * Counts Step Functions state transitions from an ASL definition: the success
 * path, the path through each state's catcher, and the extra transitions each
 * retrier can add. Standard workflows bill every state entered, retries
 * included, so these counts are what the cost model prices. A Choice state
 * is followed through its first rule (the designed path: admission admits
 * at the first ask); its other branches are data-dependent and not counted.
 */
import * as z from 'zod';

const RetrierSchema = z.looseObject({
  ErrorEquals: z.array(z.string()).min(1),
  MaxAttempts: z.number().int().min(0).optional(),
});
const CatcherSchema = z.looseObject({ ErrorEquals: z.array(z.string()).min(1), Next: z.string() });
const StateSchema = z.looseObject({
  Type: z.string(),
  Next: z.string().optional(),
  End: z.boolean().optional(),
  Retry: z.array(RetrierSchema).optional(),
  Catch: z.array(CatcherSchema).optional(),
  Parameters: z.looseObject({ FunctionName: z.string().optional() }).optional(),
  Choices: z.array(z.looseObject({ Next: z.string() })).optional(),
});
const DefinitionSchema = z.looseObject({
  StartAt: z.string(),
  States: z.record(z.string(), StateSchema),
});

/** ASL's default `MaxAttempts` when a retrier leaves it out. */
const DEFAULT_MAX_ATTEMPTS = 3;
/** State types that branch or fan out: their transitions depend on data, not on the definition. */
const UNSUPPORTED_TYPES: ReadonlySet<string> = new Set(['Parallel', 'Map']);

/** One retrier of one state. */
export interface RetrierCount {
  readonly errors: readonly string[];
  /** Extra transitions when every attempt is used. */
  readonly maxExtraTransitions: number;
}

/** Where a failure in one state of the success path goes, and what it costs. */
export interface FailurePath {
  /** The state on the success path that failed. */
  readonly failedState: string;
  /** States entered, from StartAt to the end of the catch path. */
  readonly states: readonly string[];
  readonly transitions: number;
}

/** Transition counts of one state machine. */
export interface TransitionCounts {
  readonly successPath: readonly string[];
  readonly successTransitions: number;
  /** One per success-path state whose catcher handles `States.ALL`. */
  readonly failurePaths: readonly FailurePath[];
  /** Retriers by state name, for every state that has any. */
  readonly retriers: Readonly<Record<string, readonly RetrierCount[]>>;
  /**
   * The Lambda function each task state invokes, by state name, read from a
   * `FunctionName` placeholder such as `${LoadDocumentFunctionArn}` (-> `load-document`).
   */
  readonly taskFunctions: Readonly<Record<string, string>>;
}

const FUNCTION_PLACEHOLDER = /^\$\{([A-Za-z0-9]+)FunctionArn\}$/;

/** `LoadDocument` -> `load-document`. */
const kebab = (name: string): string => name.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();

/** The definition uses something these counts cannot follow. */
export class UncountableDefinitionError extends Error {
  override readonly name = 'UncountableDefinition';
}

type State = z.infer<typeof StateSchema>;

const walk = (states: Record<string, State>, from: string): string[] => {
  const visited: string[] = [];
  let name: string | undefined = from;
  while (name !== undefined) {
    const state: State | undefined = states[name];
    if (state === undefined) throw new UncountableDefinitionError(`state ${name} is not defined`);
    if (UNSUPPORTED_TYPES.has(state.Type)) {
      throw new UncountableDefinitionError(`state ${name} is a ${state.Type} state`);
    }
    if (visited.includes(name)) throw new UncountableDefinitionError(`state ${name} loops`);
    visited.push(name);
    if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') return visited;
    name = state.Type === 'Choice' ? state.Choices?.[0]?.Next : state.Next;
    if (name === undefined)
      throw new UncountableDefinitionError(`state ${visited.at(-1)} has no Next`);
  }
  return visited;
};

/**
 * Counts transitions of a parsed ASL definition.
 *
 * @throws UncountableDefinitionError on Parallel or Map states, a Choice without rules, loops
 *   or dangling `Next` names; a ZodError when it is not an ASL object.
 */
export function countTransitions(definition: unknown): TransitionCounts {
  const { StartAt, States } = DefinitionSchema.parse(definition);
  const successPath = walk(States, StartAt);
  const failurePaths: FailurePath[] = [];
  for (const [index, name] of successPath.entries()) {
    const catcher = States[name]?.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
    if (!catcher) continue;
    const states = [...successPath.slice(0, index + 1), ...walk(States, catcher.Next)];
    failurePaths.push({ failedState: name, states, transitions: states.length });
  }
  const retriers: Record<string, RetrierCount[]> = {};
  const taskFunctions: Record<string, string> = {};
  for (const [name, state] of Object.entries(States)) {
    const placeholder = FUNCTION_PLACEHOLDER.exec(state.Parameters?.FunctionName ?? '');
    if (state.Type === 'Task' && placeholder?.[1]) taskFunctions[name] = kebab(placeholder[1]);
    if (!state.Retry || state.Retry.length === 0) continue;
    retriers[name] = state.Retry.map((r) => ({
      errors: r.ErrorEquals,
      maxExtraTransitions: r.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    }));
  }
  return {
    successPath,
    successTransitions: successPath.length,
    failurePaths,
    retriers,
    taskFunctions,
  };
}
