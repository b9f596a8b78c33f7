// Participant attributes: the same `k=v,...` flag and the same "1 KB total" rule wherever they are set
// (token create, replication start).
import type { OptionSpec } from '../../src/cli/command.js';
import type { Violation } from '../../src/model/validate.js';
import { attributesSize, MAX_ATTRIBUTES_BYTES } from '../../src/tokens/claims.js';

export function attributesOption(description: string) {
  return { flags: '--attributes <key=value,...>', description: `${description} (1 KB in all; repeatable)`, field: 'attributes', parse: 'keyValues' } as const satisfies OptionSpec;
}

/** The model says "1 KB total" only in prose, so without this the service would be the first to object. */
export function attributesWithinLimit(request: Record<string, unknown>): Violation[] {
  const attributes = request.attributes;
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return [];
  const size = attributesSize(attributes as Record<string, string>);
  return size > MAX_ATTRIBUTES_BYTES ? [{ path: 'attributes', rule: `must total at most 1 KB (${MAX_ATTRIBUTES_BYTES} bytes of keys and values), not ${size}` }] : [];
}
