import { describe, expect, it } from 'vitest';
import { backoffDelay, isPermanent, isThrottling } from '../../src/watch/backoff.js';

describe('backoff', () => {
  it('doubles up to the cap, with jitter between half and all of the ceiling', () => {
    const options = { baseMs: 2000, maxMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { ...options, random: () => 1 }))).toEqual([2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(4000);
  });

  it('tells throttling and permanent errors from transient ones', () => {
    expect(isThrottling({ name: 'ThrottlingException' })).toBe(true);
    expect(isThrottling({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isPermanent({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } })).toBe(true);
    expect(isPermanent({ name: 'CredentialsProviderError' })).toBe(true);
    expect(isPermanent({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } })).toBe(false);
    expect(isPermanent(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isPermanent({ name: 'InternalServerException', $metadata: { httpStatusCode: 500 } })).toBe(false);
  });
});
