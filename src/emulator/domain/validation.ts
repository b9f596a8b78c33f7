// Request validation: the model's constraints through the shared validator, plus the rules the model
// states only in prose.
import { validateShape } from '../../model/validate.js';
import { attributesSize, MAX_ATTRIBUTES_BYTES } from '../../tokens/claims.js';
import { validationError, violationsError } from '../state/errors.js';

export function validateInput(shapeName: string, input: unknown): void {
  const violations = validateShape(shapeName, input);
  if (violations.length > 0) throw violationsError(violations);
}

/** Token and ingest attributes: "at most 1 KB total", counted as everywhere in ivsrt. */
export function checkAttributesSize(field: string, attributes: Record<string, string> | undefined): void {
  if (!attributes) return;
  const bytes = attributesSize(attributes);
  if (bytes > MAX_ATTRIBUTES_BYTES) throw validationError(`1 validation error detected: ${field} must total at most 1 KB (got ${bytes} bytes)`);
}

/** Filters of which the API allows at most one per request. */
export function checkExclusive<T extends object>(input: T, names: (keyof T & string)[]): void {
  const given = names.filter((n) => input[n] !== undefined && input[n] !== null);
  if (given.length > 1) {
    throw validationError(`1 validation error detected: only one of ${names.join(', ')} may be given (got ${given.join(' and ')})`);
  }
}
