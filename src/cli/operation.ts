// The pipeline every operation verb shares: build the request from flags and --input, resolve the
// names in it, check it against the model, confirm, then send it (page by page for list verbs).
import type { AnyVerb } from './command.js';
import type { Context } from './context.js';
import { CancelledError } from './errors.js';
import { paginate, type PagingOptions } from './paginate.js';
import { buildRequest, checkRequest, resolveRequest, resultKeyOf } from './request.js';

/** Runs a verb: its own run, or else the pipeline below. */
export function runVerb(ctx: Context, verb: AnyVerb, typed: Record<string, unknown>): Promise<unknown> {
  return verb.run ? verb.run(ctx, typed) : sendOperation(ctx, verb, typed);
}

/**
 * Builds the request, checks what can be checked before any lookup (everything but the names and
 * defaults resolution fills in), resolves names to ARNs, checks the whole request, then sends it.
 */
export async function sendOperation(ctx: Context, verb: AnyVerb, typed: Record<string, unknown>, request = buildRequest(verb, typed)): Promise<Record<string, unknown>> {
  const paging = typed as PagingOptions;
  checkRequest(verb, request, paging, { beforeResolving: true, typed });
  await resolveRequest(ctx, verb, request, typed);
  checkRequest(verb, request, paging, { typed });
  if (verb.confirm && !(await ctx.confirm(verb.confirm(request)))) throw new CancelledError('not confirmed: nothing was changed');
  const operation = verb.operation!;
  if (verb.paginated) {
    const resultKey = resultKeyOf(operation);
    const page = await paginate(ctx, operation, request, resultKey, paging);
    return { [resultKey]: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }
  return ctx.send(operation, request);
}
