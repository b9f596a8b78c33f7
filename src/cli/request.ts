// From parsed flags to a checked API request: --input first, flags on top (as --cli-input-json does),
// names resolved to ARNs, then every model constraint, before the operation is sent.
import { OPERATIONS, SHAPES, type OperationName } from '../model/api.js';
import { validateShape, type Violation } from '../model/validate.js';
import type { AnyVerb, ArgSpec, OptionSpec } from './command.js';
import type { Context } from './context.js';
import { UsageError } from './errors.js';
import { isArn, REFERENCE_SHAPES, resolveReference, type ResourceKind } from './resources.js';

/** The commander attribute for a flag: `--user-id <id>` → `userId`, `--no-wait` → `wait`. */
export function optionKey(flags: string): string {
  const long = flags.split(/[ ,|]+/).find((part) => part.startsWith('--'));
  if (!long) throw new Error(`flag without a long name: ${flags}`);
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function flagName(flags: string): string {
  return flags.split(/[ ,|]+/).find((part) => part.startsWith('--'))!;
}

/** Sets a dot path, creating objects on the way; through `list[]` it sets the rest on every item of the list. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, rest] = splitAtList(path);
  if (rest !== undefined) {
    const list = getPath(target, head);
    if (Array.isArray(list)) for (const item of list) if (typeof item === 'object' && item !== null) setPath(item as Record<string, unknown>, rest, structuredClone(value));
    return;
  }
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/** `tokens[].duration` → ['tokens', 'duration']; a path without `[]` → [path, undefined]. */
function splitAtList(path: string): [string, string | undefined] {
  const at = path.indexOf('[].');
  return at < 0 ? [path, undefined] : [path.slice(0, at), path.slice(at + 3)];
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), source);
}

/** A request member a flag or an argument fills; `key` is its value's name among the parsed flags. */
type Bound = { field: string; label: string; key: string; fallback?: ArgSpec['fallback'] };

function boundInputs(verb: AnyVerb): Bound[] {
  const fromArgs = (verb.args ?? []).filter((a): a is ArgSpec & { field: string } => Boolean(a.field)).map((a) => ({ field: a.field, label: `<${a.name}>`, key: argKey(a), fallback: a.fallback }));
  const fromOptions = (verb.options ?? []).filter((o): o is OptionSpec & { field: string } => Boolean(o.field)).map((o) => ({ field: o.field, label: flagName(o.flags), key: optionKey(o.flags), fallback: o.fallback }));
  // --page-size becomes each request's maxResults, whose range differs per operation (1-50 for ListParticipantReplicas).
  const paging = verb.paginated ? [{ field: 'maxResults', label: '--page-size', key: 'pageSize' }] : [];
  return [...fromArgs, ...fromOptions, ...paging];
}

export function argKey(arg: ArgSpec): string {
  return arg.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Merges --input (already parsed into typed.input) with the flags and arguments bound to request
 * members, in the order the verb declares them, then lets the verb place the flags it shapes itself.
 */
export function buildRequest(verb: AnyVerb, typed: Record<string, unknown>): Record<string, unknown> {
  const request = structuredClone((typed.input as Record<string, unknown> | undefined) ?? {});
  for (const arg of verb.args ?? []) {
    const value = typed[argKey(arg)];
    if (arg.field && value !== undefined) setPath(request, arg.field, value);
  }
  for (const option of verb.options ?? []) {
    const value = typed[optionKey(option.flags)];
    if (option.field && value !== undefined) setPath(request, option.field, value);
  }
  verb.shape?.(request, typed);
  return request;
}

/**
 * How a problem names its member: by the flag or argument that fills it, or as an --input member. `typed` (the
 * parsed flags) tells a value from --input apart from one a flag gave: `--input` with a bad
 * `participantTokenConfigurations[0].duration` is that member, not `--duration`, which the user never typed.
 */
function labelFor(verb: AnyVerb, violation: Violation, typed?: Record<string, unknown>): string {
  const exactPath = violation.path;
  // List positions do not matter for naming the flag: `tokens[3].duration` is `tokens[].duration`.
  const path = exactPath.replace(/\[\d+\]/g, '[]');
  const match = boundInputs(verb)
    .filter((b) => path === b.field || path.startsWith(`${b.field}.`) || path.startsWith(`${b.field}[`) || path.startsWith(`${b.field} `))
    .sort((a, b) => b.field.length - a.field.length)[0];
  // A missing parent (`s3 is required`) is named by the flag that fills it (`--bucket`).
  const child = match ? undefined : boundInputs(verb).find((b) => b.field.startsWith(`${path}.`));
  if (child) return `${child.label} (${path})`;
  if (!match) return `input member ${path}`;
  // A member that is missing is still best named by the flag that would fill it.
  if (typed && typed[match.key] === undefined && typed.input !== undefined && !violation.rule.endsWith('is required')) return `input member ${exactPath}`;
  return path === match.field ? match.label : `${match.label} (${path})`;
}

export function describe(verb: AnyVerb, violations: Violation[], typed?: Record<string, unknown>): string {
  const lines = violations.map((v) => `${labelFor(verb, v, typed)} ${v.rule}`);
  return lines.length === 1 ? lines[0]! : `${lines.length} problems:\n  ${lines.join('\n  ')}`;
}

/** A member the model types as the ARN of one of our resource kinds, where a name or id may stand instead. */
interface Reference {
  path: string;
  kind: ResourceKind;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  value: string;
}

/** Every reference in the request that is a name or an id still to be resolved, in member order. */
function unresolved(shapeName: string, value: unknown, path: string, out: Reference[]): Reference[] {
  const shape = SHAPES[shapeName];
  if (shape?.type === 'structure' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [name, member] of Object.entries(shape.members)) {
      const v = record[name];
      const kind = REFERENCE_SHAPES[member.shape];
      const at = path ? `${path}.${name}` : name;
      if (kind && typeof v === 'string' && v !== '' && !isArn(v)) out.push({ path: at, kind, holder: record, key: name, value: v });
      else if (v !== undefined && v !== null) unresolved(member.shape, v, at, out);
    }
  } else if (shape?.type === 'list' && Array.isArray(value)) {
    const kind = REFERENCE_SHAPES[shape.member];
    value.forEach((v, i) => {
      if (kind && typeof v === 'string' && v !== '' && !isArn(v)) out.push({ path: `${path}[${i}]`, kind, holder: value, key: i, value: v });
      else unresolved(shape.member, v, `${path}[${i}]`, out);
    });
  }
  return out;
}

