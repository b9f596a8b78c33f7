// The one mutation path (Emulator.mutate): records are replaced, never changed in place (the test run
// freezes them); derivers see the state before a change and their ops commit with it; commit listeners
// hear about a change once it is stored; auxiliary tables live in the store and survive a restart.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { afterEach, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import type { Op } from '../../src/emulator/state/store.js';
import { admin, startTestEmulator } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';

const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
});

async function start(dataDir?: string): Promise<{ emu: RunningEmulator; client: sdk.IVSRealTimeClient }> {
  const started = await startTestEmulator({ dataDir, freezeRecords: true });
  running.push(started.emu);
  return started;
}

describe('records are replaced, never changed in place', () => {
  test('every stored record is deeply frozen, and a change in place throws', async () => {
    const { emu, client } = await start();
    const created = await client.send(new sdk.CreateStageCommand({ name: 'frozen', tags: { a: '1' }, participantTokenConfigurations: [{ userId: 'u' }] }));
    await admin(emu.url, 'POST', 'join', { token: created.participantTokens![0]!.token, publish: true });
    const stage = emu.emulator.store.stages.get(created.stage!.arn!)!;
    expect(Object.isFrozen(stage)).toBe(true);
    expect(Object.isFrozen(stage.tags)).toBe(true);
    const participant = [...emu.emulator.store.participants.get(stage.activeSessionId!)!.values()][0]!;
    expect(Object.isFrozen(participant.events)).toBe(true);
    expect(() => {
      (stage as { name: string }).name = 'changed in place';
    }).toThrow(TypeError);
    // the API still changes it: through a new record
    await client.send(new sdk.UpdateStageCommand({ arn: stage.arn, name: 'renamed' }));
    expect(emu.emulator.store.stages.get(stage.arn)!.name).toBe('renamed');
    expect(stage.name).toBe('frozen');
    client.destroy();
  });
});

describe('derivers and commit listeners', () => {
  test('a deriver sees the state before the change; its ops are stored with it; listeners hear after the commit', async () => {
    const dir = scratchDir('mutation');
    const { emu, client } = await start(dir);
    const seenBefore: (string | undefined)[] = [];
    emu.emulator.addDeriver((ops, store) => {
      const out: Op[] = [];
      for (const op of ops) {
        if (op.k !== 'stage') continue;
        seenBefore.push(store.stages.get(op.v.arn)?.name);
        out.push({ k: 'aux', table: 'test-log', key: `${op.v.arn}#${op.v.name}`, v: { name: op.v.name, before: store.stages.get(op.v.arn)?.name ?? null } });
      }
      return out;
    });
    const heard: Op[][] = [];
    emu.emulator.onCommitted((ops) => {
      // by now the change is in memory, and what the deriver added travels with it
      for (const op of ops) if (op.k === 'stage') expect(emu.emulator.store.stages.get(op.v.arn)).toBe(op.v);
      heard.push([...ops]);
    });
    const arn = (await client.send(new sdk.CreateStageCommand({ name: 'one' }))).stage!.arn!;
    await client.send(new sdk.UpdateStageCommand({ arn, name: 'two' }));
    expect(seenBefore).toEqual([undefined, 'one']);
    const log = emu.emulator.store.aux('test-log');
    expect([...log.values()]).toEqual([{ name: 'one', before: null }, { name: 'two', before: 'one' }]);
    expect(heard.map((ops) => ops.map((op) => op.k))).toEqual([['stage', 'aux'], ['stage', 'aux']]);
    client.destroy();
    await emu.close();
    running.splice(0);

    const again = await start(dir);
    expect([...again.emu.emulator.store.aux('test-log').values()]).toEqual([{ name: 'one', before: null }, { name: 'two', before: 'one' }]);
    again.client.destroy();
  });

  test('an aux op without a value deletes the row; reset empties aux tables', async () => {
    const { emu, client } = await start();
    await emu.emulator.mutate([{ k: 'aux', table: 'test-rows', key: 'a', v: 1 }, { k: 'aux', table: 'test-rows', key: 'b', v: 2 }]);
    await emu.emulator.mutate([{ k: 'aux', table: 'test-rows', key: 'a' }]);
    expect([...emu.emulator.store.aux('test-rows')]).toEqual([['b', 2]]);
    expect((await admin(emu.url, 'POST', 'reset', {})).status).toBe(200);
    expect(emu.emulator.store.aux('test-rows').size).toBe(0);
    client.destroy();
  });
});

describe('one state change, one mutation', () => {
  // Each mutation runs every deriver once (the events, retention); a change split over two mutations
  // would run them twice and hand the commit listeners two halves of one change.
  test('join, publish, subscribe, unsubscribe, unpublish and leave each run the derivers once', async () => {
    const { emu, client } = await start();
    const created = await client.send(new sdk.CreateStageCommand({ name: 'once', participantTokenConfigurations: [{ userId: 'a' }, { userId: 'b' }] }));
    const [a, b] = created.participantTokens!.map((t) => t.token!);
    await admin(emu.url, 'POST', 'join', { token: a });
    const runs: string[][] = [];
    emu.emulator.addDeriver((ops) => {
      // The event bus's own bookkeeping (an outbox entry delivered) is a change of its own, to aux tables only.
      if (ops.every((op) => op.k === 'aux')) return [];
      runs.push(ops.map((op) => (op.k === 'event' ? `event:${op.e.name}` : op.k)));
      return [];
    });
    const step = async (route: string, body: Record<string, unknown>): Promise<string[][]> => {
      runs.length = 0;
      await admin(emu.url, 'POST', route, body);
      return [...runs];
    };
    expect(await step('join', { token: b })).toEqual([['participant', 'event:JOINED']]);
    expect(await step('publish', { token: a })).toEqual([['participant', 'event:PUBLISH_STARTED']]);
    const publisherId = created.participantTokens![0]!.participantId!;
    expect(await step('subscribe', { token: b, publisherId })).toEqual([['participant', 'event:SUBSCRIBE_STARTED']]);
    expect(await step('unsubscribe', { token: b, publisherId })).toEqual([['participant', 'event:SUBSCRIBE_STOPPED']]);
    expect(await step('unpublish', { token: a })).toEqual([['participant', 'event:PUBLISH_STOPPED']]);
    expect(await step('leave', { token: b })).toEqual([['participant', 'event:LEFT']]);
    client.destroy();
  });
});
