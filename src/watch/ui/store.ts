// What the screen shows, derived from one poller: the latest snapshot and health, a bounded feed of
// described changes, and which rows changed recently. Plain TypeScript so it can be tested without a
// terminal; components read it through useWatchStore.
import { describeChange, type FeedLine } from '../feed.js';
import type { Change, ChangeType } from '../model.js';
import type { Poller, PollStatus } from '../poller.js';
import type { WatchSnapshot } from '../model.js';

/** How a row is coloured for a few polls after it changed. */
export type Highlight = ChangeType | 'LEFT';

export interface WatchState {
  snapshot: WatchSnapshot;
  status: PollStatus;
  paused: boolean;
  /** Polls applied so far. */
  polls: number;
  feed: readonly FeedLine[];
  /** Keyed by `${kind}:${id}`, only while the highlight lasts. */
  highlights: ReadonlyMap<string, Highlight>;
  /** Requests per second over all operations, as measured by the limiter. */
  requestRate: number;
}

/** Lines the feed keeps (oldest dropped first). */
const FEED_SIZE = 200;
/** For how many polls a changed row stays coloured. */
const HIGHLIGHT_POLLS = 3;
/**
 * The longest a note (an event the emulator streams) waits for a poll's frame to join: a change shows
 * within half a second, while a busy stage's stream of events still draws at most two frames a second
 * besides the polls'.
 */
export const NOTE_DELAY_MS = 500;

export function rowKey(change: Change): string {
  switch (change.kind) {
    case 'participant':
      return `participant:${change.object.participantId}`;
    case 'composition':
    case 'stage':
      return `${change.kind}:${change.object.arn}`;
    case 'session':
      return `session:${change.object.sessionId}`;
    case 'event':
      return 'event';
  }
}

export class WatchStore {
  private state: WatchState;
  private readonly listeners = new Set<() => void>();
  private notifying = false;
  private readonly highlightUntil = new Map<string, { highlight: Highlight; until: number }>();
  private readonly unsubscribe: Array<() => void>;
  /** Notes waiting for the next frame, and the timer that draws them if no poll comes first. */
  private pendingNotes: FeedLine[] = [];
  private noteTimer: NodeJS.Timeout | undefined;

  constructor(readonly poller: Poller) {
    this.state = {
      snapshot: poller.snapshot,
      status: poller.status,
      paused: poller.status.state === 'paused',
      polls: 0,
      feed: [],
      highlights: new Map(),
      requestRate: 0,
    };
    this.unsubscribe = [
      poller.on('poll', ({ snapshot, changes }) => this.onPoll(snapshot, changes)),
      poller.on('status', (status) => this.update({ status, paused: status.state === 'paused', requestRate: this.rate() })),
    ];
  }

  getState = (): WatchState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispose(): void {
    for (const off of this.unsubscribe) off();
    clearTimeout(this.noteTimer);
  }

  /**
   * A line of our own in the feed, e.g. an event the emulator streams. Every frame costs Ink a whole
   * redraw and a busy stage streams events every second, so notes wait a little to be drawn together:
   * with the next poll's frame if it comes within min(interval, NOTE_DELAY_MS), else on their own.
   */
  note(text: string, tone: FeedLine['tone']): void {
    this.pendingNotes.push({ at: new Date(), text, tone });
    this.noteTimer ??= setTimeout(() => this.update({ feed: this.withNotes(this.state.feed) }), Math.min(this.poller.intervalMs, NOTE_DELAY_MS));
  }

  private onPoll(snapshot: WatchSnapshot, changes: Change[]): void {
    const polls = this.state.polls + 1;
    // The first poll lists what already exists: that is the tables' job, not the feed's.
    const initial = polls === 1;
    const described = initial ? [] : changes.flatMap(describeChange);
    const events = initial ? changes.filter((c) => c.kind === 'event').flatMap(describeChange) : [];
    if (!initial) this.markHighlights(changes, polls);
    for (const [key, { until }] of this.highlightUntil) if (until < polls) this.highlightUntil.delete(key);
    this.update({
      snapshot,
      polls,
      feed: this.withNotes([...this.state.feed, ...events, ...described]),
      highlights: new Map([...this.highlightUntil].map(([key, { highlight }]) => [key, highlight])),
      requestRate: this.rate(),
    });
  }

  private markHighlights(changes: Change[], polls: number): void {
    const until = polls + HIGHLIGHT_POLLS - 1;
    for (const change of changes) {
      if (change.kind === 'event') continue;
      const left = change.kind === 'participant' && change.type === 'MODIFIED' && change.object.state === 'DISCONNECTED' && change.previous?.state === 'CONNECTED';
      this.highlightUntil.set(rowKey(change), { highlight: left ? 'LEFT' : change.type, until });
    }
  }

  /** The feed with the pending notes added, which are then no longer pending. */
  private withNotes(feed: readonly FeedLine[]): FeedLine[] {
    clearTimeout(this.noteTimer);
    this.noteTimer = undefined;
    const lines = [...feed, ...this.pendingNotes];
    this.pendingNotes = [];
    return this.trim(lines);
  }

  /** Oldest first; participant events fetched late (on focus) slot in at their own time. */
  private trim(feed: FeedLine[]): FeedLine[] {
    const sorted = feed.sort((a, b) => a.at.getTime() - b.at.getTime());
    return sorted.length > FEED_SIZE ? sorted.slice(-FEED_SIZE) : sorted;
  }

  private rate(): number {
    return Object.values(this.poller.limiter.rates()).reduce((sum, rate) => sum + rate, 0);
  }

  private update(partial: Partial<WatchState>): void {
    this.state = { ...this.state, ...partial };
    // A poll lands as several updates in one turn (its changes, then its status); the view redraws a
    // whole frame per notification, so it is told once.
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const listener of this.listeners) listener();
    });
  }
}
