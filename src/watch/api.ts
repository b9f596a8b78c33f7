// Every request the watcher makes goes through here, so each one waits for the shared rate limiter and
// can be cancelled when the watch stops.
import { SDK_COMMANDS } from '../api/operations.js';
import type { InputOf, OperationName, OutputOf } from '../model/api.js';
import type { WhipPublisherStatus } from '../emulator/http/admin-contract.js';
import type { MediaSource } from './media.js';
import type { Priority, RateLimiter } from './rate-limiter.js';

/**
 * An IVSRealTimeClient, or anything with its `send`. The client should not retry by itself
 * (`maxAttempts: 1`): the poller backs off on errors, and SDK retries would bypass the limiter.
 */
export interface CommandSender {
  // The SDK's overloaded, per-command generic `send` cannot be named precisely here; each WatchApi
  // method below names the output type of the command it sends.
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Whether the service answered that what was asked for does not exist (any more). */
export const isNotFound = (error: unknown): boolean => (error as { name?: string } | undefined)?.name === 'ResourceNotFoundException';

/** The largest page every list operation the watcher uses accepts. */
export const MAX_PAGE_SIZE = 100;

/** The limiter's name for reading the emulator's measured media (not a service operation: default rate). */
export const MEDIA_OPERATION = 'ivsrt:media';

export class WatchApi {
  constructor(
    private readonly sender: CommandSender,
    readonly limiter: RateLimiter,
    private readonly signal?: AbortSignal,
    /** The ivsrt emulator's measured media; absent against AWS. */
    private readonly media?: MediaSource,
  ) {}

  /** The emulator's WHIP publishers with their media; none, without a request, where there is no media source. */
  whipPublishers(): Promise<readonly WhipPublisherStatus[]> {
    const media = this.media;
    if (!media) return Promise.resolve([]);
    return this.limiter.schedule(MEDIA_OPERATION, () => media(this.signal), { signal: this.signal });
  }

  getStage(arn: string): Promise<OutputOf<'GetStage'>> {
    return this.call('GetStage', { arn });
  }

  listStages(input: InputOf<'ListStages'>): Promise<OutputOf<'ListStages'>> {
    return this.call('ListStages', input);
  }

  getStageSession(stageArn: string, sessionId: string): Promise<OutputOf<'GetStageSession'>> {
    return this.call('GetStageSession', { stageArn, sessionId });
  }

  listStageSessions(input: InputOf<'ListStageSessions'>): Promise<OutputOf<'ListStageSessions'>> {
    return this.call('ListStageSessions', input);
  }

  listParticipants(input: InputOf<'ListParticipants'>, priority?: Priority): Promise<OutputOf<'ListParticipants'>> {
    return this.call('ListParticipants', input, priority);
  }

  getParticipant(stageArn: string, sessionId: string, participantId: string): Promise<OutputOf<'GetParticipant'>> {
    return this.call('GetParticipant', { stageArn, sessionId, participantId });
  }

  listParticipantEvents(input: InputOf<'ListParticipantEvents'>): Promise<OutputOf<'ListParticipantEvents'>> {
    return this.call('ListParticipantEvents', input);
  }

  listCompositions(input: InputOf<'ListCompositions'>): Promise<OutputOf<'ListCompositions'>> {
    return this.call('ListCompositions', input);
  }

  getComposition(arn: string): Promise<OutputOf<'GetComposition'>> {
    return this.call('GetComposition', { arn });
  }

  async disconnectParticipant(stageArn: string, participantId: string, reason: string): Promise<void> {
    await this.call('DisconnectParticipant', { stageArn, participantId, reason });
  }

  async stopComposition(arn: string): Promise<void> {
    await this.call('StopComposition', { arn });
  }

  /** Sends `operation` through the CLI's one command map, once the shared limiter lets it. */
  private call<O extends OperationName>(operation: O, input: InputOf<O>, priority?: Priority): Promise<OutputOf<O>> {
    const Command = SDK_COMMANDS[operation] as unknown as new (input: InputOf<O>) => object;
    return this.limiter.schedule(operation, () => this.sender.send(new Command(input), { abortSignal: this.signal }) as Promise<OutputOf<O>>, {
      signal: this.signal,
      priority,
    });
  }
}
