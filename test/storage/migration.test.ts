// A data dir written by the hand-written journal that ivsrt used before lmdb (fixtures/journal-v1, made
// by that code) is imported on its first start: every record comes back as the API shows it, the
// journal files are moved aside, and the next start reads lmdb only.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/assemble.js';
import { CREDENTIALS } from '../emulator/helpers.js';
import { scratchDir } from '../helpers/scratch.js';
import { allStages, call } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/journal-v1', import.meta.url));
/**
 * The journal was written on 2026-11-29 (its last record at 11:58:13Z, virtual time). The clock starts just
 * after it, whatever today's date: on the wall clock, the 24-hour composition limit would have passed.
 */
const WRITTEN = Date.parse('2026-11-29T12:00:00Z');

async function expectImportedState(emu: RunningEmulator): Promise<void> {
  const client = new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: emu.url, credentials: CREDENTIALS, maxAttempts: 1 });
  try {
    const stages = [...(await allStages(emu.url)).values()];
    // creation order survives; the stage deleted before the import stays deleted
    expect(stages.map((s) => s.name)).toEqual(['renamed', 'stage-1', 'stage-2', 'stage-3']);
    expect(stages[1]!.tags).toEqual({ n: '1', extra: 'yes' });
    expect(stages[3]!.tags).toEqual({ n: '3', round: '2' });

    const renamed = (await client.send(new sdk.GetStageCommand({ arn: stages[0]!.arn }))).stage!;
    expect(renamed.activeSessionId).toBeUndefined();
    expect(renamed.autoParticipantRecordingConfiguration?.storageConfigurationArn).toMatch(/:storage-configuration\//);
    const [ended] = (await client.send(new sdk.ListStageSessionsCommand({ stageArn: renamed.arn }))).stageSessions!;
    expect(ended!.endTime).toBeInstanceOf(Date);
    const people = (await client.send(new sdk.ListParticipantsCommand({ stageArn: renamed.arn, sessionId: ended!.sessionId }))).participants!;
    expect(people.map((p) => [p.userId, p.state, p.published])).toEqual([
      ['u0', 'DISCONNECTED', true],
      ['v0', 'DISCONNECTED', false],
    ]);
    const events = async (participantId: string) =>
      (await client.send(new sdk.ListParticipantEventsCommand({ stageArn: renamed.arn, sessionId: ended!.sessionId, participantId }))).events!.map((e) => e.name).reverse();
    expect(await events(people[0]!.participantId!)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    expect(await events(people[1]!.participantId!)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);

    const live = (await client.send(new sdk.GetStageCommand({ arn: stages[1]!.arn }))).stage!;
    expect(live.activeSessionId).toMatch(/^st-/);
    const [publisher] = (await client.send(new sdk.ListParticipantsCommand({ stageArn: live.arn, sessionId: live.activeSessionId }))).participants!;
    expect(publisher).toMatchObject({ userId: 'u1', state: 'CONNECTED', published: true });

    const compositions = (await client.send(new sdk.ListCompositionsCommand({}))).compositions!;
    expect(compositions.map((c) => [c.stageArn, c.state])).toEqual([[live.arn, 'ACTIVE']]);
    expect((await client.send(new sdk.ListEncoderConfigurationsCommand({}))).encoderConfigurations!.map((e) => [e.name, e.tags])).toEqual([['enc', { team: 'video' }]]);
    expect((await client.send(new sdk.ListStorageConfigurationsCommand({}))).storageConfigurations!.map((s) => s.name)).toEqual(['rec']);
    const [ingest] = (await client.send(new sdk.ListIngestConfigurationsCommand({}))).ingestConfigurations!;
    expect(ingest).toMatchObject({ name: 'obs', stageArn: stages[2]!.arn, state: 'INACTIVE' });
    // the virtual clock had been advanced by 90 s; it starts where it was told
    expect(emu.emulator.clock.offsetMs).toBe(90_000);
    expect(emu.emulator.now() - WRITTEN).toBeGreaterThanOrEqual(0);
    expect(emu.emulator.now() - WRITTEN).toBeLessThan(3_600_000);
  } finally {
    client.destroy();
  }
}

test('a journal data dir is imported on first start, then served from lmdb', async () => {
  const dir = join(scratchDir('migrate'), 'data');
  cpSync(FIXTURE, dir, { recursive: true });
  const lines: string[] = [];
  const first = await startEmulator({ dataDir: dir, clock: { start: WRITTEN }, log: (line) => lines.push(line) });
  try {
    expect(lines.join('\n')).toMatch(/imported \d+ journal record\(s\)/);
    await expectImportedState(first);
    expect((await call(first.url, 'CreateStage', { name: 'after-import' })).status).toBe(200);
  } finally {
    await first.close();
  }
  expect(readdirSync(dir).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  expect(readdirSync(join(dir, 'journal-before-lmdb')).sort()).toEqual(['journal-1.jsonl', 'snapshot.jsonl']);

  const lines2: string[] = [];
  const second = await startEmulator({ dataDir: dir, log: (line) => lines2.push(line) });
  try {
    expect(lines2.join('\n')).not.toMatch(/imported/);
    // without a start, the clock goes on from where the data dir's stood
    expect(second.emulator.now() - WRITTEN).toBeGreaterThanOrEqual(0);
    expect(second.emulator.now() - WRITTEN).toBeLessThan(3_600_000);
    expect([...(await allStages(second.url)).values()].map((s) => s.name)).toEqual(['renamed', 'stage-1', 'stage-2', 'stage-3', 'after-import']);
  } finally {
    await second.close();
  }
});
