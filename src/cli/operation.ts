import type { Verb } from './command.js';
import type { Context } from './context.js';
import { CancelledError } from './errors.js';
import { paginate, type PagingOptions } from './paginate.js';
import { buildRequest, checkRequest, resolveReferences, resultKeyOf } from './request.js';

/** Validates, resolves and sends a prepared request: the tail every operation verb shares. */
export async function sendRequest(ctx: Context, verb: Verb<any>, request: Record<string, unknown>, paging?: PagingOptions): Promise<Record<string, unknown>> {
  if (verb.confirm && !(await ctx.confirm(verb.confirm(request)))) throw new CancelledError('not confirmed: nothing was changed');
  const operation = verb.operation!;
  if (verb.paginated) {
    const resultKey = resultKeyOf(operation);
    const page = await paginate(ctx, operation, request, resultKey, paging);
    return { [resultKey]: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }
  return ctx.call(operation, request);
}

/** Builds the request from options, checks it against the model, resolves names, then sends it. */
export async function sendOperation(ctx: Context, verb: Verb<any>, options: Record<string, unknown>): Promise<Record<string, unknown>> {
  const request = buildRequest(verb, options);
  checkRequest(verb, request, options as PagingOptions);
  await resolveReferences(ctx, verb, request);
  if (verb.prepare) {
    await verb.prepare(ctx, request, options);
    checkRequest(verb, request);
  }
  return sendRequest(ctx, verb, request, options as PagingOptions);
}
