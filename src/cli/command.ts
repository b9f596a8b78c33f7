// What a verb is: its flags, arguments, the operation it sends and how its result is shown. Types only
// (and defineVerb): the pipeline that runs a verb lives in operation.ts, the commander set-up in program.ts.
import type { Context } from './context.js';
import type { ResourceKind } from './resources.js';
import type { Violation } from '../model/validate.js';
import type { InputOf, OperationName } from '../model/api.js';

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
  /**
   * One line for the lists of `--help`, docs and completion. scripts/gen-registry.mjs copies it (with
   * `order` and `aliases`, written as literals) into the registry, so those lists load no verb.
   */
  summary: string;
  /** Where the verb comes among its noun's verbs (or the top-level commands) in those lists, ascending. */
  order: number;
  /** Other names of the verb (`ls`): they run it but are not offered. */
  aliases?: readonly string[];
  description: string;
  examples: Example[];
  args?: readonly ArgSpec[];
  options?: readonly OptionSpec[];
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

/** What the registry lists of a verb, declared in the verb's own file (see `summary`). */
export type Listing = Pick<Verb, 'summary' | 'order' | 'aliases'>;

/** -y, --yes: for a verb that asks before acting (its `confirm`, or ctx.confirm in its own run). */
export const yesOption = { flags: '-y, --yes', description: 'do not ask for confirmation' } as const satisfies OptionSpec;

// A verb's parsed flags and arguments, typed from their declarations (as wrangler types a handler's
// arguments from its yargs builder): the key commander gives each flag, and the value its parser makes.

/** `data-dir` → `dataDir`, as commander names a flag's value and argKey an argument's. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
/** The long name in commander's flag syntax: `-y, --yes` → `yes`, `--data-dir <dir>` → `data-dir`. */
type LongName<Flags extends string> = Flags extends `${string}--${infer Rest}` ? (Rest extends `${infer Name} ${string}` ? Name : Rest) : never;
/** The key of a flag's value: `--no-watch` sets `watch`. */
export type FlagKey<Flags extends string> = LongName<Flags> extends `no-${infer Negated}` ? Camel<Negated> : Camel<LongName<Flags>>;
type TakesValue<Flags extends string> = Flags extends `${string}<${string}` | `${string}[${string}` ? true : false;
/** What each parser (parsers.ts parseValue) makes of a flag's text. */
interface ParsedValues {
  string: string;
  int: number;
  float: number;
  boolean: boolean;
  keyValues: Record<string, string>;
  list: string[];
  upperList: string[];
  upper: string;
  items: Record<string, unknown>[];
}
type ParserOf<Spec extends OptionSpec> = Spec extends { parse: infer P extends Parser } ? P : 'string';
/** A flag with `choices` holds one of them (upper-cased by `upper` and `upperList`): the model or the emulator refuses anything else. */
type Chosen<Spec extends OptionSpec, Value> = Spec extends { choices: readonly (infer C extends string)[] }
  ? ParserOf<Spec> extends 'upper' ? Uppercase<C> : ParserOf<Spec> extends 'upperList' ? Uppercase<C>[] : ParserOf<Spec> extends 'string' ? C : Value
  : Value;
type FlagValue<Spec extends OptionSpec> = TakesValue<Spec['flags']> extends true ? Chosen<Spec, ParsedValues[ParserOf<Spec>]> : boolean;
/** A flag that always has a value: a default, or a `--no-x` (commander's default true). */
type AlwaysSet<Spec extends OptionSpec> = Spec extends { defaultValue: {} } ? true : LongName<Spec['flags']> extends `no-${string}` ? true : false;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The parsed flags and arguments of a verb that declares `Options` and `Args` (and --input, which an operation verb has). */
export type Typed<Options extends readonly OptionSpec[], Args extends readonly ArgSpec[] = readonly []> = Simplify<
  { input?: Record<string, unknown> } & { [S in Options[number] as AlwaysSet<S> extends true ? FlagKey<S['flags']> : never]: FlagValue<S> } & {
    [S in Options[number] as AlwaysSet<S> extends true ? never : FlagKey<S['flags']>]?: FlagValue<S>;
  } & { [S in Args[number] as S extends { optional: true } ? never : Camel<S['name']>]: string } & {
    [S in Args[number] as S extends { optional: true } ? Camel<S['name']> : never]?: string;
  }
