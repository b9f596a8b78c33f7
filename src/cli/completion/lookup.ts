// Live values for completion, from the API (or the emulator). A shell waits on us while the user waits
// on the shell, so every lookup shares one short time budget, answers come from a 30-second cache when
// they can, and any failure simply means no candidates.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectPages } from '../../api/pages.js';
import { makeDirs } from '../../dirs.js';
import { KINDS, isArn, matchReference } from '../resources.js';
import type { OperationName } from '../../model/api.js';
import type { Candidate, Connection, Lookup, LookupKind, LookupScope } from './engine.js';

export type Send = (operation: OperationName, input: Record<string, unknown>, signal: AbortSignal) => Promise<Record<string, unknown>>;

export interface Endpoint {
  /** Identifies where requests go (kind, region, endpoint, profile): part of every cache key. */
  key: string;
  send: Send;
}

export interface ApiLookupOptions {
  /** Resolves the flags typed on the line to a target; throws when there is none (e.g. no running emulator). */
  connect(connection: Connection): Promise<Endpoint>;
  /** Where answers are cached; no caching without it. */
  cacheDir?: string;
  ttlMs?: number;
  /** For the whole process, every request included. */
  budgetMs?: number;
  now?: () => number;
}

type Item = Record<string, unknown>;
type ResourceKind = Exclude<LookupKind, 'session' | 'participant' | 'any'>;

const MAX_PAGES = 5;

export function createApiLookup(options: ApiLookupOptions): Lookup {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? 1500);
  const ttl = options.ttlMs ?? 30_000;
  const endpoints = new Map<string, Promise<Endpoint>>();

  const endpointFor = (connection: Connection) => {
    const id = JSON.stringify(connection);
    let endpoint = endpoints.get(id);
    if (!endpoint) endpoints.set(id, (endpoint = withDeadline(options.connect(connection))));
    return endpoint;
  };

  function withDeadline<T>(work: Promise<T>): Promise<T> {
    const left = deadline - now();
    if (left <= 0) return Promise.reject(new Error('completion time budget spent'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('completion time budget spent')), left);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Every item of a list operation (up to a few pages: completion is for humans). */
  function listAll(endpoint: Endpoint, operation: OperationName, input: Item, resultKey: string): Promise<Item[]> {
    const fetchPage = (nextToken: string | undefined) => {
      const signal = AbortSignal.timeout(Math.max(1, deadline - now()));
      return withDeadline(endpoint.send(operation, { ...input, maxResults: 100, ...(nextToken ? { nextToken } : {}) }, signal)) as Promise<Item & { nextToken?: string }>;
    };
    return collectPages(operation, fetchPage, (page) => page[resultKey] as Item[] | undefined, MAX_PAGES);
  }

  async function cached(endpoint: Endpoint, what: unknown[], fetch: () => Promise<Item[]>): Promise<Item[]> {
    const file = options.cacheDir && join(options.cacheDir, `${createHash('sha256').update(JSON.stringify([endpoint.key, ...what])).digest('hex').slice(0, 32)}.json`);
    if (file) {
      try {
        const entry = JSON.parse(await readFile(file, 'utf8')) as { savedAt: number; items: Item[] };
        if (now() - entry.savedAt < ttl) return entry.items;
      } catch {
        // No entry yet, or a damaged one: fetch afresh.
      }
    }
    // Through JSON both ways, so a fresh answer looks exactly like a cached one (dates as ISO strings).
    const items = JSON.parse(JSON.stringify(await fetch())) as Item[];
    if (file) await save(options.cacheDir!, file, { savedAt: now(), items }).catch(() => undefined);
    return items;
  }

  const resources = (endpoint: Endpoint, kind: ResourceKind) =>
    cached(endpoint, [kind], () => listAll(endpoint, KINDS[kind].list, {}, KINDS[kind].resultKey));

  async function stageArnOf(endpoint: Endpoint, reference: string): Promise<string | undefined> {
    if (isArn(reference)) return reference;
    // The CLI's own ranking, so completion offers the sessions of the stage the command will act on.
    const stages = (await resources(endpoint, 'stage')).map((s) => ({ arn: String(s.arn), name: s.name as string | undefined }));
    const matches = matchReference(stages, reference);
    return matches.length === 1 ? matches[0]!.arn : undefined;
  }

  async function sessions(endpoint: Endpoint, stageArn: string): Promise<Item[]> {
    return cached(endpoint, ['session', stageArn], () => listAll(endpoint, 'ListStageSessions', { stageArn }, 'stageSessions'));
  }

  return {
    async list(kind: LookupKind, scope: LookupScope): Promise<Candidate[]> {
      const endpoint = await endpointFor(scope.connection);
      if (kind === 'any') {
        const all = await Promise.all((Object.keys(KINDS) as ResourceKind[]).map(async (k) => (await resources(endpoint, k)).map((item) => ({ item, k }))));
        return all.flat().map(({ item, k }) => ({ value: String(item.arn), description: [k, item.name].filter(Boolean).join(' ') }));
      }
      if (kind === 'session' || kind === 'participant') {
        const stageArn = scope.stage && (await stageArnOf(endpoint, scope.stage));
        if (!stageArn) return [];
        const stageSessions = await sessions(endpoint, stageArn);
        if (kind === 'session') return stageSessions.map(describeSession);
        // Without --session-id the CLI picks the active (or latest) session, so complete from that one.
        const sessionId = scope.session ?? String((stageSessions.find((s) => !s.endTime) ?? stageSessions[0])?.sessionId ?? '');
        if (!sessionId) return [];
        const participants = await cached(endpoint, ['participant', stageArn, sessionId], () => listAll(endpoint, 'ListParticipants', { stageArn, sessionId }, 'participants'));
        return participants.map((p) => ({ value: String(p.participantId), description: [p.userId, p.state].filter(Boolean).join(' ') }));
      }
      return namesThenArns(await resources(endpoint, kind));
    },
  };
}

/** Names first (unique ones only: an ambiguous name would not resolve), then every ARN. */
function namesThenArns(items: Item[]): Candidate[] {
  const counts = new Map<string, number>();
  for (const item of items) if (item.name) counts.set(String(item.name), (counts.get(String(item.name)) ?? 0) + 1);
  const names = items.filter((i) => i.name && counts.get(String(i.name)) === 1).map((i) => ({ value: String(i.name), description: String(i.arn) }));
  const arns = items.map((i) => ({ value: String(i.arn), description: String(i.name ?? i.state ?? '') }));
  return [...names, ...arns];
}

function describeSession(session: Item): Candidate {
  const description = session.endTime ? `ended ${String(session.endTime)}` : `active since ${String(session.startTime ?? '?')}`;
  return { value: String(session.sessionId), description };
}


async function save(dir: string, file: string, entry: unknown): Promise<void> {
  makeDirs(dir, 0o700);
  const temporary = `${file}.${process.pid}`;
  await writeFile(temporary, JSON.stringify(entry), { mode: 0o600 });
  await rename(temporary, file);
}
