// The bus inside the real emulator (in process, real storage, real HTTP): events written to the event
// tables in a mutation reach targets and the NDJSON stream once committed, the outbox survives a
// restart, and the log stays bounded. The events are written as the deriver writes them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flagTargets, DEFAULT_RETRY } from '../../src/emulator/eventbridge/rules.js';
import { EVENT_LOG, OUTBOX } from '../../src/emulator/eventbridge/tables.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/assemble.js';
import { AdminClient } from '../../src/local/admin-client.js';
import { tailEmulator } from '../../src/events/emulator-tail.js';
import { startReceiver, type Receiver } from './receiver.js';

const running: RunningEmulator[] = [];
const receivers: Receiver[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function emulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const e = await startEmulator({ port: 0, ...options });
  running.push(e);
  return e;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

let sequence = 0;
/** What the deriver adds to a change: the event in the log and in the outbox, under one key. */
function emit(e: RunningEmulator, n: number): Promise<void> {
  const key = `${String(Math.floor(e.emulator.now())).padStart(15, '0')}.${String(sequence++).padStart(9, '0')}`;
  const event = {
    version: '0',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    'detail-type': 'IVS Stage Update',
    source: 'aws.ivs',
    account: e.emulator.accountId,
    time: new Date(e.emulator.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    region: e.emulator.region,
    resources: [e.emulator.arn('stage', n % 2 ? 'OddStage0001' : 'EvenStage002')],
    detail: { event_name: 'Participant Published', n },
  };
  return e.emulator.mutate([
    { k: 'aux', table: EVENT_LOG, key, v: event },
    { k: 'aux', table: OUTBOX, key, v: event },
  ]);
}

describe('the event bus in the emulator', () => {
  it('delivers committed events and empties the outbox', async () => {
    const r = await receiver();
    const e = await emulator({ events: { delivery: { targets: flagTargets([r.url]), retry: DEFAULT_RETRY } } });
    await emit(e, 1);
    await emit(e, 2);
    await r.waitFor(2);
    expect(r.received.map((x) => x.body.detail.n)).toEqual([1, 2]);
    while (e.bus.pendingDeliveries > 0) await new Promise((resolve) => setImmediate(resolve));
    await e.emulator.settled();
    expect(e.emulator.store.aux(OUTBOX).size).toBe(0);
    expect(e.emulator.store.aux(EVENT_LOG).size).toBe(2);
  });

  it('streams history from --since, then live events, filtered by stage', async () => {
    const e = await emulator({});
    await emit(e, 1);
    await emit(e, 2);
    const got: number[] = [];
    const controller = new AbortController();
    const stageArn = e.emulator.arn('stage', 'OddStage0001');
    let live: () => void = () => {};
    const seenThree = new Promise<void>((resolve) => (live = resolve));
    let opened: () => void = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    const tail = tailEmulator(
      new AdminClient(e.url),
      { since: '1h', stageArn },
      (event) => {
        got.push((event.detail as { n: number }).n);
        if (got.includes(3)) live();
      },
      controller.signal,
      opened,
    );
    // History (1; 2 is another stage's) is written before the stream opens to live events.
    await open;
    await emit(e, 3);
    await emit(e, 4);
    await seenThree;
    controller.abort();
    expect(await tail).toBe('aborted');
    expect(got).toEqual([1, 3]);
  });

  it('a stream ends when the emulator stops', async () => {
    const e = await emulator({});
    let opened: () => void = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    const tail = tailEmulator(new AdminClient(e.url), {}, () => {}, new AbortController().signal, opened);
    await open;
    await e.close();
    expect(await tail).toBe('ended');
  });

  it('refuses a bad stream request with one line naming the field', async () => {
    const e = await emulator({});
    const admin = new AdminClient(e.url);
    await expect(admin.stream('events', { since: 'yesterday' }, new AbortController().signal)).rejects.toThrow('since must be an ISO-8601 time (2026-11-29T12:00:00Z) or a duration (10m, 2h), got "yesterday"');
    await expect(admin.stream('events', { pattern: { source: 'aws.ivs' } }, new AbortController().signal)).rejects.toThrow('pattern: source: must be an object or a list of conditions');
  });

  it('keeps undelivered events in the outbox across a restart and delivers them then', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ivsrt-bus-'));
    dirs.push(dataDir);
    const down = await startReceiver();
    await down.close();
    let failed: () => void = () => {};
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const log = (line: string) => {
      if (line.includes('failed (ECONNREFUSED)')) failed();
    };
    const first = await emulator({ dataDir, log, events: { delivery: { targets: flagTargets([down.url]), retry: DEFAULT_RETRY } } });
    await emit(first, 1);
    await failure;
    await first.close();
    running.splice(running.indexOf(first), 1);

    const r = await receiver();
    const second = await emulator({ dataDir, events: { delivery: { targets: flagTargets([r.url]), retry: DEFAULT_RETRY } } });
    const [got] = await r.waitFor(1);
    expect(got!.body.detail.n).toBe(1);
    while (second.bus.pendingDeliveries > 0) await new Promise((resolve) => setImmediate(resolve));
    await second.emulator.settled();
    expect(second.emulator.store.aux(OUTBOX).size).toBe(0);
  });

  it('trims the event log to its bound', async () => {
    const e = await emulator({ events: { retainEvents: 10 } });
    for (let n = 1; n <= 25; n++) await emit(e, n);
    await e.emulator.settled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await e.emulator.settled();
    const log = e.bus.history();
    expect(log.length).toBeLessThanOrEqual(11);
    expect(log.at(-1)!.event.detail!.n).toBe(25);
  });
});

describe('watch feed', () => {
  it('turns the emulator stream into feed lines, and is absent for an endpoint that is not an emulator', async () => {
    const { emulatorEventFeed } = await import('../../src/watch/event-feed.js');
    const e = await emulator({});
    const down = await startReceiver();
    await down.close();
    expect(await emulatorEventFeed({ kind: 'endpoint', region: 'us-east-1', endpoint: down.url.replace('/hook', '') }, undefined)).toBeUndefined();
    const feed = (await emulatorEventFeed({ kind: 'endpoint', region: 'us-east-1', endpoint: e.url }, undefined))!;
    const lines: string[] = [];
    let got: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (got = resolve));
    const stop = feed((line) => {
      lines.push(`${line.tone} ${line.text}`);
      got();
    });
    // The stream opens asynchronously; emit until the first line shows it was open.
    while (lines.length === 0) {
      await emit(e, 1);
      await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    stop();
    expect(lines[0]).toBe('good event Participant Published');
  });
});
