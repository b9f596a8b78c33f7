// The argument every verb that names one resource takes: an ARN, an id or a name, which the pipeline
// resolves to the ARN the API wants.
import type { ArgSpec } from '../../src/cli/command.js';
import { KINDS, type ListedKind } from '../../src/cli/resources.js';

/** `<stage>`, `<encoder-config>`...: bound to `field` (`arn` for the resource's own verbs). */
export function referenceArgument(kind: ListedKind, field = 'arn'): ArgSpec {
  return { name: kind, description: `${KINDS[kind].noun} name, id or ARN`, field, resource: kind };
}
