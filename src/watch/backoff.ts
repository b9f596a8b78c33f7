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
