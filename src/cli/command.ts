import type { Context } from './context.js';
import type { ResourceKind } from './resources.js';
import type { Violation } from '../model/validate.js';
import { sendOperation } from './operation.js';

export interface Example {
  command: string;
  description?: string;
}

/** How a flag's text becomes a request value. */
export type Parser =
  | 'string'
  | 'int'
  | 'float'
  | 'boolean'
  /** `k=v,k2=v2` (the AWS CLI shorthand) into a string map. */
  | 'keyValues'
  /** `a,b` into a list. */
  | 'list'
  /** `publish,subscribe` into ['PUBLISH', 'SUBSCRIBE']. */
  | 'upperList'
  /** `rtmps` into 'RTMPS'. */
  | 'upper';

export interface OptionSpec {
  /** commander flag syntax: `--name <name>`, `--force`. */
  flags: string;
  description: string;
  /** Where the value goes in the API request (dot path, e.g. `video.width`). Without it the flag is the verb's own. */
  field?: string;
  /**
   * For a flag the verb places itself (in `prepare`): the request path it ends up at, with `[]` for
   * any list item, so a model violation there is reported against the flag.
   */
  reportsAs?: string;
  parse?: Parser;
  /** Allowed values, for help and completion (validation still comes from the model). */
  choices?: readonly string[];
  /** A resource reference: accepts an ARN, id or name and is resolved before the call. */
  resource?: ResourceKind;
  /** For --no-x style booleans the default commander would otherwise assume. */
  defaultValue?: unknown;
}

export interface ArgSpec {
  name: string;
  description: string;
  /** Optional arguments may be filled in by the verb (e.g. the active session). */
  optional?: boolean;
  field?: string;
  resource?: ResourceKind;
}

export interface Column {
  header: string;
  /** Dot path into the row. */
  field: string;
  /** state: coloured by meaning; bool: yes/no on a terminal. Times and lists need none. */
  format?: 'state' | 'bool';
  /** Computes the cell from the whole row when one field is not enough (e.g. each destination's id and state). */
  value?: (row: Record<string, unknown>) => unknown;
}

/** How a response is shown to a person (tables) or a pipe (TSV); --json ignores it. */
export interface OutputSpec {
  /** Top-level key of the response holding the object or the list. */
  root?: string;
  /** Columns for a list, or the fields shown first for a single object. */
  columns?: Column[];
  /** A line on stderr (TTY only) after a call whose response is empty. */
  done?: (request: Record<string, unknown>) => string;
  /** Member names (at any depth) kept out of tables and TSV, given the verb's options (secrets); --json and --query show them. */
  conceal?: (options: Record<string, unknown>) => string[];
}

export interface Verb<Options = Record<string, unknown>> {
  description: string;
  examples: Example[];
  args?: ArgSpec[];
  options?: OptionSpec[];
  /** The API operation the verb wraps: enables --input, model validation and --debug naming. */
  operation?: string;
  /** Adds --max-items, --page-size and --starting-token and pages through every result. */
  paginated?: boolean;
  /** Asks before acting on a TTY; --yes skips the question. Returns the question. */
  confirm?: (request: Record<string, unknown>) => string;
  output?: OutputSpec;
  /**
   * Fills in what the user may leave out once references are resolved (e.g. the stage's active
   * session), for verbs that otherwise just send their operation.
   */
  prepare?: (ctx: Context, request: Record<string, unknown>, options: Options) => Promise<void>;
  /**
   * Rules the model states only in prose (one filter at a time, 1 KB of attributes, even dimensions),
   * checked with the model's constraints before anything is sent. Paths are request members; the
   * message names the flag bound to each.
   */
  validate?: (request: Record<string, unknown>) => Violation[];
  /** The verb retries and backs off itself (under a rate limiter); the SDK must not retry behind it. */
  ownRetries?: boolean;
  /** Stand-ins for the request members `prepare` fills, so the model check before any call passes. */
  filledLater?: Record<string, unknown>;
  run: (ctx: Context, options: Options) => Promise<unknown>;
}

export type VerbSpec<Options> = Omit<Verb<Options>, 'run'> & { run?: Verb<Options>['run'] };

export type VerbModule = { verb: Verb<any> };

/**
 * Declares a verb. A verb that names an operation and has no run of its own sends that operation:
 * request from flags and --input, model validation, name resolution, confirmation, pagination.
 */
export function defineVerb<Options = Record<string, unknown>>(spec: VerbSpec<Options>): Verb<Options> {
  if (spec.run) return spec as Verb<Options>;
  if (!spec.operation) throw new Error('a verb needs an operation or a run function');
  const verb: Verb<Options> = { ...spec, run: (ctx, options) => sendOperation(ctx, verb, options as Record<string, unknown>) };
  return verb;
}
