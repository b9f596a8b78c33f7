// The poller and diff against the real emulator over HTTP, with the real SDK client.
import { StartCompositionCommand } from '@aws-sdk/client-ivs-realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../src/watch/poller.js';
import { ChangeLog, fastLimiter, participantChange, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

function watch(stageArn?: string) {
  const poller = new Poller({ client: h.client, stageArn, intervalMs: 50, limiter: fastLimiter() });
  const log = new ChangeLog(poller);
  return { poller, log };
}

describe('Poller on one stage', () => {
  it('follows joins, publishing, leaves, disconnects and a new session', async () => {
    const stageArn = await h.createStage('poller-lifecycle');
    const { poller, log } = watch(stageArn);
    const initial = log.next((c) => c.kind === 'stage' && c.type === 'ADDED');
    poller.start();
    try {
      expect((await initial).object).toMatchObject({ arn: stageArn, name: 'poller-lifecycle' });

      const aliceJoined = log.next(participantChange('ADDED', 'alice', (p) => p.state === 'CONNECTED'));
      const sessionStarted = log.next((c) => c.kind === 'session' && c.type === 'ADDED');
      const alice = await h.admin.join({ stageArn, userId: 'alice', publish: true });
      const added = await aliceJoined;
      expect(added.object).toMatchObject({ participantId: alice.participant.participantId, published: true });
      expect((await sessionStarted).object).toMatchObject({ sessionId: alice.sessionId });
      expect(poller.snapshot.sessionId).toBe(alice.sessionId);

      const bobJoined = log.next(participantChange('ADDED', 'bob'));
      const bob = await h.admin.join({ stageArn, userId: 'bob', capabilities: ['SUBSCRIBE'] });
      expect((await bobJoined).object).toMatchObject({ published: false, state: 'CONNECTED' });

      const bobLeft = log.next(participantChange('MODIFIED', 'bob', (p) => p.state === 'DISCONNECTED'));
      await h.admin.leave({ stageArn, participantId: bob.participant.participantId });
      const left = await bobLeft;
      expect(left.type === 'MODIFIED' && left.previous).toMatchObject({ state: 'CONNECTED' });

      // The last one out ends the session: the old session is reported MODIFIED with its endTime.
      const aliceGone = log.next(participantChange('MODIFIED', 'alice', (p) => p.state === 'DISCONNECTED'));
      const sessionEnded = log.next((c) => c.kind === 'session' && c.type === 'MODIFIED' && Boolean((c.object as { endTime?: Date }).endTime));
      await poller.disconnectParticipant(alice.participant.participantId, 'test');
      await aliceGone;
      expect((await sessionEnded).object).toMatchObject({ sessionId: alice.sessionId, endTime: expect.any(Date) });

      // A new session is followed; the old session's participants leave the roster.
      const carolJoined = log.next(participantChange('ADDED', 'carol'));
      const aliceRemoved = log.next(participantChange('REMOVED', 'alice'));
      const carol = await h.admin.join({ stageArn, userId: 'carol' });
      await carolJoined;
      await aliceRemoved;
      expect(poller.snapshot.sessionId).toBe(carol.sessionId);
      expect(poller.snapshot.session.get(alice.sessionId)?.endTime).toBeInstanceOf(Date);
      expect([...poller.snapshot.participant.values()].map((p) => p.userId)).toEqual(['carol']);
    } finally {
      await poller.stop();
    }
  });

  it('reports a composition starting, becoming active and stopping', async () => {
    const stageArn = await h.createStage('poller-composition');
    await h.admin.join({ stageArn, userId: 'host', publish: true });
    const { poller, log } = watch(stageArn);
    const started = log.next((c) => c.kind === 'composition' && c.type === 'ADDED');
    poller.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { composition } = await h.client.send(
        new StartCompositionCommand({
          stageArn,
          destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/abcdEFGH1234' } }],
        }),
      );
      const arn = composition!.arn!;
      const active = log.next((c) => c.kind === 'composition' && c.type === 'MODIFIED' && c.object.state === 'ACTIVE');
      expect((await started).object).toMatchObject({ arn, state: 'STARTING' });
      await h.admin.advanceClock(3);
      const modified = await active;
      // Full GetComposition objects, destinations included.
      expect(modified.object).toMatchObject({ arn, destinations: [{ state: 'ACTIVE', configuration: expect.any(Object) }] });

      const stopping = log.next((c) => c.kind === 'composition' && c.object.state === 'STOPPING');
      const stopped = log.next((c) => c.kind === 'composition' && c.object.state === 'STOPPED');
      await poller.stopComposition(arn);
      await stopping;
      await h.admin.advanceClock(2);
      expect((await stopped).object).toMatchObject({ arn, endTime: expect.any(Date) });
    } finally {
      await poller.stop();
    }
  });

  it('lists the events of the participant in focus', async () => {
    const stageArn = await h.createStage('poller-events');
    const dave = await h.admin.join({ stageArn, userId: 'dave' });
    const { poller, log } = watch(stageArn);
    poller.start();
    try {
      const joinedEvent = log.next((c) => c.kind === 'event' && c.object.name === 'JOINED');
      const published = log.next((c) => c.kind === 'event' && c.object.name === 'PUBLISH_STARTED');
      poller.focus(dave.participant.participantId);
      expect((await joinedEvent).object).toMatchObject({ participantId: dave.participant.participantId });
      await h.admin.publish({ stageArn, participantId: dave.participant.participantId });
      await published;
      expect(poller.snapshot.focusedParticipantId).toBe(dave.participant.participantId);
    } finally {
      await poller.stop();
    }
  });
});

