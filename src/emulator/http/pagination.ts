// Pagination for every List operation. The nextToken is opaque to callers: base64url of the operation name, a
// digest of the request's other members (stage, session, participant, filters) and the position after the last item
// returned. So a token from another list, or from the same list asked of another stage, session or filter, is
// refused rather than read as a position in a list it was never in (which skipped or repeated items silently).
// maxResults is left out of the digest: a caller may change the page size between pages.
import { OPERATIONS, SHAPES } from '../../model/api.js';
import { validationError } from '../state/errors.js';
import type { SequencedMap } from '../state/sequenced-map.js';

interface PageRequest {
  nextToken?: string;
  maxResults?: number;
}

interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * `operation/digest`: which list of which request a token belongs to. The digest covers the members the model
 * declares for the request (in its order; all are strings or booleans), so members the service ignores do not count.
 */
function scopeOf(operation: string, request: PageRequest): string {
  const chosen = membersOf(operation).map((name) => (request as Record<string, unknown>)[name] ?? null);
  return `${operation}/${fnv1a(JSON.stringify(chosen))}`;
}

/** The members of each operation's request that choose the list: all but the paging ones. */
const listMembers = new Map<string, string[]>();
function membersOf(operation: string): string[] {
  let names = listMembers.get(operation);
  if (!names) {
    const shape = SHAPES[OPERATIONS[operation]!.input]!;
    names = shape.type === 'structure' ? Object.keys(shape.members).filter((name) => name !== 'nextToken' && name !== 'maxResults') : [];
    listMembers.set(operation, names);
  }
  return names;
}

/**
 * FNV-1a (32 bits) of `text`, in hex. The digest only tells a token's own list from another one a caller
 * mixed up, not an attacker's forgery (a forged token can only name a position), so it need not be a
 * cryptographic hash, which costs a list page about twice as much (each page from the middle reads and writes one).
 */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The position `request.nextToken` (given) holds, once it is known to belong to this request. */
function decodeToken(operation: string, request: PageRequest): number {
  const text = Buffer.from(request.nextToken ?? '', 'base64url').toString('utf8');
  const sep = text.lastIndexOf(':');
  const position = Number(text.slice(sep + 1));
  const scope = text.slice(0, Math.max(sep, 0));
  if (sep < 0 || !scope.startsWith(`${operation}/`) || !Number.isInteger(position) || position < 0) {
    throw validationError('1 validation error detected: nextToken is not a token this operation returned');
  }
  if (scope !== scopeOf(operation, request)) {
    throw validationError('1 validation error detected: nextToken was returned for another request; pass the same parameters (but maxResults) as the request that returned it');
  }
  return position;
}

function encodeToken(operation: string, request: PageRequest, position: number): string {
  return Buffer.from(`${scopeOf(operation, request)}:${position}`).toString('base64url');
}

/** Returns the page of `items` (already filtered and ordered) that the request asks for. */
export function paginate<T>(scope: string, items: T[], request: PageRequest, defaultMax: number): Page<T> {
  const start = request.nextToken ? decodeToken(scope, request) : 0;
  const end = start + (request.maxResults ?? defaultMax);
  if (end >= items.length) return { items: items.slice(start) };
  return { items: items.slice(start, end), nextToken: encodeToken(scope, request, end) };
}

/**
 * The page of a store map (in insertion order, only the values `keep` accepts) that the request asks for,
 * without copying or scanning the map: the token holds the sequence number of the next value to return,
 * so a page starts where the previous one stopped even when values before it were deleted since, and a
 * walk over every page reads each value once.
 */
export function paginateInOrder<T>(scope: string, map: SequencedMap<T>, request: PageRequest, defaultMax: number, keep?: (value: T) => boolean): Page<T> {
  const max = request.maxResults ?? defaultMax;
  const items: T[] = [];
  for (let i = request.nextToken ? map.indexFrom(decodeToken(scope, request)) : 0; i < map.size; i++) {
    const value = map.valueAt(i)!;
    if (keep && !keep(value)) continue;
    if (items.length === max) return { items, nextToken: encodeToken(scope, request, map.seqAt(i)!) };
    items.push(value);
  }
  return { items };
}

/**
 * Newest-first pages of an append-only list whose oldest items retention drops (participant events).
 * The token holds a position counted over every item ever appended (`dropped` are gone from the front
 * of `oldestFirst`), so neither events appended nor events dropped between two calls shift the next page:
 * it goes on with the item just older than the last one returned, or ends if those were all dropped.
 */
export function paginateNewestFirst<T>(scope: string, oldestFirst: readonly T[], request: PageRequest, defaultMax: number, dropped = 0): Page<T> {
  const end = request.nextToken ? Math.min(decodeToken(scope, request) - dropped, oldestFirst.length) : oldestFirst.length;
  if (end <= 0) return { items: [] };
  const start = Math.max(0, end - (request.maxResults ?? defaultMax));
  return { items: oldestFirst.slice(start, end).reverse(), nextToken: start > 0 ? encodeToken(scope, request, dropped + start) : undefined };
}
