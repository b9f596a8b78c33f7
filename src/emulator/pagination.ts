// Pagination for every List operation. The nextToken is opaque to callers: base64url of the operation
// name and the position after the last item returned, so a token from another list is rejected.
import { validationError } from './errors.js';

export interface PageRequest {
  nextToken?: string;
  maxResults?: number;
}

export interface Page<T> {
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

/** Returns the page of `items` (already filtered and ordered) that the request asks for. */
export function paginate<T>(scope: string, items: T[], request: PageRequest, defaultMax: number): Page<T> {
  const start = request.nextToken ? decodeToken(scope, request.nextToken) : 0;
  const end = start + (request.maxResults ?? defaultMax);
  if (end >= items.length) return { items: items.slice(start) };
  return { items: items.slice(start, end), nextToken: Buffer.from(`${scope}:${end}`).toString('base64url') };
}
