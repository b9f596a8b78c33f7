// Every request the watcher makes goes through here, so each one waits for the shared rate limiter and
// can be cancelled when the watch stops.
import {
  DisconnectParticipantCommand,
  GetCompositionCommand,
  GetParticipantCommand,
  GetStageCommand,
  GetStageSessionCommand,
  ListCompositionsCommand,
  ListParticipantEventsCommand,
  ListParticipantsCommand,
  ListStageSessionsCommand,
  ListStagesCommand,
  StopCompositionCommand,
  type GetCompositionCommandOutput,
  type GetParticipantCommandOutput,
  type GetStageCommandOutput,
  type GetStageSessionCommandOutput,
  type ListCompositionsCommandOutput,
  type ListCompositionsCommandInput,
  type ListParticipantEventsCommandInput,
  type ListParticipantEventsCommandOutput,
  type ListParticipantsCommandInput,
  type ListParticipantsCommandOutput,
  type ListStageSessionsCommandInput,
  type ListStageSessionsCommandOutput,
  type ListStagesCommandInput,
  type ListStagesCommandOutput,
} from '@aws-sdk/client-ivs-realtime';
import type { WhipPublisherStatus } from '../local/admin-client.js';
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

  getStage(arn: string): Promise<GetStageCommandOutput> {
    return this.call('GetStage', new GetStageCommand({ arn }));
  }

  listStages(input: ListStagesCommandInput): Promise<ListStagesCommandOutput> {
    return this.call('ListStages', new ListStagesCommand(input));
  }

  getStageSession(stageArn: string, sessionId: string): Promise<GetStageSessionCommandOutput> {
    return this.call('GetStageSession', new GetStageSessionCommand({ stageArn, sessionId }));
  }

  listStageSessions(input: ListStageSessionsCommandInput): Promise<ListStageSessionsCommandOutput> {
    return this.call('ListStageSessions', new ListStageSessionsCommand(input));
  }

  listParticipants(input: ListParticipantsCommandInput, priority?: Priority): Promise<ListParticipantsCommandOutput> {
    return this.call('ListParticipants', new ListParticipantsCommand(input), priority);
  }

  getParticipant(stageArn: string, sessionId: string, participantId: string): Promise<GetParticipantCommandOutput> {
    return this.call('GetParticipant', new GetParticipantCommand({ stageArn, sessionId, participantId }));
  }

  listParticipantEvents(input: ListParticipantEventsCommandInput): Promise<ListParticipantEventsCommandOutput> {
    return this.call('ListParticipantEvents', new ListParticipantEventsCommand(input));
  }

  listCompositions(input: ListCompositionsCommandInput): Promise<ListCompositionsCommandOutput> {
    return this.call('ListCompositions', new ListCompositionsCommand(input));
  }

  getComposition(arn: string): Promise<GetCompositionCommandOutput> {
    return this.call('GetComposition', new GetCompositionCommand({ arn }));
  }

  async disconnectParticipant(stageArn: string, participantId: string, reason: string): Promise<void> {
    await this.call('DisconnectParticipant', new DisconnectParticipantCommand({ stageArn, participantId, reason }));
  }

  async stopComposition(arn: string): Promise<void> {
    await this.call('StopComposition', new StopCompositionCommand({ arn }));
  }

  private call<T>(operation: string, command: object, priority?: Priority): Promise<T> {
    return this.limiter.schedule(operation, () => this.sender.send(command, { abortSignal: this.signal }) as Promise<T>, {
      signal: this.signal,
      priority,
    });
  }
}
