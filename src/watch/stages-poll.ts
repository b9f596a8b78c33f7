// One poll of every stage in the account and region (`ivsrt watch` without a stage). Counting the
// CONNECTED participants of each active session costs ListParticipants pages, so counts are refreshed
// round-robin within each poll's request budget, and a big stage's count continues across polls.
import type { StageSummary } from '@aws-sdk/client-ivs-realtime';
import { collectPages } from '../api/pages.js';
import { MAX_PAGE_SIZE, type WatchApi } from './api.js';
import { emptySnapshot, type WatchSnapshot, type WatchedStage } from './model.js';

interface Headcount {
  sessionId: string;
  /** Last finished count; undefined until the first one finishes. */
  count?: number;
  /** A count in progress: participants so far and where to resume. */
  partial?: { count: number; nextToken: string };
}

export class StagesPoll {
  private readonly headcounts = new Map<string, Headcount>();
  /** Where the next poll's round of counting starts, so every stage gets its turn. */
  private turn = 0;

  constructor(private readonly api: WatchApi) {}

  async poll(): Promise<WatchSnapshot> {
    const stages = await collectPages(
      'ListStages',
      (nextToken) => this.api.listStages({ nextToken, maxResults: MAX_PAGE_SIZE }),
      (page) => page.stages,
    );
    await this.count(stages.filter((s) => s.activeSessionId));
    const watched = stages.map((stage): [string, WatchedStage] => [
      stage.arn!,
      { ...stage, participantCount: this.participantCount(stage) },
    ]);
    return { ...emptySnapshot(), rosterComplete: true, stage: new Map(watched) };
  }

  private participantCount(stage: StageSummary): number | undefined {
    if (!stage.activeSessionId) return 0;
    const headcount = this.headcounts.get(stage.arn!);
    return headcount?.sessionId === stage.activeSessionId ? headcount.count : undefined;
  }

  private async count(active: StageSummary[]): Promise<void> {
    const arns = new Set(active.map((s) => s.arn));
    for (const arn of this.headcounts.keys()) if (!arns.has(arn)) this.headcounts.delete(arn);
    if (active.length === 0) return;

    let pages = Math.max(1, this.api.limiter.available('ListParticipants'));
    let done = 0;
    for (; done < active.length && pages > 0; done++) {
      const stage = active[(this.turn + done) % active.length]!;
      const known = this.headcounts.get(stage.arn!);
      const headcount = known && known.sessionId === stage.activeSessionId ? known : { sessionId: stage.activeSessionId! };
      this.headcounts.set(stage.arn!, headcount);
      let partial = headcount.partial ?? { count: 0, nextToken: '' };
      do {
        const page = await this.api.listParticipants({
          stageArn: stage.arn,
          sessionId: stage.activeSessionId,
          filterByState: 'CONNECTED',
          maxResults: MAX_PAGE_SIZE,
          nextToken: partial.nextToken || undefined,
        });
        pages--;
        partial = { count: partial.count + (page.participants?.length ?? 0), nextToken: page.nextToken ?? '' };
      } while (partial.nextToken && pages > 0);
      if (partial.nextToken) {
        headcount.partial = partial;
        break;
      }
      headcount.count = partial.count;
      headcount.partial = undefined;
    }
    this.turn = (this.turn + done) % active.length;
  }
}
