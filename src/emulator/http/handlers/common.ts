// What every handler shares: its signature and the one place tags and ARN kinds are interpreted.
import type { CheckedInputOf, OperationName } from '../../../model/api.js';
import type { Emulator } from '../../domain/emulator.js';
import { validationError } from '../../state/errors.js';
import { parseArn } from '../../domain/ids.js';
import { kindOfArnType, type ArnKind } from '../../../model/resources.js';
import { isReservedTagKey } from '../../../model/validate.js';
import type { Tags } from '../../state/store.js';

/**
 * One operation's handler. Its input is a request body that has already passed validateShape for the
 * operation's input shape, typed as the SDK types that request; it answers the response body as JSON.
 */
export type Handler<O extends OperationName> = (emu: Emulator, input: CheckedInputOf<O>) => Record<string, unknown>;

/** An area's handlers by operation name (each file's table; index.ts merges them). */
export type Handlers = { [O in OperationName]?: Handler<O> };

/** Tags as given on create, copied so later TagResource calls cannot alias the request object. */
export function tagsOf(input: { tags?: Tags }): Tags {
  refuseReservedTagKeys(Object.keys(input.tags ?? {}));
  return { ...input.tags };
}

/** Keys reserved for AWS (isReservedTagKey) are refused. The service's wording is not documented; this is EC2's. */
export function refuseReservedTagKeys(keys: readonly string[]): void {
  const reserved = keys.find(isReservedTagKey);
  if (reserved !== undefined) {
    throw validationError(`1 validation error detected: tag key '${reserved.slice(0, 128)}': Tag keys starting with 'aws:' are reserved for internal use`);
  }
}

/** Which record map a resource ARN of this account and region belongs to, if any. */
export function kindOfArn(emu: Emulator, arn: string): ArnKind | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.region !== emu.region || parsed.account !== emu.accountId) return undefined;
  return kindOfArnType(parsed.type);
}