describe('Poller as an async iterator', () => {
  it('yields changes in order and ends when stopped', async () => {
    const stageArn = await h.createStage('poller-iterator');
    await h.admin.join({ stageArn, userId: 'iris' });
    const { poller } = watch(stageArn);
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const change of poller.changes()) {
        seen.push(`${change.type} ${change.kind}`);
        if (change.kind === 'participant') void poller.stop();
      }
    })();
    poller.start();
    await consumed;
    expect(seen).toEqual(['ADDED stage', 'ADDED session', 'ADDED participant']);
  });
});

describe('Poller on every stage', () => {
  it('lists stages with their active session and participant count', async () => {
    const stageArn = await h.createStage('poller-all-stages');
    const { poller, log } = watch();
    const listed = log.next((c) => c.kind === 'stage' && c.type === 'ADDED' && c.object.arn === stageArn);
    poller.start();
    try {
      expect((await listed).object).toMatchObject({ name: 'poller-all-stages', participantCount: 0 });
      const counted = log.next((c) => c.kind === 'stage' && c.object.arn === stageArn && (c.object as { participantCount?: number }).participantCount === 2);
      await h.admin.join({ stageArn, userId: 'one' });
      await h.admin.join({ stageArn, userId: 'two' });
      expect((await counted).object).toMatchObject({ activeSessionId: expect.stringMatching(/^st-/) });
    } finally {
      await poller.stop();
    }
  });
});

describe('Poller health', () => {
  it('backs off while the endpoint is down and recovers on its own', async () => {
    const { startEmulator } = await import('../../src/emulator/assemble.js');
    const { IVSRealTimeClient, CreateStageCommand } = await import('@aws-sdk/client-ivs-realtime');
    let emulator = await startEmulator({ port: 0 });
    const port = emulator.port;
    const client = new IVSRealTimeClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    const { stage } = await client.send(new CreateStageCommand({ name: 'flaky' }));
    const poller = new Poller({ client, stageArn: stage!.arn!, intervalMs: 50, limiter: fastLimiter(), random: () => 0 });
    const statuses: string[] = [];
    poller.on('status', (s) => statuses.push(s.state));
    const ok = () => new Promise<void>((resolve) => { const off = poller.on('status', (s) => s.state === 'ok' && (off(), resolve())); });
    try {
      const firstOk = ok();
      poller.start();
      await firstOk;
      const failing = new Promise<void>((resolve) => { const off = poller.on('status', (s) => s.state === 'backoff' && (off(), resolve())); });
      await emulator.close();
      await failing;
      expect(poller.status.lastError?.message).toBeTruthy();
      expect(poller.status.nextRetryAt).toBeGreaterThan(poller.status.lastError!.at);
      // The same port, a fresh (memory-only) emulator: the stage is gone, which is now a REMOVED.
      emulator = await startEmulator({ port });
      const removed = new Promise<void>((resolve) => poller.on('change', (c) => c.kind === 'stage' && c.type === 'REMOVED' && resolve()));
      await removed;
      expect(poller.status.state).toBe('ok');
      expect(statuses).toContain('backoff');
    } finally {
      await poller.stop();
      client.destroy();
      await emulator.close();
    }
  });
});
