// The NDJSON stream end to end against the in-process emulator: what a script reading
// `ivsrt watch <stage> --json` receives, line by line.
import { StartCompositionCommand, StopCompositionCommand } from '@aws-sdk/client-ivs-realtime';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWatchStream } from '../../src/watch/run-stream.js';
import { parseUntil } from '../../src/watch/until.js';
import { fastLimiter, startHarness, type Harness } from './harness.js';

interface Line {
  type: string;
  kind: string;
  object: Record<string, any>;
  timestamp: string;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** Runs a stream and collects its parsed lines; `waitFor` resolves when a matching line arrives. */
function stream(stageArn: string, until: string[] = []) {
  const out = new PassThrough();
  const err = new PassThrough();
  const signals = new EventEmitter();
  const lines: Line[] = [];
  const raw: string[] = [];
  let waiters: Array<[(l: Line) => boolean, () => void]> = [];
  let buffer = '';
  out.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      raw.push(text);
      const line = JSON.parse(text) as Line;
      lines.push(line);
      waiters = waiters.filter(([match, resolve]) => !(match(line) && (resolve(), true)));
    }
  });
  const done = runWatchStream({
    client: h.client,
    stageArn,
    intervalMs: 50,
    limiter: fastLimiter(),
    until: until.map(parseUntil),
    out,
    err,
    signals,
  });
  const waitFor = (match: (l: Line) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some(match)) return resolve();
      const timer = setTimeout(() => reject(new Error(`no such line; got:\n${raw.join('\n')}`)), 5000);
      waiters.push([match, () => (clearTimeout(timer), resolve())]);
    });
  return { lines, raw, done, waitFor, signals };
}

describe('NDJSON stream', () => {
  it('prints the initial state as ADDED, then joins, leaves and composition states', async () => {
    const stageArn = await h.createStage('ndjson');
    const anna = await h.admin.join({ stageArn, userId: 'anna', publish: true });
    const s = stream(stageArn);

    await s.waitFor((l) => l.kind === 'participant' && l.object.userId === 'anna');
    const initial = s.lines.filter((l) => l.kind !== 'event');
    expect(initial.map((l) => [l.type, l.kind])).toEqual([
      ['ADDED', 'stage'],
      ['ADDED', 'session'],
      ['ADDED', 'participant'],
    ]);
    expect(initial[2]!.object).toMatchObject({ userId: 'anna', state: 'CONNECTED', published: true, participantId: anna.participant.participantId });
    // Exactly the four fields, ISO timestamps inside objects as well.
    expect(Object.keys(JSON.parse(s.raw[0]!))).toEqual(['type', 'kind', 'object', 'timestamp']);
    expect(initial[2]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(initial[2]!.object.firstJoinTime).toMatch(/^\d{4}-\d\d-\d\dT/);

    const ben = await h.admin.join({ stageArn, userId: 'ben' });
    await s.waitFor((l) => l.type === 'ADDED' && l.object.userId === 'ben');
    await h.admin.leave({ stageArn, participantId: ben.participant.participantId });
    await s.waitFor((l) => l.type === 'MODIFIED' && l.object.userId === 'ben' && l.object.state === 'DISCONNECTED');

    const { composition } = await h.client.send(
      new StartCompositionCommand({ stageArn, destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/ndjsonChan01' } }] }),
    );
    await s.waitFor((l) => l.kind === 'composition' && l.type === 'ADDED' && l.object.state === 'STARTING');
    await h.admin.advanceClock(3);
    await s.waitFor((l) => l.kind === 'composition' && l.type === 'MODIFIED' && l.object.state === 'ACTIVE');
    await h.client.send(new StopCompositionCommand({ arn: composition!.arn }));
    await s.waitFor((l) => l.kind === 'composition' && l.object.state === 'STOPPING');
    await h.admin.advanceClock(2);
    await s.waitFor((l) => l.kind === 'composition' && l.object.state === 'STOPPED');

    s.signals.emit('SIGTERM');
    expect(await s.done).toBe(0);
    const count = s.lines.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(s.lines.length).toBe(count);
  });

  it('ends with 0 when an --until condition is met, and with 130 when interrupted before', async () => {
    const stageArn = await h.createStage('ndjson-until');
    const carl = await h.admin.join({ stageArn, userId: 'carl' });
    const s = stream(stageArn, ['participant-count=0']);
    await s.waitFor((l) => l.object.userId === 'carl');
    await h.admin.leave({ stageArn, participantId: carl.participant.participantId });
    expect(await s.done).toBe(0);
    expect(s.lines.at(-1)).toMatchObject({ type: 'MODIFIED', kind: expect.any(String) });
    expect(s.lines.some((l) => l.object.userId === 'carl' && l.object.state === 'DISCONNECTED')).toBe(true);

    const waiting = stream(stageArn, ['session-active']);
    await waiting.waitFor((l) => l.kind === 'stage');
    waiting.signals.emit('SIGINT');
    expect(await waiting.done).toBe(130);
  });

  it('fails fast when the stage does not exist', async () => {
    const s = stream('arn:aws:ivs:us-east-1:123456789012:stage/doesNotExist');
    await expect(s.done).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
