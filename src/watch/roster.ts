// The participants of one session. A session can hold 10,000 subscribers (100 pages at 5 requests per
// second), far more than one poll can list, so:
// - a small session is listed completely in every poll;
// - a large one has its publishers listed in every poll (they are at most 12 at a time and the ones
//   people watch), while a background pass pages through everyone at low priority, as fast as the
//   limiter allows, and starts over at the next poll once it finishes.
// GetParticipant adds what summaries lack (protocol, client details, attributes); it is asked once per
// participant, only with tokens that are free at the time, so it never slows a poll, and in a large
// session only for publishers and the participant in focus, so as not to spend the account's quota on a
// crowd's details.
// The service forgets participants (the emulator's retention purges those who left, and a record can
// expire on AWS): GetParticipant then answers 404, and the participant leaves the roster rather than
// failing the poll. A full pass that no longer lists someone who had left drops them too, so a
// churning session's roster stays the size of what the service keeps; someone still shown connected
// whom a pass missed is asked for with GetParticipant first (a page token can skip people while the list
// shrinks), and dropped on its 404.
import type { Participant, ParticipantSummary } from '@aws-sdk/client-ivs-realtime';
import { collectPages } from '../api/pages.js';
import { isNotFound, MAX_PAGE_SIZE, type WatchApi } from './api.js';
import { sameValue } from './diff.js';
import type { Priority } from './rate-limiter.js';

export class Roster {
  private readonly participants = new Map<string, Participant>();
  private readonly details = new Map<string, Participant>();
  /** Who the pass in progress has listed so far. */
  private listedInPass = new Set<string>();
  /** Shown connected, but missing from the last full pass: GetParticipant says whether they are still there. */
  private readonly unconfirmed = new Set<string>();
  /** nextToken where the pass in progress resumes; undefined at the start of a pass. */
  private cursor: string | undefined;
  private large = false;
  private background: Promise<void> | undefined;
  private backgroundError: unknown;
  private retired = false;
  completedPasses = 0;

  constructor(
    private readonly api: WatchApi,
    readonly stageArn: string,
    readonly sessionId: string,
  ) {}

  /** One poll's worth of listing; rethrows what the background pass ran into since the last poll. */
  async refresh(): Promise<void> {
    if (this.backgroundError !== undefined) {
      const error = this.backgroundError;
      this.backgroundError = undefined;
      throw error;
    }
    if (!this.large) {
      const pages = Math.max(1, this.api.limiter.available('ListParticipants'));
      for (let page = 0; page < pages; page++) if (await this.nextPage('high')) return;
      this.large = true;
    }
    this.merge(
      await collectPages(
        'ListParticipants',
        (nextToken) => this.list({ filterByPublished: true, nextToken }, 'high'),
        (page) => page.participants,
      ),
    );
    this.background ??= this.walk().finally(() => (this.background = undefined));
  }

  /** GetParticipant for participants not yet detailed, most interesting first, with free tokens only. */
  async addDetails(first: string | undefined): Promise<void> {
    const wanted = [...this.participants.values()]
      .filter(({ participantId: id }) => this.unconfirmed.has(id!) || (!this.details.has(id!) && (!this.large || this.participants.get(id!)!.published || id === first)))
      .sort((a, b) => interest(b, first) - interest(a, first))
      .slice(0, this.api.limiter.available('GetParticipant'));
    for (const { participantId } of wanted) {
      const id = participantId!;
      let participant: Participant | undefined;
      try {
        ({ participant } = await this.api.getParticipant(this.stageArn, this.sessionId, id));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        this.forget(id);
        continue;
      }
      if (!participant) continue;
      this.details.set(id, participant);
      // A confirmation is newer than the summary it checks; otherwise the summary may be the newer.
      const newer = this.unconfirmed.delete(id) ? participant : this.participants.get(id);
      this.participants.set(id, { ...participant, ...newer });
    }
  }

  /** Stops the background pass, e.g. when the watch follows a new session. */
  retire(): void {
    this.retired = true;
  }

  /** A pass in progress started before now, so only the pass after it is entirely newer. */
  get passesUntilFresh(): number {
    return this.cursor === undefined && !this.background ? 1 : 2;
  }

  get complete(): boolean {
    return this.completedPasses > 0;
  }

  get size(): number {
    return this.participants.size;
  }

  /** A copy, so snapshots already handed out never change. */
  entries(): Map<string, Participant> {
    return new Map(this.participants);
  }

  private async walk(): Promise<void> {
    try {
      while (!this.retired && !(await this.nextPage('low')));
    } catch (error) {
      if (!this.retired) this.backgroundError = error;
    }
  }

  /** Lists the page at the cursor; true when that finished a pass. */
  private async nextPage(priority: Priority): Promise<boolean> {
    const page = await this.list({ nextToken: this.cursor }, priority);
    const summaries = page.participants ?? [];
    this.merge(summaries);
    for (const { participantId } of summaries) if (participantId) this.listedInPass.add(participantId);
    this.cursor = page.nextToken;
    if (this.cursor) return false;
    this.endPass();
    return true;
  }

  /** Who the pass did not list is gone if they had left, and to be confirmed if they were connected. */
  private endPass(): void {
    for (const [id, p] of this.participants) {
      if (this.listedInPass.has(id)) continue;
      if (p.state === 'CONNECTED') this.unconfirmed.add(id);
      else this.forget(id);
    }
    this.listedInPass = new Set();
    this.completedPasses++;
  }

  private forget(id: string): void {
    this.participants.delete(id);
    this.details.delete(id);
    this.unconfirmed.delete(id);
  }

  private list(filter: { filterByPublished?: boolean; nextToken?: string }, priority: Priority) {
    const input = { stageArn: this.stageArn, sessionId: this.sessionId, maxResults: MAX_PAGE_SIZE, ...filter };
    return this.api.listParticipants(input, priority);
  }

  /**
   * A summary that tells nothing new keeps the participant object already held: most of a big session
   * is the same from one page to the next, and an unchanged object is neither copied nor compared field
   * by field when the poll is diffed.
   */
  private merge(summaries: ParticipantSummary[]): void {
    for (const summary of summaries) {
      const id = summary.participantId;
      if (!id) continue;
      const known = this.participants.get(id);
      const details = this.details.get(id);
      if (!known || !agrees(known, summary, details)) this.participants.set(id, { ...details, ...summary });
      this.unconfirmed.delete(id);
    }
  }
}

/**
 * Whether `known` is already what merging `summary` over `details` makes ({ ...details, ...summary }),
 * compared field by field without building it.
 */
function agrees(known: Participant, summary: ParticipantSummary, details: Participant | undefined): boolean {
  const k = known as Record<string, unknown>;
  const s = summary as Record<string, unknown>;
  const d = (details ?? {}) as Record<string, unknown>;
  for (const key in s) if (!sameValue(k[key], s[key])) return false;
  for (const key in k) if (!sameValue(k[key], Object.hasOwn(s, key) ? s[key] : d[key])) return false;
  for (const key in d) if (!Object.hasOwn(s, key) && !sameValue(k[key], d[key])) return false;
  return true;
}

function interest(p: ParticipantSummary, first: string | undefined): number {
  return (p.participantId === first ? 4 : 0) + (p.published ? 2 : 0) + (p.state === 'CONNECTED' ? 1 : 0);
}
