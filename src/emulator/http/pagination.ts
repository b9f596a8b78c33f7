// Pagination for every List operation. The nextToken is opaque to callers: base64url of the operation
// name and the position after the last item returned, so a token from another list is rejected.
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

function decodeToken(scope: string, token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const sep = text.lastIndexOf(':');
  const position = Number(text.slice(sep + 1));
  if (sep < 0 || text.slice(0, sep) !== scope || !Number.isInteger(position) || position < 0) {
    throw validationError('1 validation error detected: nextToken is not a token this operation returned');
  }
  return position;
}

function encodeToken(scope: string, position: number): string {
  return Buffer.from(`${scope}:${position}`).toString('base64url');
}

/** Returns the page of `items` (already filtered and ordered) that the request asks for. */
export function paginate<T>(scope: string, items: T[], request: PageRequest, defaultMax: number): Page<T> {
  const start = request.nextToken ? decodeToken(scope, request.nextToken) : 0;
  const end = start + (request.maxResults ?? defaultMax);
  if (end >= items.length) return { items: items.slice(start) };
  return { items: items.slice(start, end), nextToken: encodeToken(scope, end) };
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
  for (let i = request.nextToken ? map.indexFrom(decodeToken(scope, request.nextToken)) : 0; i < map.size; i++) {
    const value = map.valueAt(i)!;
    if (keep && !keep(value)) continue;
    if (items.length === max) return { items, nextToken: encodeToken(scope, map.seqAt(i)!) };
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
  const end = request.nextToken ? Math.min(decodeToken(scope, request.nextToken) - dropped, oldestFirst.length) : oldestFirst.length;
  if (end <= 0) return { items: [] };
  const start = Math.max(0, end - (request.maxResults ?? defaultMax));
  return { items: oldestFirst.slice(start, end).reverse(), nextToken: start > 0 ? encodeToken(scope, dropped + start) : undefined };
}
