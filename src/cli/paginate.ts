// Every list verb pages through all results by default (the AWS CLI auto-paginates only 3 of the 10
// IVS list calls). --max-items cuts the output and hands back a NextToken for --starting-token.
import { collectPages, pages } from '../api/pages.js';
import type { InputOf, OperationName, OutputOf } from '../model/api.js';
import type { Context } from './context.js';
import { UsageError } from './errors.js';

export interface PagingOptions {
  maxItems?: number;
  pageSize?: number;
  startingToken?: string;
}

interface Resume {
  /** The service's token for the page to fetch next. */
  nextToken?: string;
  /** Items of that page already printed. */
  skip: number;
}

export function encodeResume(resume: Resume): string {
  return Buffer.from(JSON.stringify(resume)).toString('base64url');
}

export function decodeResume(token: string): Resume {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
    if (typeof value !== 'object' || value === null || typeof value.skip !== 'number' || value.skip < 0) throw new Error();
    if (value.nextToken !== undefined && typeof value.nextToken !== 'string') throw new Error();
    return value;
  } catch {
    throw new UsageError('--starting-token is not a token ivsrt printed (use the NextToken of an earlier output)');
  }
}

export interface Page {
  items: Record<string, unknown>[];
  /** Set when --max-items stopped before the end. */
  nextToken?: string;
}

/**
 * Pages through a list operation from --starting-token, stopping after --max-items with a token that
 * resumes exactly there (mid-page included).
 */
export async function paginate(ctx: Context, operation: OperationName, request: Record<string, unknown>, resultKey: string, paging: PagingOptions = {}): Promise<Page> {
  const items: Record<string, unknown>[] = [];
  const start: Resume = paging.startingToken ? decodeResume(paging.startingToken) : { skip: 0 };
  const limit = paging.maxItems ?? Infinity;
  let current: Resume = start;
  const fetchPage = (nextToken: string | undefined) =>
    ctx.send(operation, { ...request, ...(nextToken ? { nextToken } : {}), ...(paging.pageSize ? { maxResults: paging.pageSize } : {}) });
  for await (const output of pages(operation, fetchPage, start.nextToken)) {
    const page = ((output[resultKey] as Record<string, unknown>[] | undefined) ?? []).slice(current.skip);
    const room = limit - items.length;
    if (page.length > room) {
      items.push(...page.slice(0, room));
      return { items, nextToken: encodeResume({ nextToken: current.nextToken, skip: current.skip + room }) };
    }
    items.push(...page);
    const next = output.nextToken as string | undefined;
    if (!next) break;
    current = { nextToken: next, skip: 0 };
    if (items.length >= limit) return { items, nextToken: encodeResume(current) };
  }
  return { items };
}

/** The operations that page: their requests take a nextToken, and their replies may hand one back. */
export type ListOperation = {
  [O in OperationName]: 'nextToken' extends keyof InputOf<O> ? ('nextToken' extends keyof OutputOf<O> ? O : never) : never;
}[OperationName];

/**
 * Every item of a listing, for code that knows its operation (the verb pipeline, whose requests come
 * from flags, uses paginate): typed as the SDK types the request and the reply, and guarded like every
 * listing against a service that repeats a nextToken (RepeatedTokenError, exit 255).
 */
export function listAll<O extends ListOperation, T>(ctx: Context, operation: O, request: InputOf<O>, items: (page: OutputOf<O>) => T[] | undefined): Promise<T[]> {
  return collectPages(operation, (nextToken) => ctx.call(operation, { ...request, ...(nextToken ? { nextToken } : {}) }), items);
}
