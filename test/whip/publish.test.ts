// `ivsrt publish` end to end: the real bin, ffmpeg making the media, node-datachannel carrying it over
// WHIP into the spawned emulator, which measures it; Ctrl-C ends with a DELETE; SIGKILL leaves no ffmpeg
// behind; no ffmpeg is one line.

import { describe, expect, it } from 'vitest';
import type { WhipPublisherStatus } from '../../src/emulator/http/admin-contract.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { childPids, hasEnded, spawnChild, stopChild } from '../helpers/children.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { eventually } from '../helpers/wait.js';
import { measuredPublisher, mediaOf, participantEvents } from './whip-api.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the ivsrt publish media tests: ffmpeg not installed (apt-get install ffmpeg)');
// Debian's simple-whip-server (with Janus) is the second independent WHIP server the issue names; on
// bookworm with Node.js 20 installed outside apt it cannot install (its libnode108 conflicts with
// nodejs-legacy), so `ivsrt publish` is tested against the emulator only here.
console.warn('not testing ivsrt publish against simple-whip-server: the Debian package does not install beside this Node.js (libnode108 conflicts)');

const bed = emulatorBed();

async function newStage(name: string): Promise<string> {
  return (await bed.cli(['stage', 'create', '--name', name, '--json'])).json().stage.arn;
}

describe.skipIf(noFfmpeg)('ivsrt publish to the emulator', () => {
  it('makes a token, publishes a test pattern the emulator measures, shows it in local status, and ends with a DELETE after --duration', async () => {
    const stageArn = await newStage('publish-e2e');
    const run = bed.cli(['publish', 'publish-e2e', '--user-id', 'bob', '--duration', '7', '--resolution', '640x360', '--bitrate', '800', '--fps', '15', '--json'], {});
    const publisher = await measuredPublisher(bed.emu.url, 'the emulator to measure the published media', (q) => q.media.width !== undefined && q.media.windowSeconds >= 1);
    expect(publisher.media).toMatchObject({ videoCodec: 'H264', audioCodec: 'OPUS', width: 640, height: 360 });
    const status = (await bed.cli(['local', 'status', '--json'], { IVSRT_HOME: bed.emu.home })).json();
    const shown = status.whipPublishers.find((p: WhipPublisherStatus) => p.participantId === publisher.participantId);
    expect(shown).toMatchObject({ userId: 'bob', connectionState: 'connected', media: { videoCodec: 'H264', audioCodec: 'OPUS', width: 640, height: 360 } });

    const done = await run;
    expect(done.code, done.stderr).toBe(0);
    const result = done.json();
    expect(result).toMatchObject({ participantId: publisher.participantId, stageArn, endedBy: 'duration' });
    expect(result.resourceUrl).toBe(publisher.sessionUrl);
    expect(result.bytesSent).toBeGreaterThan(0);
    expect(done.stderr).toMatch(/connected · [\d.]+ Mbit\/s/);
    expect(await participantEvents(bed.api, stageArn, result.participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    expect((await mediaOf(bed.emu.url)).some((q) => q.participantId === result.participantId)).toBe(false);
  });

  it('Ctrl-C ends the session with a WHIP DELETE and exit 0', async () => {
    const stageArn = await newStage('publish-ctrl-c');
    const child = spawnChild(process.execPath, [BIN, 'publish', 'publish-ctrl-c', '--resolution', '320x180', '--bitrate', '300', '--json', '--endpoint-url', bed.emu.url], {
      env: testEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const publisher = await measuredPublisher(bed.emu.url, 'PUBLISH_STARTED', (p) => p.stageArn === stageArn && p.publishStartedAt);
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ participantId: publisher.participantId, endedBy: 'Ctrl-C' });
      expect(await participantEvents(bed.api, stageArn, publisher.participantId)).toEqual(['JOINED', 'PUBLISH_STARTED', 'PUBLISH_STOPPED', 'LEFT']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  // Linux only: elsewhere there is no parent-death signal, and ffmpeg outlives a killed ivsrt publish.
  it.skipIf(process.platform !== 'linux')('SIGKILLed, it takes its ffmpeg with it (the parent-death signal, src/media/spawn.ts)', async () => {
    const stageArn = await newStage('publish-killed');
    const child = spawnChild(process.execPath, [BIN, 'publish', 'publish-killed', '--resolution', '320x180', '--bitrate', '300', '--endpoint-url', bed.emu.url], {
      env: testEnv(),
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    // Publishing: ffmpeg is running and its media has reached the emulator.
    await measuredPublisher(bed.emu.url, 'PUBLISH_STARTED', (p) => p.stageArn === stageArn && p.publishStartedAt);
    // Waited for, not read once: a CI run once found no ffmpeg child at the moment the media was seen.
    const ffmpeg = await eventually('ivsrt publish to have an ffmpeg child', async () => childPids(child.pid!, 'ffmpeg')[0]);
    expect(hasEnded(ffmpeg)).toBe(false);
    await stopChild(child, 'SIGKILL');
    // Gone (or a zombie waiting to be reaped by whoever adopted it) without anyone but the kernel stopping it.
    await eventually('the ffmpeg of the killed ivsrt publish to end', async () => (hasEnded(ffmpeg) ? true : undefined));
  });
});

describe('ivsrt publish without ffmpeg', () => {
  it('fails with one line naming the package to install (exit 253), before making a token', async () => {
    await newStage('publish-no-ffmpeg');
    const res = await bed.cli(['publish', 'publish-no-ffmpeg', '--duration', '1'], { PATH: '/nonexistent' });
    expect(res.code).toBe(253);
    expect(res.stderr).toMatch(/needs ffmpeg on PATH/);
    expect(res.stderr).toMatch(/apt-get install ffmpeg/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --file with --test-pattern as a usage error (252)', async () => {
    await bed.refusedLocally(['publish', 'demo', '--file', 'a.mp4', '--test-pattern'], '--file or --test-pattern');
  });
});
