// Opt-in rate limits (--throttle): one token bucket per account and operation, holding as many tokens
// as the operation's TPS quota and refilling at that rate, so a burst of N+1 calls gets N through and a
// steady N per second never waits. Beyond them the reply is what API Gateway sends when throttling:
// 429 with x-amzn-ErrorType TooManyRequestsException (the exact type is inferred; docs/fidelity.md).
import { tpsOf } from '../../model/rate-limits.js';
import { ApiError } from '../state/errors.js';

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms on the throttle's clock). */
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  /** Requests refused so far, per operation. */
  readonly refused = new Map<string, number>();

  /** `now` in milliseconds; monotonic wall time unless a test injects its own clock. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Spends one of the operation's tokens, or throws the service's 429 when none is left. */
  take(accountId: string, operation: string): void {
    const rate = tpsOf(operation);
    const key = `${accountId} ${operation}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      this.refused.set(operation, (this.refused.get(operation) ?? 0) + 1);
      throw new ApiError('TooManyRequestsException', 'Too Many Requests', 429);
    }
    bucket.tokens -= 1;
  }
}