>;

/** How deep request paths go: the deepest a verb binds is `list[].member` (two levels); the model's inputs nest no deeper than four. */
type Depth = [never, 0, 1, 2, 3];
type Under<Key extends string, Value, D extends number> = Value extends readonly (infer Item)[]
  ? `${Key}[].${RequestPath<Item, D>}`
  : Value extends Date | string | number | boolean | Uint8Array
    ? never
    : `${Key}.${RequestPath<Value, D>}`;
/** Every path `field` may name in a request of type T: `name`, `video.width`, `participantTokenConfigurations[].userId`. */
export type RequestPath<T, D extends number = 4> = [D] extends [never]
  ? never
  : T extends object
    ? { [K in keyof T & string]-?: K | Under<K, NonNullable<T[K]>, Depth[D]> }[keyof T & string]
    : never;
/** The `field` paths declared with literal types (a list built at run time is checked by test/architecture/verbs.test.ts). */
type DeclaredFields<Options extends readonly OptionSpec[], Args extends readonly ArgSpec[]> = Extract<Options[number] | Args[number], { field: string }>['field'] extends infer F
  ? F extends string
    ? string extends F
      ? never
      : F
    : never
  : never;
/** Nothing, when every bound flag names a member of the operation's request; else a member the spec lacks, naming the bad paths. */
type FieldsCheck<Op extends OperationName, Options extends readonly OptionSpec[], Args extends readonly ArgSpec[]> = [Op] extends [never]
  ? unknown
  : [Exclude<DeclaredFields<Options, Args>, RequestPath<InputOf<Op>>>] extends [never]
    ? unknown
    : { 'fields that are not members of the request': Exclude<DeclaredFields<Options, Args>, RequestPath<InputOf<Op>>> };

/** A verb as declared: its flags and arguments, from which the type of what its functions are given is inferred. */
export type VerbSpec<Options extends readonly OptionSpec[], Args extends readonly ArgSpec[]> = Omit<Verb<Typed<Options, Args>>, 'options' | 'args'> & {
  options?: Options;
  args?: Args;
};

/** A verb with a run of its own, which another verb may call (demo runs watch). */
export type RunnableVerb<Options extends object> = Verb<Options> & Required<Pick<Verb<Options>, 'run'>>;

/**
 * Declares a verb; a verb with an operation and no run of its own sends that operation. What `run`,
 * `shape` and `output` are given is typed from `options` and `args` (Typed): each flag declared once.
 */
export function defineVerb<const Options extends readonly OptionSpec[] = readonly [], const Args extends readonly ArgSpec[] = readonly [], Op extends OperationName = never>(
  spec: VerbSpec<Options, Args> & { operation?: Op } & Required<Pick<Verb<Typed<Options, Args>>, 'run'>> & FieldsCheck<Op, Options, Args>,
): RunnableVerb<Typed<Options, Args>>;
export function defineVerb<const Options extends readonly OptionSpec[] = readonly [], const Args extends readonly ArgSpec[] = readonly [], Op extends OperationName = never>(
  spec: VerbSpec<Options, Args> & { operation?: Op } & FieldsCheck<Op, Options, Args>,
): Verb<Typed<Options, Args>>;
export function defineVerb(spec: Verb<object>): Verb<object> {
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

/** A verb as the registry holds it (commands/index.ts, generated from the verb files). */
export interface Entry {
  /** [noun, verb], or [command] for a top-level command such as `watch`. */
  path: string[];
  summary: string;
  aliases?: readonly string[];
  load: () => Promise<VerbModule>;
}

/** Every command ivsrt has: given to main, help, docs and completion by the composition root. */
export interface Registry {
  nouns: Noun[];
  commands: Entry[];
}
