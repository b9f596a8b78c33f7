// One poll of a single stage: stage, recent sessions, the followed session's participants, the stage's
// compositions and the focused participant's events. Keeps what must survive between polls (the roster
// pass, fetched compositions, the event log) and returns a fresh immutable snapshot each time.
import type { Event, Stage, StageSession } from '@aws-sdk/client-ivs-realtime';
import { collectPages } from '../api/pages.js';
import { isNotFound, MAX_PAGE_SIZE, type WatchApi } from './api.js';
import {
  TERMINAL_COMPOSITION_STATES,
  emptySnapshot,
  eventKey,
  type SessionHeadcount,
  type WatchSnapshot,
  type WatchedComposition,
  type WatchedParticipant,
} from './model.js';
import type { WhipPublisherStatus } from '../emulator/http/admin-contract.js';
import { mergeMedia } from './media.js';
import { Roster } from './roster.js';

export interface StagePollOptions {
  /** How many of the latest sessions to show. */
  recentSessions?: number;
  /** Events kept in memory for the focused participant(s). */
  eventLogSize?: number;
}

/** The poll of a focused participant's events reads at most this many pages (newest first). */
const EVENT_PAGES = 2;

export class StagePoll {
  private roster: Roster | undefined;
  /** Set when the followed session ended: its roster is listed once more, then left alone. */
  private finalPass: number | undefined;
  private readonly knownSessions = new Map<string, StageSession>();
  private readonly compositions = new Map<string, WatchedComposition>();
  private readonly events = new Map<string, Event>();
  private readonly headcounts = new Map<string, SessionHeadcount>();
  /** The participants the last poll returned, whose measured media stands until it changes enough. */
  private reported: ReadonlyMap<string, WatchedParticipant> = new Map();
  private seen = false;

  constructor(
    private readonly api: WatchApi,
    readonly stageArn: string,
    private readonly options: StagePollOptions = {},
  ) {}

  async poll(focusedParticipantId?: string): Promise<WatchSnapshot> {
    const stage = await this.fetchStage();
    if (!stage) return emptySnapshot(this.stageArn);
    const activeSessionId = stage.activeSessionId || undefined;
    this.follow(activeSessionId);
    const sessions = await this.fetchSessions();

    await this.refreshRoster(focusedParticipantId);
    const uncounted = [...sessions.values()].find(
      (s) => s.endTime && s.sessionId !== this.roster?.sessionId && !this.headcounts.has(s.sessionId!),
    );
    if (uncounted && this.api.limiter.available('ListParticipants') > 0) await this.countSession(uncounted.sessionId!);
    await this.fetchCompositions();
    if (focusedParticipantId && this.roster) await this.fetchEvents(this.roster.sessionId, focusedParticipantId);
    const publishers = this.roster ? await this.measuredMedia() : [];

    // The roster's background pass goes on during every await above: read it at one moment, so that its
    // list, its completeness and its headcount agree within the snapshot.
    const roster = this.roster;
    if (roster) this.headcounts.set(roster.sessionId, { count: roster.size, more: !roster.complete });
    this.reported = roster ? mergeMedia(roster.entries(), publishers, { stageArn: this.stageArn, sessionId: roster.sessionId }, this.reported) : new Map();
    return {
      ...emptySnapshot(this.stageArn),
      sessionId: roster?.sessionId,
      rosterComplete: roster?.complete ?? true,
      headcounts: new Map(this.headcounts),
      focusedParticipantId,
      stage: new Map([[this.stageArn, stage]]),
      session: sessions,
      participant: this.reported,
      composition: new Map(this.compositions),
      event: new Map(this.events),
    };
  }

  /**
   * Undefined once a stage seen earlier has been deleted, so that everything on it is reported REMOVED;
   * a stage that never existed is an error for the caller to report.
   */
  private async fetchStage(): Promise<Stage | undefined> {
    try {
      const { stage } = await this.api.getStage(this.stageArn);
      this.seen = true;
      return stage;
    } catch (error) {
      if (this.seen && isNotFound(error)) return undefined;
      throw error;
    }
  }

  private follow(activeSessionId: string | undefined): void {
    if (activeSessionId && activeSessionId !== this.roster?.sessionId) {
      this.roster?.retire();
      this.roster = new Roster(this.api, this.stageArn, activeSessionId);
      this.finalPass = undefined;
    } else if (!activeSessionId && this.roster && this.finalPass === undefined) {
      this.finalPass = this.roster.completedPasses + this.roster.passesUntilFresh;
    }
  }

