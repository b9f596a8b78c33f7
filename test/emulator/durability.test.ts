// Every acknowledged mutation survives kill -9: the emulator runs as its own process with a data dir,
// takes a burst of concurrent writes, is SIGKILLed mid-burst, restarts, and must still have everything
// it said yes to. Compaction, torn journal tails and the persisted signing key are checked in-process.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { admin, CREDENTIALS } from './helpers.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivsrt-durable-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const clientFor = (url: string) => new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 });

async function allStages(client: sdk.IVSRealTimeClient): Promise<sdk.StageSummary[]> {
  const out: sdk.StageSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new sdk.ListStagesCommand({ nextToken, maxResults: 100 }));
    out.push(...page.stages!);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

describe('kill -9', () => {
  test('every acknowledged mutation is there after a restart', async () => {
    const dir = dataDir();
    const first = await spawnEmulator(['--data-dir', dir]);
    const client = clientFor(first.url);
    const base = await client.send(new sdk.CreateStageCommand({ name: 'base', participantTokenConfigurations: [{ userId: 'early' }] }));
    const early = await admin(first.url, 'POST', 'join', { token: base.participantTokens![0]!.token, publish: true });
    expect(early.status).toBe(200);
    await expect(startEmulator({ dataDir: dir })).rejects.toThrow(`in use by another emulator (pid ${first.process.pid})`);

    const acknowledged: { arn: string; name: string }[] = [];
    const tagged: string[] = [];
    let killed = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !killed; i++) {
        try {
          const name = `w${w}-${i}`;
          const stage = (await client.send(new sdk.CreateStageCommand({ name, tags: { writer: String(w) } }))).stage!;
          if (!killed) acknowledged.push({ arn: stage.arn!, name });
          await client.send(new sdk.TagResourceCommand({ resourceArn: stage.arn, tags: { second: 'write' } }));
          if (!killed) tagged.push(stage.arn!);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: 12 }, (_, w) => writer(w));
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    first.process.kill('SIGKILL');
    await Promise.all(writers);
    await first.stop();
    client.destroy();

    const second = await spawnEmulator(['--data-dir', dir]);
    try {
      const again = clientFor(second.url);
      const stages = await allStages(again);
      const byArn = new Map(stages.map((s) => [s.arn!, s]));
      const missing = acknowledged.filter((a) => byArn.get(a.arn)?.name !== a.name);
      expect(missing).toEqual([]);
      for (const arn of tagged) expect(byArn.get(arn)!.tags, arn).toMatchObject({ second: 'write' });
      expect(byArn.get(base.stage!.arn!)).toBeDefined();
      // the participant that joined before the crash, with its events
      const session = (early.body as { sessionId: string }).sessionId;
      const participant = await again.send(new sdk.GetParticipantCommand({ stageArn: base.stage!.arn, sessionId: session, participantId: base.participantTokens![0]!.participantId }));
      expect(participant.participant).toMatchObject({ userId: 'early', published: true });
      const events = await again.send(new sdk.ListParticipantEventsCommand({ stageArn: base.stage!.arn, sessionId: session, participantId: base.participantTokens![0]!.participantId }));
      expect(events.events!.map((e) => e.name)).toEqual(['PUBLISH_STARTED', 'JOINED']);
      again.destroy();
    } finally {
      await second.stop();
    }
  });
});

describe('data dir housekeeping', () => {
  test('reset empties the data dir state too', async () => {
    const dir = dataDir();
    const one = await startEmulator({ dataDir: dir });
    const client = clientFor(one.url);
    await client.send(new sdk.CreateStageCommand({ name: 'gone' }));
    expect((await admin(one.url, 'POST', 'reset', {})).status).toBe(200);
    await client.send(new sdk.CreateStageCommand({ name: 'kept' }));
    client.destroy();
    await one.close();
    const two = await startEmulator({ dataDir: dir });
    const again = clientFor(two.url);
    expect((await allStages(again)).map((s) => s.name)).toEqual(['kept']);
    again.destroy();
    await two.close();
  });
});
