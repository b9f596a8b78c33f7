// The get / delete / list trio every configuration noun has (encoder, storage and ingest
// configurations, public keys). Each verb keeps its own file with its description, examples, flags and
// output; this module supplies what they would otherwise copy: the reference argument, the question
// before a delete, the line after it, and pagination.
import { defineVerb, yesOption, type Example, type Listing, type OptionSpec, type OutputSpec, type Verb } from '../../src/cli/command.js';
import type { OperationName } from '../../src/model/api.js';
import { argKey } from '../../src/cli/request.js';
import { KINDS, type ListedKind as Kind } from '../../src/cli/resources.js';
import { arnId } from '../../src/model/arn.js';
import { referenceArgument } from './arguments.js';

interface Common extends Listing {
  operation: OperationName;
  description: string;
  examples: Example[];
  options?: OptionSpec[];
  /** Only for a verb that adds something around sending its operation. */
  run?: Verb['run'];
}

/** Shows one resource by ARN, id or name. */
export function getVerb(kind: Kind, spec: Common & { output: OutputSpec }): Verb {
  return defineVerb({ ...spec, args: [referenceArgument(kind)] });
}

/**
 * Deletes one resource after a confirmation (skipped with --yes; refused off a terminal without it).
 * `consequence` comes before the question and after the line printed once it is done.
 */
export function deleteVerb(kind: Kind, spec: Common & { consequence?: string }): Verb {
  const { consequence, ...rest } = spec;
  const noun = KINDS[kind].noun;
  const after = consequence ? ` ${consequence}` : '';
  return defineVerb({
    ...rest,
    args: [referenceArgument(kind)],
    options: [...(rest.options ?? []), yesOption],
    confirm: (request) => `${consequence ? `${consequence} ` : ''}Delete ${noun} ${String(request.arn)}?`,
    output: { done: (typed) => `Deleted ${noun} ${String(typed[argKey(referenceArgument(kind))])}.${after}` },
  });
}

/** Lists every resource of the kind, following pages unless --max-items is given. */
export function listVerb(spec: Common & { output: OutputSpec; validate?: Verb['validate'] }): Verb {
  return defineVerb({ ...spec, paginated: true });
}

/** The last path segment of an ARN: what the tables show and what every reference also accepts. */
export function idOf(arn: unknown): string | undefined {
  return typeof arn === 'string' ? arnId(arn) : undefined;
}