function inputShape(verb: AnyVerb): string {
  return OPERATIONS[verb.operation!]!.input;
}

/**
 * Checks the request against the operation's input shape and the verb's own rules, with --page-size as
 * the maxResults it becomes. `beforeResolving` leaves out what resolution fills in (names, defaults),
 * so a bad flag is reported before any lookup is sent.
 */
export function checkRequest(verb: AnyVerb, request: Record<string, unknown>, paging?: { pageSize?: number }, options: { beforeResolving?: boolean; typed?: Record<string, unknown> } = {}): void {
  if (!verb.operation) return;
  const probe = structuredClone(request);
  if (verb.paginated && paging?.pageSize !== undefined) probe.maxResults = paging.pageSize;
  let violations = [...validateShape(inputShape(verb), probe, { rejectUnknown: true, documented: true }), ...(verb.validate?.(probe) ?? [])];
  if (options.beforeResolving) {
    const pending = [
      ...unresolved(inputShape(verb), probe, '', []).map((r) => r.path),
      ...boundInputs(verb).filter((b) => b.fallback && getPath(probe, b.field) === undefined).map((b) => b.field),
    ];
    violations = violations.filter((v) => !pending.some((p) => v.path === p || v.path.startsWith(`${p}.`) || v.path.startsWith(`${p}[`)));
  }
  if (violations.length) throw new UsageError(describe(verb, violations, options.typed));
}

/** Replaces names and ids with ARNs wherever the model expects one of ours, then fills the members left out that have a fallback. */
export async function resolveRequest(ctx: Context, verb: AnyVerb, request: Record<string, unknown>, typed: Record<string, unknown>): Promise<void> {
  if (!verb.operation) return;
  for (const ref of unresolved(inputShape(verb), request, '', [])) {
    const resolved = await resolveReference(ctx, ref.kind, ref.value);
    if (Array.isArray(ref.holder)) ref.holder[ref.key as number] = resolved;
    else ref.holder[ref.key as string] = resolved;
  }
  for (const bound of boundInputs(verb)) {
    if (bound.fallback && getPath(request, bound.field) === undefined) setPath(request, bound.field, await bound.fallback(ctx, request, typed));
  }
}

/** The largest maxResults a list operation takes (100 for most, 50 for ListParticipantReplicas). */
export function maxResultsOf(operation: OperationName): number {
  const input = SHAPES[OPERATIONS[operation]!.input]!;
  const member = input.type === 'structure' ? input.members.maxResults : undefined;
  const shape = member ? SHAPES[member.shape] : undefined;
  return shape && shape.type === 'integer' && shape.max !== undefined ? shape.max : 100;
}

/** The member of a list operation's output that holds the items. */
export function resultKeyOf(operation: OperationName): string {
  const output = SHAPES[OPERATIONS[operation]!.output]!;
  if (output.type !== 'structure') throw new Error(`${operation} output is not a structure`);
  const key = Object.entries(output.members).find(([name, m]) => name !== 'nextToken' && SHAPES[m.shape]?.type === 'list')?.[0];
  if (!key) throw new Error(`${operation} has no list member`);
  return key;
}
