// Retry timing after failed polls: exponential, capped, with jitter so that several watchers hitting
// the same throttled account do not retry in step.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/** Delay before retry number `failures` (1 for the first retry): between half and all of the ceiling. */
export function backoffDelay(failures: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return /throttl|toomanyrequests/i.test(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError', 'ExpiredTokenException']);

/**
 * Errors that waiting will not fix (no such stage, no permission, bad credentials). A watch that has
 * never succeeded stops on them instead of retrying forever; network errors and throttling are retried.
 */
export function isPermanent(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return CREDENTIAL_ERRORS.has(e?.name ?? '') || (status >= 400 && status < 500 && status !== 408 && status !== 429);
}
