// Who `ivsrt subscribe` receives and how it learns that its publisher stopped, as pure logic over what the
// stage's API answers; and why a run ended, as a typed reason with the summary's words for it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { choosePublisher, describeEnd, endedInFailure, STALL_SECONDS, stoppedPublishing, watchStalls, type SubscribeEnd } from '../../src/subscribe/publisher.js';

describe('choosePublisher', () => {
  const participants = [
    { participantId: 'AAAAAAAAAAAA', userId: 'alice', state: 'DISCONNECTED' as const, published: true },
    { participantId: 'BBBBBBBBBBBB', userId: 'alice', state: 'CONNECTED' as const, published: false },
    { participantId: 'CCCCCCCCCCCC', userId: 'alice', state: 'CONNECTED' as const, published: true },
    { participantId: 'DDDDDDDDDDDD', state: 'CONNECTED' as const },
  ];

  it('takes a participant id as it is, with its user id when it has one', () => {
    expect(choosePublisher(participants, 'AAAAAAAAAAAA', 'st-1')).toEqual({ participantId: 'AAAAAAAAAAAA', userId: 'alice', sessionId: 'st-1' });
    expect(choosePublisher(participants, 'DDDDDDDDDDDD', 'st-1')).toEqual({ participantId: 'DDDDDDDDDDDD', sessionId: 'st-1' });
  });

  it('takes a user id to its connected participant that publishes, else its first connected one', () => {
    expect(choosePublisher(participants, 'alice', 'st-1')).toEqual({ participantId: 'CCCCCCCCCCCC', userId: 'alice', sessionId: 'st-1' });
    expect(choosePublisher(participants.slice(0, 2), 'alice', 'st-1')).toEqual({ participantId: 'BBBBBBBBBBBB', userId: 'alice', sessionId: 'st-1' });
  });

  it('lets an unseen id through for the stage to refuse, and finds nobody for anything else', () => {
    expect(choosePublisher([], 'ZZZZZZZZZZZZ', 'st-1')).toEqual({ participantId: 'ZZZZZZZZZZZZ', sessionId: 'st-1' });
    expect(choosePublisher(participants, 'bob', 'st-1')).toBeUndefined();
  });
});

describe('stoppedPublishing', () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

  it('is the latest publish event: a stop or a departure after the start, in time order whatever the listing order', () => {
    expect(stoppedPublishing([])).toBe(false);
    expect(stoppedPublishing([{ name: 'JOINED', eventTime: at(0) }, { name: 'PUBLISH_STARTED', eventTime: at(1) }])).toBe(false);
    expect(stoppedPublishing([{ name: 'PUBLISH_STOPPED', eventTime: at(2) }, { name: 'PUBLISH_STARTED', eventTime: at(1) }])).toBe(true);
    expect(stoppedPublishing([{ name: 'PUBLISH_STARTED', eventTime: at(1) }, { name: 'LEFT', eventTime: at(3) }])).toBe(true);
    expect(stoppedPublishing([{ name: 'PUBLISH_STOPPED', eventTime: at(1) }, { name: 'PUBLISH_STARTED', eventTime: at(2) }, { name: 'SUBSCRIBE_STOPPED', eventTime: at(3) }])).toBe(false);
  });

  it('puts a stop at the same instant after the start it ends', () => {
    expect(stoppedPublishing([{ name: 'PUBLISH_STOPPED', eventTime: at(1) }, { name: 'PUBLISH_STARTED', eventTime: at(1) }])).toBe(true);
    expect(stoppedPublishing([{ name: 'PUBLISH_STARTED', eventTime: at(1) }, { name: 'LEFT', eventTime: at(1) }])).toBe(true);
  });
});

describe('watchStalls', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks after STALL_SECONDS ticks without a packet, one question at a time, and ends only on a yes', async () => {
    vi.useFakeTimers();
    let packets = 0;
    const answers: ((yes: boolean) => void)[] = [];
    const stopped = () => new Promise<boolean>((resolve) => answers.push(resolve));
    let ended = 0;
    const timer = watchStalls(() => packets, stopped, () => ended++);
    await vi.advanceTimersByTimeAsync((STALL_SECONDS - 1) * 1_000);
    packets++; // media again: the count starts over
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync((STALL_SECONDS - 1) * 1_000);
    expect(answers).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(answers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5 * 1_000); // still asking: no second question
    expect(answers).toHaveLength(1);
    answers[0]!(false);
    await vi.advanceTimersByTimeAsync(STALL_SECONDS * 1_000);
    expect(answers).toHaveLength(2);
    expect(ended).toBe(0);
    answers[1]!(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(ended).toBe(1);
    clearInterval(timer);
  });
});

describe('why a run ended', () => {
  it('words each reason as the summary\'s endedBy has always said it, and only a connection or ffmpeg giving out is a failure', () => {
    const cases: [SubscribeEnd, string, boolean][] = [
      ['Ctrl-C', 'Ctrl-C', false],
      ['duration', 'duration', false],
      [{ kind: 'publisher-stopped' }, 'the publisher stopped', false],
      [{ kind: 'connection', state: 'failed' }, 'the WebRTC connection failed', true],
      [{ kind: 'connection', state: 'closed' }, 'the WebRTC connection closed', true],
      [{ kind: 'connection', state: 'disconnected' }, 'the WebRTC connection disconnected', true],
      [{ kind: 'ffmpeg', code: 1, error: 'mux: no space left' }, 'ffmpeg exited (1): mux: no space left', true],
      [{ kind: 'ffmpeg', code: null }, 'ffmpeg exited (signal)', true],
    ];
    for (const [reason, words, failure] of cases) {
      expect(describeEnd(reason)).toBe(words);
      expect(endedInFailure(reason), words).toBe(failure);
    }
  });
});
