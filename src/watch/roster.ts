// The participants of one session. A session can hold 10,000 subscribers (100 pages), more than one poll
// interval's request budget, so a full listing is a pass that continues across polls; meanwhile the
// publishers, the participants people care about most, are listed on their own every poll.
import type { ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import { MAX_PAGE_SIZE, collectPages, type WatchApi } from './api.js';

export class Roster {
  private readonly participants = new Map<string, ParticipantSummary>();
  /** nextToken where the pass in progress resumes; undefined at the start of a pass. */
  private cursor: string | undefined;
  /** Set once a pass has not fitted in one poll: from then on publishers get their own query. */
  private large = false;
  completedPasses = 0;

  constructor(
    private readonly api: WatchApi,
    readonly stageArn: string,
    readonly sessionId: string,
  ) {}

  /** Lists what `pageBudget` ListParticipants requests allow; always makes at least one. */
  async refresh(pageBudget: number): Promise<void> {
    let budget = pageBudget;
    if (this.large) {
      const publishers = await collectPages(
        (nextToken) => this.list({ filterByPublished: true, nextToken }),
        (page) => page.participants,
      );
      this.merge(publishers);
      budget -= Math.ceil(Math.max(publishers.length, 1) / MAX_PAGE_SIZE);
    }
    for (let pages = 0; pages < Math.max(1, budget); pages++) {
      const page = await this.list({ nextToken: this.cursor });
      this.merge(page.participants ?? []);
      this.cursor = page.nextToken;
      if (!this.cursor) {
        this.completedPasses++;
        return;
      }
    }
    this.large = true;
  }

  /** Starts the next pass from the first page, e.g. to see the final state of a session that ended. */
  restartPass(): void {
    this.cursor = undefined;
  }

  get complete(): boolean {
    return this.completedPasses > 0;
  }

  get size(): number {
    return this.participants.size;
  }

  /** A copy, so snapshots already handed out never change. */
  entries(): Map<string, ParticipantSummary> {
    return new Map(this.participants);
  }

  private list(filter: { filterByPublished?: boolean; nextToken?: string }) {
    return this.api.listParticipants({
      stageArn: this.stageArn,
      sessionId: this.sessionId,
      maxResults: MAX_PAGE_SIZE,
      ...filter,
    });
  }

  private merge(participants: ParticipantSummary[]): void {
    for (const participant of participants) {
      if (participant.participantId) this.participants.set(participant.participantId, participant);
    }
  }
}
