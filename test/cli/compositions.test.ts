// Composition verbs end to end: the real bin against a spawned emulator, whose clock is advanced through
// its admin route instead of sleeping. Covers the STARTING → ACTIVE → STOPPING → STOPPED lifecycle,
// destinations built from the simple flags (names resolved) or from --input, and the errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/scratch.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';

// A slow clock: lifecycle steps happen only when the test advances it, never by real time under load.
const bed = emulatorBed(['--clock-speed', '0.01']);
const { cli, api, refusedLocally } = bed;

let stageArn: string;
let encoderArn: string;
let storageArn: string;
const CHANNEL = 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl';

import { arnId as idOf } from '../../src/model/arn.js';
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

async function advance(seconds: number): Promise<void> {
  const res = await fetch(`${bed.emu.url}/_ivsrt/clock`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(res.status, await res.text()).toBe(200);
}

beforeAll(async () => {
  const [stage, encoder, storage] = await Promise.all([
    api('CreateStage', { name: 'show' }),
    api('CreateEncoderConfiguration', { name: 'show-hd', video: { width: 1920, height: 1080 } }),
    api('CreateStorageConfiguration', { name: 'show-rec', s3: { bucketName: 'show-recordings' } }),
  ]);
  stageArn = stage.stage.arn;
  encoderArn = encoder.encoderConfiguration.arn;
  storageArn = storage.storageConfiguration.arn;
  // Someone on the stage, so no composition stops for want of participants while the clock moves.
  const res = await fetch(`${bed.emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ stageArn, userId: 'host', publish: true }) });
  expect(res.status, await res.text()).toBe(200);
});

describe('composition lifecycle', () => {
  it('start by names → STARTING, ACTIVE after the clock moves, stop (asked) → STOPPING → STOPPED', async () => {
    const started = await cli(['composition', 'start', 'show', '--s3', 'show-rec', '--encoder', 'show-hd', '--channel', CHANNEL, '--layout', 'pip', '--tags', 'show=yes', '--json']);
    expect(started.code, started.stderr).toBe(0);
    const composition = started.json().composition;
    expect(composition.state).toBe('STARTING');
    expect(composition.stageArn).toBe(stageArn);
    expect(composition.tags).toEqual({ show: 'yes' });
    expect(Object.keys(composition.layout)).toEqual(['pip']);
    expect(composition.destinations.map((d: { configuration: object }) => d.configuration)).toEqual([
      { name: '', channel: { channelArn: CHANNEL, encoderConfigurationArn: encoderArn } },
      expect.objectContaining({ name: '', s3: expect.objectContaining({ storageConfigurationArn: storageArn, encoderConfigurationArns: [encoderArn] }) }),
    ]);
    expect(started.json()).toEqual(await api('GetComposition', { arn: composition.arn }));
    const id = idOf(composition.arn);

    // An encoder configuration a running composition uses cannot go.
    const conflict = await cli(['encoder-config', 'delete', 'show-hd', '--yes']);
    expect(conflict.code).toBe(254);
    expect(conflict.stderr).toContain('ConflictException');
    const storageConflict = await cli(['storage-config', 'delete', 'show-rec', '--yes']);
    expect(storageConflict.code).toBe(254);
    expect(storageConflict.stderr).toContain('ConflictException');

    await advance(5);
    const active = await cli(['composition', 'get', id, '--json']);
    expect(active.code, active.stderr).toBe(0);
    expect(active.json()).toEqual(await api('GetComposition', { arn: composition.arn }));
    expect(active.json().composition.state).toBe('ACTIVE');
    expect(active.json().composition.destinations.map((d: { state: string }) => d.state)).toEqual(['ACTIVE', 'ACTIVE']);

    const [listed, byEncoder, tsv, table] = await Promise.all([
      cli(['composition', 'list', '--stage', 'show', '--json']),
      cli(['composition', 'list', '--encoder-config', 'show-hd', '--json']),
      cli(['composition', 'list', '--stage', 'show']),
      cli(['composition', 'list'], { IVSRT_FORCE_TTY: '150' }),
    ]);
    expect(listed.json()).toEqual(await api('ListCompositions', { filterByStageArn: stageArn }));
    expect(byEncoder.json()).toEqual(await api('ListCompositions', { filterByEncoderConfigurationArn: encoderArn }));
    expect(byEncoder.json().compositions.map((c: { arn: string }) => c.arn)).toContain(composition.arn);
    const [channelDest, s3Dest] = active.json().composition.destinations as { id: string }[];
    const row = tsv.stdout.split('\n').find((line) => line.startsWith(`${id}\t`));
    expect(row).toBe(`${id}\t${idOf(stageArn)}\tACTIVE\t${channelDest!.id} ACTIVE, ${s3Dest!.id} ACTIVE\t${new Date(composition.startTime).toISOString()}`);
    const lines = plain(table.stdout).split('\n');
    expect(lines[0]).toMatch(/^ ID\s+STAGE\s+STATE\s+DESTINATIONS\s+START$/);
    expect(lines.find((l) => l.includes(id))).toMatch(/ACTIVE\s+\w{12} ACTIVE, \w{12} ACTIVE\s+(just now|\d+ seconds ago)$/);
    expect(table.stdout).not.toContain('\t');

    // Off a terminal, stop needs --yes; nothing happens without it.
    const unconfirmed = await cli(['composition', 'stop', id]);
    expect(unconfirmed.code).toBe(252);
    expect(unconfirmed.stderr).toContain('--yes');
    expect((await api('GetComposition', { arn: composition.arn })).composition.state).toBe('ACTIVE');

    const stopped = await cli(['composition', 'stop', id, '--yes']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe('');
    expect((await cli(['composition', 'get', composition.arn, '--query', 'composition.state'])).stdout).toBe('STOPPING\n');
    await advance(5);
    const final = await cli(['composition', 'get', id, '--json']);
    expect(final.json().composition.state).toBe('STOPPED');
    expect(final.json().composition.endTime).toBeDefined();
    expect(final.json().composition.destinations.map((d: { state: string }) => d.state)).toEqual(['STOPPED', 'STOPPED']);

    // Once stopped, its configurations are free again.
    const freed = await api('CreateEncoderConfiguration', { name: 'spare' });
    expect((await cli(['encoder-config', 'delete', 'spare', '--yes'])).code).toBe(0);
    expect(freed.encoderConfiguration.arn).toMatch(/encoder-configuration/);
  });

  it('--input carries the layout and recording settings; the simple flags replace its destinations', async () => {
    const dir = scratchDir('composition');
    const file = join(dir, 'composition.json');
    writeFileSync(
      file,
      JSON.stringify({
        layout: { grid: { gridGap: 8, videoFillMode: 'COVER' } },
        destinations: [{ s3: { storageConfigurationArn: storageArn, encoderConfigurationArns: [encoderArn], recordingConfiguration: { hlsConfiguration: { targetSegmentDurationSeconds: 6 } } } }],
      }),
    );
    const fromFile = await cli(['composition', 'start', idOf(stageArn), '--input', file, '--json']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const composition = fromFile.json().composition;
    expect(composition.layout.grid).toMatchObject({ gridGap: 8, videoFillMode: 'COVER' });
    expect(composition.destinations[0].configuration.s3.recordingConfiguration.hlsConfiguration.targetSegmentDurationSeconds).toBe(6);

    const replaced = await cli(['composition', 'start', 'show', '--input', file, '--channel', CHANNEL, '--json']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.json().composition.layout.grid.gridGap).toBe(8);
    expect(replaced.json().composition.destinations.map((d: { configuration: object }) => d.configuration)).toEqual([{ name: '', channel: { channelArn: CHANNEL } }]);
    for (const arn of [composition.arn, replaced.json().composition.arn]) expect((await cli(['composition', 'stop', arn, '--yes'])).code).toBe(0);
  });
});

describe('composition errors', () => {
  it('start refuses incomplete or malformed destinations with 252, naming the flag, before any request', async () => {
    await refusedLocally(['composition', 'start', 'show'], 'missing a destination');
    await refusedLocally(['composition', 'start', 'show', '--s3', 'show-rec'], '--s3 needs --encoder');
    await refusedLocally(['composition', 'start', 'show', '--encoder', 'show-hd'], '--encoder needs a destination');
    await refusedLocally(['composition', 'start', 'show', '--channel', 'my-channel'], '--channel must match the pattern');
    await refusedLocally(['composition', 'start', 'show', '--channel', CHANNEL, '--layout', 'mosaic'], '--layout must be grid or pip');
    await refusedLocally(['composition', 'start', 'show', '--channel', CHANNEL, '--idempotency-token', 'no spaces!'], '--idempotency-token must match');
  });

  it('start on a stage that does not exist, get of an unknown id, list by an unknown stage: ResourceNotFoundException (254)', async () => {
    const [start, get, list] = await Promise.all([
      cli(['composition', 'start', stageArn.replace(/\/\w+$/, '/AAAAAAAAAAAA'), '--channel', CHANNEL]),
      cli(['composition', 'get', 'AAAAAAAAAAAA']),
      cli(['composition', 'list', '--stage', 'no-such-stage']),
    ]);
    for (const r of [start, get, list]) {
      expect(r.code, r.stderr).toBe(254);
      expect(r.stderr).toContain('ResourceNotFoundException');
    }
    const unknownStorage = await cli(['composition', 'start', 'show', '--s3', 'no-such-storage', '--encoder', 'show-hd']);
    expect(unknownStorage.code).toBe(254);
    expect(unknownStorage.stderr).toContain('no storage configuration has the name or id "no-such-storage"');
  });
});
