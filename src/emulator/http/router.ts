// Which operation a request is: `POST /<Operation>` for all but the tag operations, which live at
// `GET|POST|DELETE /tags/{resourceArn}` with the ARN URL-encoded in one path segment.
import { OPERATIONS } from '../../model/api.js';
import { ApiError, validationError } from '../state/errors.js';
import { parseQuery } from './query.js';

interface Route {
  operation: string;
  /** From the path, for the tag operations. */
  resourceArn?: string;
}

/** Each `POST /<Operation>` path's route, made once: a request only looks its route up. */
const POST_ROUTES = new Map<string, Readonly<Route>>();
for (const [name, op] of Object.entries(OPERATIONS)) if (!op.path.includes('{')) POST_ROUTES.set(op.path, Object.freeze({ operation: name }));

const TAG_OPERATIONS: Record<string, string> = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' };
const TAGS_PREFIX = '/tags/';

export function resolveRoute(method: string, path: string): Readonly<Route> {
  const route = POST_ROUTES.get(path);
  if (route) {
    if (method !== 'POST') throw new ApiError('MethodNotAllowedException', `${route.operation} takes POST, not ${method}`, 405);
    return route;
  }
  if (path.startsWith(TAGS_PREFIX)) {
    const tagOperation = TAG_OPERATIONS[method];
    if (!tagOperation) throw new ApiError('MethodNotAllowedException', `/tags/{resourceArn} takes GET, POST or DELETE, not ${method}`, 405);
    let resourceArn: string;
    try {
      resourceArn = decodeURIComponent(path.slice(TAGS_PREFIX.length));
    } catch {
      throw validationError('1 validation error detected: resourceArn is not a valid URL-encoded string');
    }
    return { operation: tagOperation, resourceArn };
  }
  throw new ApiError('UnknownOperationException', `no operation at ${method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path}`, 404);
}

/** `?tagKeys=a&tagKeys=b` as UntagResource's list (`a+b` is the key "a+b"); undefined when the parameter is absent. */
export function queryList(query: string, name: string): string[] | undefined {
  let params: Record<string, string | string[]>;
  try {
    params = parseQuery(query);
  } catch {
    throw validationError('1 validation error detected: the query string is not valid URL encoding');
  }
  const value = params[name];
  return value === undefined || Array.isArray(value) ? value : [value];
}
