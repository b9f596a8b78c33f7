// From parsed flags to a checked API request: --input first, flags on top (as --cli-input-json does),
// then every model constraint, before a single byte is sent.
import { OPERATIONS, SHAPES } from '../model/api.js';
import { validateShape, type Violation } from '../model/validate.js';
import type { ArgSpec, OptionSpec, Verb } from './command.js';
import type { Context } from './context.js';
import { UsageError } from './errors.js';
import { isArn, placeholderArn, resolveReference } from './resources.js';

/** The commander attribute for a flag: `--user-id <id>` → `userId`, `--no-wait` → `wait`. */
export function optionKey(flags: string): string {
  const long = flags.split(/[ ,|]+/).find((part) => part.startsWith('--'));
  if (!long) throw new Error(`flag without a long name: ${flags}`);
  return long.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function flagName(flags: string): string {
  return flags.split(/[ ,|]+/).find((part) => part.startsWith('--'))!;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), source);
}

type Bound = { field: string; label: string; resource?: OptionSpec['resource'] };

function boundInputs(verb: Verb<any>): Bound[] {
  const fromArgs = (verb.args ?? []).filter((a): a is ArgSpec & { field: string } => Boolean(a.field)).map((a) => ({ field: a.field, label: `<${a.name}>`, resource: a.resource }));
  const fromOptions = (verb.options ?? []).filter((o): o is OptionSpec & { field: string } => Boolean(o.field)).map((o) => ({ field: o.field, label: flagName(o.flags), resource: o.resource }));
  // --page-size becomes each request's maxResults, whose range differs per operation (1-50 for ListParticipantReplicas).
  const paging = verb.paginated ? [{ field: 'maxResults', label: '--page-size' }] : [];
  const placed = (verb.options ?? []).filter((o): o is OptionSpec & { reportsAs: string } => Boolean(o.reportsAs)).map((o) => ({ field: o.reportsAs, label: flagName(o.flags) }));
  return [...fromArgs, ...fromOptions, ...paging, ...placed];
}

export function argKey(arg: ArgSpec): string {
  return arg.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Merges --input (already parsed into options.input) with the flags and arguments bound to request members. */
export function buildRequest(verb: Verb<any>, options: Record<string, unknown>): Record<string, unknown> {
  const request = structuredClone((options.input as Record<string, unknown> | undefined) ?? {});
  for (const arg of verb.args ?? []) {
    const value = options[argKey(arg)];
    if (arg.field && value !== undefined) setPath(request, arg.field, value);
  }
  for (const option of verb.options ?? []) {
    const value = options[optionKey(option.flags)];
    if (option.field && value !== undefined) setPath(request, option.field, value);
  }
  return request;
}

function labelFor(verb: Verb<any>, exactPath: string): string {
  // List positions do not matter for naming the flag: `tokens[3].duration` is `tokens[].duration`.
  const path = exactPath.replace(/\[\d+\]/g, '[]');
  const match = boundInputs(verb)
    .filter((b) => path === b.field || path.startsWith(`${b.field}.`) || path.startsWith(`${b.field}[`) || path.startsWith(`${b.field} `))
    .sort((a, b) => b.field.length - a.field.length)[0];
  // A missing parent (`s3 is required`) is named by the flag that fills it (`--bucket`).
  const child = match ? undefined : boundInputs(verb).find((b) => b.field.startsWith(`${path}.`));
  if (child) return `${child.label} (${path})`;
  if (!match) return `input member ${path}`;
  return path === match.field ? match.label : `${match.label} (${path})`;
}

export function describe(verb: Verb<any>, violations: Violation[]): string {
  const lines = violations.map((v) => `${labelFor(verb, v.path)} ${v.rule}`);
  return lines.length === 1 ? lines[0]! : `${lines.length} problems:\n  ${lines.join('\n  ')}`;
}

/**
 * Checks the request against the operation's input shape and the verb's own rules; names are validated
 * as the ARNs they will become, and --page-size as the maxResults it will become.
 */
export function checkRequest(verb: Verb<any>, request: Record<string, unknown>, paging?: { pageSize?: number }): void {
  if (!verb.operation) return;
  const shapeName = OPERATIONS[verb.operation]!.input;
  const probe = structuredClone(request);
  if (verb.paginated && paging?.pageSize !== undefined) probe.maxResults = paging.pageSize;
  for (const [field, standIn] of Object.entries(verb.filledLater ?? {})) {
    if (getPath(probe, field) === undefined) setPath(probe, field, standIn);
  }
  for (const bound of boundInputs(verb)) {
    const value = getPath(probe, bound.field);
    if (bound.resource && typeof value === 'string' && value !== '' && !isArn(value)) setPath(probe, bound.field, placeholderArn(bound.resource));
  }
  const violations = [...validateShape(shapeName, probe, { rejectUnknown: true }), ...(verb.validate?.(probe) ?? [])];
  if (violations.length) throw new UsageError(describe(verb, violations));
}

export async function resolveReferences(ctx: Context, verb: Verb<any>, request: Record<string, unknown>): Promise<void> {
  for (const bound of boundInputs(verb)) {
    const value = getPath(request, bound.field);
    if (bound.resource && typeof value === 'string' && value !== '' && !isArn(value)) {
      setPath(request, bound.field, await resolveReference(ctx, bound.resource, value));
    }
  }
}

/** The largest maxResults a list operation takes (100 for most, 50 for ListParticipantReplicas). */
export function maxResultsOf(operation: string): number {
  const input = SHAPES[OPERATIONS[operation]!.input]!;
  const member = input.type === 'structure' ? input.members.maxResults : undefined;
  const shape = member ? SHAPES[member.shape] : undefined;
  return shape && shape.type === 'integer' && shape.max !== undefined ? shape.max : 100;
}

/** The member of a list operation's output that holds the items. */
export function resultKeyOf(operation: string): string {
  const output = SHAPES[OPERATIONS[operation]!.output]!;
  if (output.type !== 'structure') throw new Error(`${operation} output is not a structure`);
  const key = Object.entries(output.members).find(([name, m]) => name !== 'nextToken' && SHAPES[m.shape]?.type === 'list')?.[0];
  if (!key) throw new Error(`${operation} has no list member`);
  return key;
}
