// Every list verb pages through all results by default (the AWS CLI auto-paginates only 3 of the 10
// IVS list calls). --max-items cuts the output and hands back a NextToken for --starting-token.
import { createHash } from 'node:crypto';
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
  /** Which list it belongs to: the operation and a digest of its request (listOf). */
  list?: string;
  /** The --page-size it was printed with, when it skips into a page: the page is only the same page at that size. */
  pageSize?: number;
}

/**
 * The operation and a digest of the request's members but the paging ones, so a token is not read in another
 * list (another verb, stage, session or filter), where its skip would drop items silently.
 */
function listOf(operation: OperationName, request: Record<string, unknown>): string {
  const { nextToken: _token, maxResults: _max, ...chosen } = request;
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])])) : value;
  return `${operation}/${createHash('sha256').update(JSON.stringify(canonical(chosen))).digest('base64url').slice(0, 12)}`;
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

/** Refuses a token printed for another list, or one that skips into a page fetched at another --page-size (it repeated or dropped items). */
function checkResume(resume: Resume, list: string, pageSize: number | undefined): void {
  if (resume.list !== undefined && resume.list !== list) {
    throw new UsageError('--starting-token was printed by another list: resume with the same command, stage, session and filters as the one that printed it');
  }
  if (resume.skip > 0 && resume.pageSize !== pageSize) {
    throw new UsageError(`--starting-token was printed with ${resume.pageSize === undefined ? 'no --page-size' : `--page-size ${resume.pageSize}`}: resume with the same`);
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
  const list = listOf(operation, request);
  const start: Resume = paging.startingToken ? decodeResume(paging.startingToken) : { skip: 0 };
  checkResume(start, list, paging.pageSize);
  const resumeAt = (resume: Resume): string => encodeResume({ ...resume, list, ...(resume.skip > 0 && paging.pageSize !== undefined ? { pageSize: paging.pageSize } : {}) });
  const limit = paging.maxItems ?? Infinity;
  let current: Resume = start;
  const fetchPage = (nextToken: string | undefined) =>
    ctx.send(operation, { ...request, ...(nextToken ? { nextToken } : {}), ...(paging.pageSize ? { maxResults: paging.pageSize } : {}) });
  for await (const output of pages(operation, fetchPage, start.nextToken)) {
    const page = ((output[resultKey] as Record<string, unknown>[] | undefined) ?? []).slice(current.skip);
    const room = limit - items.length;
    if (page.length > room) {
      items.push(...page.slice(0, room));
      return { items, nextToken: resumeAt({ nextToken: current.nextToken, skip: current.skip + room }) };
    }
    items.push(...page);
    const next = output.nextToken as string | undefined;
    if (!next) break;
    current = { nextToken: next, skip: 0 };
    if (items.length >= limit) return { items, nextToken: resumeAt(current) };
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