  private async refreshRoster(focusedParticipantId: string | undefined): Promise<void> {
    const roster = this.roster;
    if (!roster) return;
    if (this.finalPass === undefined || roster.completedPasses < this.finalPass) await roster.refresh();
    await roster.addDetails(focusedParticipantId);
  }

  /** The emulator's WHIP publishers (none on AWS); none either when its route fails: media never stops a watch. */
  private measuredMedia(): Promise<readonly WhipPublisherStatus[]> {
    return this.api.whipPublishers().catch(() => []);
  }

  /**
   * The latest sessions, plus the followed one even if the list leaves it out (the list's order is not
   * documented), so that its end is always seen.
   */
  private async fetchSessions(): Promise<Map<string, StageSession>> {
    const limit = this.options.recentSessions ?? 10;
    const { stageSessions = [] } = await this.api.listStageSessions({ stageArn: this.stageArn, maxResults: limit });
    for (const session of stageSessions) this.knownSessions.set(session.sessionId!, session);
    const followed = this.roster?.sessionId;
    if (followed && !stageSessions.some((s) => s.sessionId === followed) && !this.knownSessions.get(followed)?.endTime) {
      const { stageSession } = await this.api.getStageSession(this.stageArn, followed);
      if (stageSession) this.knownSessions.set(followed, stageSession);
    }
    const shown = [...this.knownSessions.values()].sort(newestFirst).slice(0, limit);
    const followedSession = followed ? this.knownSessions.get(followed) : undefined;
    if (followedSession && !shown.includes(followedSession)) shown.splice(limit - 1, 1, followedSession);
    for (const id of this.knownSessions.keys()) if (!shown.some((s) => s.sessionId === id)) this.knownSessions.delete(id);
    return new Map(shown.map((s) => [s.sessionId!, s]));
  }

  /** Ended sessions never change, so one page each is enough: "100+" beyond that. */
  private async countSession(sessionId: string): Promise<void> {
    const page = await this.api.listParticipants({ stageArn: this.stageArn, sessionId, maxResults: MAX_PAGE_SIZE });
    this.headcounts.set(sessionId, { count: page.participants?.length ?? 0, more: Boolean(page.nextToken) });
  }

  /**
   * Full objects for live compositions; a composition that reached STOPPED or FAILED is fetched once more
   * for its final state, and disappears when the service cleans it up (about 5 minutes later).
   */
  private async fetchCompositions(): Promise<void> {
    const summaries = await collectPages(
      'ListCompositions',
      (nextToken) => this.api.listCompositions({ filterByStageArn: this.stageArn, nextToken, maxResults: MAX_PAGE_SIZE }),
      (page) => page.compositions,
    );
    const listed = new Set(summaries.map((s) => s.arn!));
    for (const arn of this.compositions.keys()) if (!listed.has(arn)) this.compositions.delete(arn);
    for (const summary of summaries) {
      const known = this.compositions.get(summary.arn!);
      const settled = TERMINAL_COMPOSITION_STATES.has(summary.state!) && known?.state === summary.state;
      if (settled) continue;
      const composition = await this.api.getComposition(summary.arn!).then(
        (out) => out.composition ?? summary,
        (error: unknown) => {
          if (isNotFound(error)) return summary;
          throw error;
        },
      );
      this.compositions.set(summary.arn!, composition);
    }
  }

  private async fetchEvents(sessionId: string, participantId: string): Promise<void> {
    const events = await collectPages(
      'ListParticipantEvents',
      (nextToken) =>
        this.api.listParticipantEvents({
          stageArn: this.stageArn,
          sessionId,
          participantId,
          nextToken,
          maxResults: MAX_PAGE_SIZE,
        }),
      (page) => page.events,
      EVENT_PAGES,
    );
    for (const event of events) this.events.set(eventKey(event), event);
    const excess = this.events.size - (this.options.eventLogSize ?? 1000);
    if (excess > 0) {
      const oldest = [...this.events].sort(([, a], [, b]) => time(a) - time(b)).slice(0, excess);
      for (const [key] of oldest) this.events.delete(key);
    }
  }
}

const time = (event: Event) => event.eventTime?.getTime() ?? 0;
const newestFirst = (a: StageSession, b: StageSession) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0);
