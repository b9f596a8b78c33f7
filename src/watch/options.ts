import type { CommandSender } from './api.js';
import type { MediaSource } from './media.js';
import type { RateLimiter } from './rate-limiter.js';
import type { UntilCondition } from './until.js';

/** What both renderers (NDJSON and the Ink UI) take. */
export interface WatchOptions {
  /** Should not retry by itself (maxAttempts: 1), see CommandSender. */
  client: CommandSender;
  /** Without a stage, every stage of the account and region is watched. */
  stageArn?: string;
  intervalMs?: number;
  until?: readonly UntilCondition[];
  /** The participant whose events (ListParticipantEvents) are fetched from the start. */
  participantId?: string;
  limiter?: RateLimiter;
  /** Where the watch points at the ivsrt emulator: its measured media of WHIP publishers. */
  media?: MediaSource;
}
