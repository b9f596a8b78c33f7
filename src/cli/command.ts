// What a verb is: its flags, arguments, the operation it sends and how its result is shown. Types only
// (and defineVerb): the pipeline that runs a verb lives in operation.ts, the commander set-up in program.ts.
import type { Context } from './context.js';
import type { ResourceKind } from './resources.js';
import type { Violation } from '../model/validate.js';
import type { OperationName } from '../model/api.js';

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
  | 'upper'
  /** `3` into three empty items, which the flags bound to `list[].member` then fill (one per token). */
  | 'items';

export interface OptionSpec {
  /** commander flag syntax: `--name <name>`, `--force`. */
  flags: string;
  description: string;
  /**
   * Where the value goes in the API request (dot path, e.g. `video.width`); `list[].member` sets the
   * member on every item of the list. Without it the flag is the verb's own.
   */
  field?: string;
  parse?: Parser;
  /** Allowed values, for help and completion (validation still comes from the model). */
  choices?: readonly string[];
  /** A resource reference: accepts an ARN, id or name and is resolved before the call. */
  resource?: ResourceKind;
  /** For --no-x style booleans the default commander would otherwise assume. */
  defaultValue?: unknown;
  fallback?: ArgSpec['fallback'];
  /** Accepted but left out of help, docs and completion: an old spelling kept working (e.g. `--stage` where the stage became positional). */
  hidden?: boolean;
}

export interface ArgSpec {
  name: string;
  description: string;
  optional?: boolean;
  field?: string;
  resource?: ResourceKind;
  /**
   * Fills the member when it is left out, once the names in the request are resolved (the stage's
   * active session); `typed` is the verb's parsed flags and arguments, for messages.
   */
  fallback?(ctx: Context, request: Record<string, unknown>, typed: Record<string, unknown>): Promise<unknown>;
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
export interface OutputSpec<Options extends object = Record<string, unknown>> {
  /** Top-level key of the response holding the object or the list. */
  root?: string;
  /** Columns for a list, or the fields shown first for a single object. */
  columns?: Column[];
  /** A line on stderr (TTY only) after a call whose response is empty, naming things as the user typed them. */
  done?(typed: Options): string;
  /** Member names (at any depth) kept out of tables and TSV, given the verb's options (secrets); --json and --query show them. */
  conceal?(typed: Options): string[];
}

/**
 * A verb's flags and arguments once parsed (`Options`), and what it does with them. Methods rather than
 * function-valued properties, so a Verb<SomeOptions> is also a Verb<object> in the registry.
 */
export interface Verb<Options extends object = Record<string, unknown>> {
  description: string;
  examples: Example[];
  args?: ArgSpec[];
  options?: OptionSpec[];
  /** The API operation the verb wraps: enables --input, model validation and --debug naming. */
  operation?: OperationName;
  /** Adds --max-items, --page-size and --starting-token and pages through every result. */
  paginated?: boolean;
  /** The question asked before sending the operation, on a terminal; add yesOption to the options so scripts can answer it. */
  confirm?(request: Record<string, unknown>): string;
  output?: OutputSpec<Options>;
  /**
   * Places flags that do not map to one request member (a composition's destinations), after the
   * bound flags and --input are merged and before names are resolved; throws a UsageError naming the flag.
   */
  shape?(request: Record<string, unknown>, typed: Options): void;
  /**
   * Rules the model states only in prose (one filter at a time, 1 KB of attributes, even dimensions),
   * checked with the model's constraints before anything is sent. Paths are request members; the
   * message names the flag bound to each.
   */
  validate?(request: Record<string, unknown>): Violation[];
  /** The verb retries and backs off itself (under a rate limiter); the SDK must not retry behind it. */
  ownRetries?: boolean;
  /** What the verb does; without it, the verb sends its operation (operation.ts runVerb). */
  run?(ctx: Context, typed: Options): Promise<unknown>;
}

/** Any verb, as the registry holds them. */
export type AnyVerb = Verb<object>;

export type VerbModule = { verb: AnyVerb };

/** -y, --yes: for a verb that asks before acting (its `confirm`, or ctx.confirm in its own run). */
export const yesOption: OptionSpec = { flags: '-y, --yes', description: 'do not ask for confirmation' };

/** A verb with a run of its own, which another verb may call (demo runs watch). */
export type RunnableVerb<Options extends object> = Verb<Options> & Required<Pick<Verb<Options>, 'run'>>;

/** Declares a verb; a verb with an operation and no run of its own sends that operation. */
export function defineVerb<Options extends object = Record<string, unknown>>(spec: RunnableVerb<Options>): RunnableVerb<Options>;
export function defineVerb<Options extends object = Record<string, unknown>>(spec: Verb<Options>): Verb<Options>;
export function defineVerb<Options extends object>(spec: Verb<Options>): Verb<Options> {
  if (!spec.run && !spec.operation) throw new Error('a verb needs an operation or a run function');
  return spec;
}

/** A group of verbs (`stage`, `token`) as `ivsrt --help` lists it. */
export interface Noun {
  name: string;
  summary: string;
  /** Group heading in `ivsrt --help`. */
  group: 'Stages' | 'Media' | 'Configuration' | 'Local' | 'Tools';
}

export interface Entry {
  /** [noun, verb], or [command] for a top-level command such as `watch`. */
  path: string[];
  summary: string;
  aliases?: string[];
  hidden?: boolean;
  load: () => Promise<VerbModule>;
}

/** Every command ivsrt has: given to main, help, docs and completion by the composition root. */
export interface Registry {
  nouns: Noun[];
  commands: Entry[];
}
