// Wherever a resource is expected a user may type its ARN, its id or its name. Names and ids are
// resolved by listing, because the API takes only ARNs. One rule ranks the matches, for the CLI and
// for completion alike: an id that matches exactly one resource wins, else the name.
import type { Context } from './context.js';
import { ServiceError, UsageError } from './errors.js';
import { paginate } from './paginate.js';
import { arnId } from '../model/arn.js';
import type { OperationName } from '../model/api.js';
import { ARN_KINDS, RESOURCES, type CliKind } from '../model/resources.js';

/** A kind as flags name it (`resource: 'encoder-config'`), or `any` for a member that takes every kind (tagging). */
export type ResourceKind = CliKind | 'any';
export type ListedKind = CliKind;

interface KindInfo {
  list: OperationName;
  resultKey: string;
  noun: string;
  /** The ivsrt command that lists this kind, for hints. */
  listCommand: string;
}

export const KINDS = Object.fromEntries(
  ARN_KINDS.map((kind) => {
    const { cli, list, listKey, noun } = RESOURCES[kind];
    return [cli, { list, resultKey: listKey, noun, listCommand: `ivsrt ${cli} list` }];
  }),
) as Record<ListedKind, KindInfo>;

/**
 * The model's ARN shapes of our own resources: a request member of one of these shapes accepts a
 * name or an id too, which is resolved before the request is sent. (ChannelArn is IVS low-latency's.)
 */
export const REFERENCE_SHAPES: Record<string, ResourceKind> = {
  ...Object.fromEntries(ARN_KINDS.flatMap((kind) => RESOURCES[kind].arnShapes.map((shape) => [shape, RESOURCES[kind].cli]))),
  ResourceArn: 'any',
};

export function isArn(ref: string): boolean {
  return ref.startsWith('arn:');
}

export interface Candidate {
  arn: string;
  name?: string;
}

/**
 * The resources a reference (id or name) means, best first: the one resource whose id it is, else
 * every resource of that name (several when the name is ambiguous, or ids that collide across kinds).
 */
export function matchReference<C extends Candidate>(candidates: C[], ref: string): C[] {
  const byId = candidates.filter((c) => arnId(c.arn) === ref);
  if (byId.length === 1) return byId;
  return byId.length > 1 ? byId : candidates.filter((c) => c.name === ref);
}

async function candidates(ctx: Context, kind: ListedKind): Promise<Candidate[]> {
  const info = KINDS[kind];
  const { items } = await paginate(ctx, info.list, {}, info.resultKey);
  return items.map((item) => ({ arn: String(item.arn), name: item.name as string | undefined }));
}

/** Resolves an ARN, id or name to an ARN. ARNs pass through untouched, without a request. */
export async function resolveReference(ctx: Context, kind: ResourceKind, ref: string): Promise<string> {
  if (isArn(ref)) return ref;
  const kinds = kind === 'any' ? (Object.keys(KINDS) as ListedKind[]) : [kind];
  const matches = matchReference((await Promise.all(kinds.map((k) => candidates(ctx, k)))).flat(), ref);
  const noun = kind === 'any' ? 'resource' : KINDS[kind].noun;
  if (matches.length === 1) return matches[0]!.arn;
  if (matches.length > 1) {
    const list = matches.map((m) => `  ${m.arn}${m.name ? ` (${m.name})` : ''}`).join('\n');
    throw new UsageError(`the name "${ref}" matches ${matches.length} ${noun}s:\n${list}`, 'Pass the ARN or the id instead.');
  }
  const listCommand = kind === 'any' ? 'ivsrt stage list' : KINDS[kind].listCommand;
  throw new ServiceError('ResourceNotFoundException', `no ${noun} has the name or id "${ref}"`, `See what exists with \`${listCommand}\`.`);
}
