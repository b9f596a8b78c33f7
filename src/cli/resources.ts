// Wherever a resource is expected a user may type its ARN, its id or its name. Names and ids are
// resolved by listing, because the API takes only ARNs.
import type { Context } from './context.js';
import { ServiceError, UsageError } from './errors.js';
import { listAll } from './paginate.js';
import { arnId } from '../model/arn.js';

export type ResourceKind = 'stage' | 'composition' | 'encoder-config' | 'storage-config' | 'ingest-config' | 'public-key' | 'any';

interface KindInfo {
  /** What the ARN says after the last ':' and before '/'. */
  arnType: string;
  list: string;
  resultKey: string;
  noun: string;
  /** The ivsrt command that lists this kind, for hints. */
  listCommand: string;
}

export const KINDS: Record<Exclude<ResourceKind, 'any'>, KindInfo> = {
  stage: { arnType: 'stage', list: 'ListStages', resultKey: 'stages', noun: 'stage', listCommand: 'ivsrt stage list' },
  composition: { arnType: 'composition', list: 'ListCompositions', resultKey: 'compositions', noun: 'composition', listCommand: 'ivsrt composition list' },
  'encoder-config': { arnType: 'encoder-configuration', list: 'ListEncoderConfigurations', resultKey: 'encoderConfigurations', noun: 'encoder configuration', listCommand: 'ivsrt encoder-config list' },
  'storage-config': { arnType: 'storage-configuration', list: 'ListStorageConfigurations', resultKey: 'storageConfigurations', noun: 'storage configuration', listCommand: 'ivsrt storage-config list' },
  'ingest-config': { arnType: 'ingest-configuration', list: 'ListIngestConfigurations', resultKey: 'ingestConfigurations', noun: 'ingest configuration', listCommand: 'ivsrt ingest-config list' },
  'public-key': { arnType: 'public-key', list: 'ListPublicKeys', resultKey: 'publicKeys', noun: 'public key', listCommand: 'ivsrt public-key list' },
};

export function isArn(ref: string): boolean {
  return ref.startsWith('arn:');
}

/** A syntactically valid ARN of the kind, used to validate a request before names are resolved. */
export function placeholderArn(kind: ResourceKind): string {
  const type = kind === 'any' ? 'stage' : KINDS[kind].arnType;
  return `arn:aws:ivs:us-east-1:000000000000:${type}/placeholder`;
}

interface Candidate {
  arn: string;
  name?: string;
  kind: Exclude<ResourceKind, 'any'>;
}

async function candidates(ctx: Context, kind: Exclude<ResourceKind, 'any'>): Promise<Candidate[]> {
  const info = KINDS[kind];
  const items = await listAll(ctx, info.list, {}, info.resultKey);
  return items.map((item) => ({ arn: String(item.arn), name: item.name as string | undefined, kind }));
}


/** Resolves an ARN, id or name to an ARN. ARNs pass through untouched, without a request. */
export async function resolveReference(ctx: Context, kind: ResourceKind, ref: string): Promise<string> {
  if (isArn(ref)) return ref;
  const kinds = kind === 'any' ? (Object.keys(KINDS) as Exclude<ResourceKind, 'any'>[]) : [kind];
  const all = (await Promise.all(kinds.map((k) => candidates(ctx, k)))).flat();
  const byId = all.filter((c) => arnId(c.arn) === ref);
  if (byId.length === 1) return byId[0]!.arn;
  const byName = all.filter((c) => c.name === ref);
  const matches = byId.length > 1 ? byId : byName;
  const noun = kind === 'any' ? 'resource' : KINDS[kind].noun;
  if (matches.length === 1) return matches[0]!.arn;
  if (matches.length > 1) {
    const list = matches.map((m) => `  ${m.arn}${m.name ? ` (${m.name})` : ''}`).join('\n');
    throw new UsageError(`the name "${ref}" matches ${matches.length} ${noun}s:\n${list}`, 'Pass the ARN or the id instead.');
  }
  const listCommand = kind === 'any' ? 'ivsrt stage list' : KINDS[kind].listCommand;
  throw new ServiceError('ResourceNotFoundException', `no ${noun} has the name or id "${ref}"`, `See what exists with \`${listCommand}\`.`);
}
