// Service errors as values: handlers throw ApiError, the server turns it into the restJson1 wire form.
import { ERRORS } from '../model/api.js';
import { describeViolations, type Violation } from '../model/validate.js';

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

/** The message format of AWS validation errors: `1 validation error detected: name must match ...`. */
export function violationsError(violations: Violation[]): ApiError {
  const n = violations.length;
  return validationError(`${n} validation error${n === 1 ? '' : 's'} detected: ${describeViolations(violations)}`);
}
