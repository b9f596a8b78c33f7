// Service errors as values: handlers throw ApiError, the server turns it into the restJson1 wire form.
import { ERRORS } from '../../model/api.js';
import { describeViolations, type Violation } from '../../model/validate.js';

export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  /** Extra body members for the emulator's own (admin) errors, e.g. why a token was refused. */
  readonly details?: Record<string, unknown>;

  constructor(type: string, message: string, status?: number, details?: Record<string, unknown>) {
    super(message);
    this.type = type;
    this.status = status ?? ERRORS[type] ?? 400;
    this.details = details;
  }
}

export const validationError = (message: string): ApiError => new ApiError('ValidationException', message);
export const notFound = (message: string): ApiError => new ApiError('ResourceNotFoundException', message);
export const conflict = (message: string): ApiError => new ApiError('ConflictException', message);
export const quotaExceeded = (message: string): ApiError => new ApiError('ServiceQuotaExceededException', message);
export const accessDenied = (message: string): ApiError => new ApiError('AccessDeniedException', message);

/** Validation replies name at most this many broken rules, each clipped, so a huge bad request gets a small reply. */
const MAX_REPORTED_VIOLATIONS = 10;
const MAX_VIOLATION_CHARS = 300;

const clip = (text: string): string => (text.length > MAX_VIOLATION_CHARS ? `${text.slice(0, MAX_VIOLATION_CHARS)}...` : text);

/**
 * The message format of AWS validation errors: `1 validation error detected: name must match ...`. Like
 * the service, it counts every error but spells out only the first ones.
 */
export function violationsError(violations: Violation[]): ApiError {
  const n = violations.length;
  const shown = violations.slice(0, MAX_REPORTED_VIOLATIONS).map((v) => ({ path: clip(v.path), rule: clip(v.rule) }));
  const more = n > shown.length ? ` (and ${n - shown.length} more)` : '';
  return validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${describeViolations(shown)}${more}`);
}
