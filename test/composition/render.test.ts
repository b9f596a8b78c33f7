// Server-side composition with real media, end to end: `ivsrt publish` processes send distinct solid
// colours over WHIP into a spawned emulator (and Debian's python3-aiortc an audio-only publisher); the
// emulator composites them; the test reads the channel destination's live HLS from the emulator's
// playback URL, decodes frames with ffmpeg and checks the colour at every tile centre the layout names.
// One emulator and one set of publishers serve every case; each case waits for the frame it expects.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { centreOf, layoutTiles, type LayoutParticipant, type LayoutSpec } from '../../src/composition/layout.js';
import { playlistDurationMs } from '../../src/emulator/media/recording-files.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { signEs384 } from '../../src/tokens/jwt.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { eventually } from '../whip/media.js';
import { mediaOf } from '../whip/whip-api.js';
import { decodeFrame, extentAround, near, pixel, type Frame, type Rgb } from './pixels.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the composition rendering tests: ffmpeg not installed (apt-get install ffmpeg)');
const PYTHON = '/usr/bin/python3';
const noAiortc = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import aiortc'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
})();
if (noAiortc) console.warn('skipping the omitStoppedVideo case: python3-aiortc not installed (apt-get install python3-aiortc)');

const s3 = scratchDir('composite-s3');
const work = scratchDir('composite');
const bed = emulatorBed(['--s3-dir', s3]);
const CANVAS = { width: 640, height: 360 };
const FRAMERATE = 15;
const CHANNEL = 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl';
const PLACEHOLDER: Rgb = [0x40, 0x40, 0x40];

interface Publisher {
  participantId: string;
  userId: string;
  colour: Rgb;
  attributes: Record<string, string>;
  arrival: number;
  stop(): Promise<void>;
}

const COLOURS: Record<string, Rgb> = { red: [255, 0, 0], lime: [0, 255, 0], blue: [0, 0, 255], yellow: [255, 255, 0], magenta: [255, 0, 255] };

let stageArn = '';
let encoderArn = '';
const children: ChildProcess[] = [];
let segmentCount = 0;

async function publish(userId: string, colour: string, attributes: Record<string, string> = {}, token?: { token: string; participantId: string }): Promise<Publisher> {
  const participantToken = token ?? (await bed.api('CreateParticipantToken', { stageArn, userId, attributes, capabilities: ['PUBLISH'] })).participantToken;
  const child = spawn(process.execPath, [BIN, 'publish', stageArn, '--token', participantToken.token, '--color', colour, '--resolution', '320x180', '--fps', String(FRAMERATE), '--bitrate', '200', '--endpoint-url', bed.emu.url], {
    env: testEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const participantId: string = participantToken.participantId;
  await eventually(`${userId} publishing`, async () => (await mediaOf(bed.emu.url)).find((p) => p.participantId === participantId && p.media.width !== undefined));
  const { participant } = await bed.api('GetParticipant', { stageArn, sessionId: await sessionId(), participantId });
  return {
    participantId,
    userId,
    colour: COLOURS[colour]!,
    attributes,
    arrival: new Date(participant.firstJoinTime).getTime(),
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

async function sessionId(): Promise<string> {
  return (await bed.api('GetStage', { arn: stageArn })).stage.activeSessionId;
}

/** Compositions a case started: stopped after it, whatever happened (a stage runs at most five). */
const startedCompositions: string[] = [];

async function startComposition(layout: LayoutSpec): Promise<{ arn: string; playback: string }> {
  const { composition } = await bed.api('StartComposition', { stageArn, layout, destinations: [{ channel: { channelArn: CHANNEL, encoderConfigurationArn: encoderArn } }] });
  startedCompositions.push(composition.arn);
  return { arn: composition.arn, playback: `${bed.emu.url}/playback/${composition.arn.split('/').pop()}/live.m3u8` };
}

/** The newest segment of a live playlist, saved to a file; undefined while there is none. */
async function newestSegment(playback: string): Promise<string | undefined> {
  const res = await fetch(playback);
  if (!res.ok) return undefined;
  const segment = (await res.text()).trim().split('\n').pop()!;
  if (!segment.endsWith('.ts')) return undefined;
  const body = await fetch(new URL(segment, playback));
  if (!body.ok) return undefined;
  const file = join(work, `segment-${segmentCount++}.ts`);
  writeFileSync(file, Buffer.from(await body.arrayBuffer()));
  return file;
}

interface Expected {
  x: number;
  y: number;
  colour: Rgb;
  who: string;
}

/** Where each publisher's colour should show for `layout` (the layout module's arithmetic, tested on its own). */
function expectedTiles(layout: LayoutSpec, shown: Publisher[], stopped: { userId: string; arrival: number; participantId: string }[] = []): Expected[] {
  const participants: LayoutParticipant[] = [
    ...shown.map((p) => ({ participantId: p.participantId, userId: p.userId, attributes: p.attributes, arrival: p.arrival })),
    ...stopped.map((p) => ({ ...p, videoStopped: true })),
  ];
  return layoutTiles(layout, CANVAS, participants).map((tile) => {
    const who = shown.find((p) => p.participantId === tile.participant.participantId);
    return { ...centreOf(tile), colour: who?.colour ?? PLACEHOLDER, who: tile.participant.userId ?? '?' };
  });
}

const matches = (frame: Frame, expected: Expected[]): boolean => expected.every((e) => near(pixel(frame, e.x, e.y), e.colour));

/** Waits for a decoded frame of the live output showing every expected colour where expected. */
async function showing(playback: string, expected: Expected[]): Promise<{ frame: Frame; segment: string }> {
  let last = '';
  try {
    return await eventually(
      `the composition to show ${expected.map((e) => `${e.who}@${e.x},${e.y}`).join(' ')}`,
      async () => {
        const segment = await newestSegment(playback);
        if (!segment) return undefined;
        const frame = decodeFrame(segment);
        last = expected.map((e) => `${e.who}: ${pixel(frame, e.x, e.y).join(',')}`).join('; ');
        return matches(frame, expected) ? { frame, segment } : undefined;
      },
      40_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the last frame had ${last}`);
  }
}

async function stopComposition(arn: string): Promise<void> {
  await bed.api('StopComposition', { arn });
}

describe.skipIf(noFfmpeg)('server-side composition of real publishers', () => {
  const publishers: Publisher[] = [];

  beforeAll(async () => {
    stageArn = (await bed.api('CreateStage', { name: 'mix' })).stage.arn;
    encoderArn = (await bed.api('CreateEncoderConfiguration', { name: 'small', video: { ...CANVAS, framerate: FRAMERATE, bitrate: 600_000 } })).encoderConfiguration.arn;
  });

  afterEach(async () => {
    for (const arn of startedCompositions.splice(0)) await bed.api('StopComposition', { arn }).catch(() => undefined);
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGINT');
  });

  it('grid: re-lays as publishers arrive (1 to 4 tiles, each colour at its tile centre), at the encoder configuration\'s size and frame rate; composition get shows the playback URL', async () => {
    const layout = { grid: { gridGap: 4 } };
    const { arn, playback } = await startComposition(layout);
    const attributes: Record<string, Record<string, string>> = { red: { seat: '2' }, lime: { star: 'true' }, blue: { inset: 'true' }, yellow: { seat: '1' } };
    for (const colour of ['red', 'lime', 'blue', 'yellow']) {
      publishers.push(await publish(colour, colour, attributes[colour]));
      await showing(playback, expectedTiles(layout, publishers));
    }
    const { segment } = await showing(playback, expectedTiles(layout, publishers));
    const streams = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height,r_frame_rate', '-of', 'json', segment], { encoding: 'utf8' });
    const parsed = JSON.parse(streams).streams as { codec_type: string; codec_name: string; width?: number; height?: number; r_frame_rate: string }[];
    expect(parsed.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 640, height: 360, r_frame_rate: `${FRAMERATE}/1` });
    expect(parsed.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });

    const got = (await bed.cli(['composition', 'get', arn, '--json'])).json();
    expect(got.composition.destinations[0].playbackUrl).toBe(playback);
    await stopComposition(arn);
  });

  it('composition preview --stage draws the same geometry as the live render, within 2 px', async () => {
    const layout = { grid: { gridGap: 4 } };
    const { arn, playback } = await startComposition(layout);
    const { frame: live } = await showing(playback, expectedTiles(layout, publishers));
    const out = join(work, 'preview.png');
    const res = await bed.cli(['composition', 'preview', '--stage', 'mix', '--encoder-config', 'small', '--gap', '4', '--out', out, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const drawn = decodeFrame(out);
    const tiles = res.json<{ userId: string; x: number; y: number; width: number; height: number }[]>();
    expect(tiles.map((t) => t.userId)).toEqual(publishers.map((p) => p.userId));
    for (const t of tiles) {
      const centre = centreOf(t);
      const inPreview = extentAround(drawn, centre.x, centre.y, PLACEHOLDER, 8);
      const inLive = extentAround(live, centre.x, centre.y, publishers.find((p) => p.userId === t.userId)!.colour);
      for (const side of ["x", "y", "width", "height"] as const) expect(Math.abs(inPreview[side] - inLive[side]), `${t.userId} ${side}`).toBeLessThanOrEqual(2);
    }
    await stopComposition(arn);
  });

  it('grid with a featured participant, and ordered by participantOrderAttribute', async () => {
    const featured = { grid: { featuredParticipantAttribute: 'star', gridGap: 2 } };
    const ordered = { grid: { participantOrderAttribute: 'seat', gridGap: 2 } };
    const [a, b] = await Promise.all([startComposition(featured), startComposition(ordered)]);
    const featuredTiles = expectedTiles(featured, publishers);
    // lime has star=true: it takes the featured slot on the left.
    expect(featuredTiles[0]!.who).toBe('lime');
    expect(featuredTiles[0]!.x).toBeLessThan(CANVAS.width / 2);
    const orderedTiles = expectedTiles(ordered, publishers);
    // seat 1 (yellow), seat 2 (red), then the rest by arrival (lime, blue).
    expect(orderedTiles.map((t) => t.who)).toEqual(['yellow', 'red', 'lime', 'blue']);
    await Promise.all([showing(a.playback, featuredTiles), showing(b.playback, orderedTiles)]);
    await Promise.all([stopComposition(a.arn), stopComposition(b.arn)]);
  });

  it('PiP in each pipPosition: the PiP participant in that corner, pipOffset from the edges, over the main video', async () => {
    // One position at a time: four renderers at once beside the other test worker starved each other on
    // two cores (a CI run saw one produce no segment at all).
    for (const pipPosition of ['TOP_LEFT', 'TOP_RIGHT', 'BOTTOM_LEFT', 'BOTTOM_RIGHT']) {
      const layout = { pip: { pipParticipantAttribute: 'inset', pipPosition, pipOffset: 12 } };
      const { arn, playback } = await startComposition(layout);
      try {
        const expected = expectedTiles(layout, publishers);
        expect(expected.map((e) => e.who)).toEqual(['red', 'blue']);
        // Just inside the PiP window's corner nearest the canvas corner, and just outside it.
        const { frame } = await showing(playback, expected);
        const window = layoutTiles(layout, CANVAS, publishers.map((p) => ({ ...p })))[1]!;
        const left = layout.pip.pipPosition.endsWith('LEFT');
        const top = layout.pip.pipPosition.startsWith('TOP');
        const insideX = left ? window.x + 3 : window.x + window.width - 4;
        const insideY = top ? window.y + 3 : window.y + window.height - 4;
        expect(near(pixel(frame, insideX, insideY), COLOURS.blue!), `inside ${layout.pip.pipPosition}`).toBe(true);
        expect(near(pixel(frame, left ? 6 : CANVAS.width - 7, top ? 6 : CANVAS.height - 7), COLOURS.red!), `outside ${layout.pip.pipPosition}`).toBe(true);
      } finally {
        await stopComposition(arn);
      }
    }
  });

  it.skipIf(noAiortc)('omitStoppedVideo: an audio-only publisher (aiortc) keeps a tile when false and is left out when true; a simulated publisher is a labelled placeholder tile', async () => {
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn, userId: 'mute', capabilities: ['PUBLISH'] });
    const whip = (await bed.api('GetStage', { arn: stageArn })).stage.endpoints.whip;
    const script = new URL('./audio_only_publisher.py', import.meta.url).pathname;
    const mute = spawn(PYTHON, [script, whip, participantToken.token], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(mute);
    await eventually('the audio-only publisher', async () => (await mediaOf(bed.emu.url)).find((p) => p.participantId === participantToken.participantId && p.publishStartedAt));
    const { participant } = await bed.api('GetParticipant', { stageArn, sessionId: await sessionId(), participantId: participantToken.participantId });
    const stopped = [{ userId: 'mute', participantId: participantToken.participantId, arrival: new Date(participant.firstJoinTime).getTime() }];

    const kept = { grid: { omitStoppedVideo: false, gridGap: 2 } };
    const omitted = { grid: { omitStoppedVideo: true, gridGap: 2 } };
    const [a, b] = await Promise.all([startComposition(kept), startComposition(omitted)]);
    const keptTiles = expectedTiles(kept, publishers, stopped);
    expect(keptTiles).toHaveLength(5);
    expect(keptTiles[4]).toMatchObject({ who: 'mute', colour: PLACEHOLDER });
    await Promise.all([showing(a.playback, keptTiles), showing(b.playback, expectedTiles(omitted, publishers, []))]);

    // A simulated publisher (no media) joins: a placeholder tile in the next place.
    const joined = await bed.cli(['local', 'join', '--stage', stageArn, '--user-id', 'simulated', '--publish', '--json'], { IVSRT_HOME: bed.emu.home });
    expect(joined.code, joined.stderr).toBe(0);
    const simulated = { userId: 'simulated', participantId: joined.json().participant.participantId, arrival: Date.parse(joined.json().participant.firstJoinTime) };
    const withSimulated = expectedTiles(omitted, publishers, []).length + 1;
    const tiles = layoutTiles(omitted, CANVAS, [...publishers.map((p) => ({ ...p })), { ...simulated }]);
    expect(tiles).toHaveLength(withSimulated);
    await showing(b.playback, tiles.map((t) => ({ ...centreOf(t), who: t.participant.userId!, colour: publishers.find((p) => p.participantId === t.participant.participantId)?.colour ?? PLACEHOLDER })));
    await bed.cli(['local', 'leave', '--stage', stageArn, '--participant', simulated.participantId], { IVSRT_HOME: bed.emu.home });
    mute.stdin!.end();
    await Promise.all([stopComposition(a.arn), stopComposition(b.arn)]);
  });

  it('S3 destination: the composite recording under --s3-dir (metadata files, VOD playlist, thumbnails) shows the layout; a failed destination gets recording-failed.json', async () => {
    const storage = (await bed.api('CreateStorageConfiguration', { name: 'composite', s3: { bucketName: 'composite-bucket' } })).storageConfiguration.arn;
    const layout = { grid: { gridGap: 4 } };
    const s3Destination = {
      s3: {
        storageConfigurationArn: storage,
        encoderConfigurationArns: [encoderArn],
        recordingConfiguration: { hlsConfiguration: { targetSegmentDurationSeconds: 2 } },
        thumbnailConfigurations: [{ targetIntervalSeconds: 1, storage: ['SEQUENTIAL', 'LATEST'] }],
      },
    };
    const start = async () => (await bed.api('StartComposition', { stageArn, layout, destinations: [s3Destination] })).composition;
    const [recorded, failing] = await Promise.all([start(), start()]);
    startedCompositions.push(recorded.arn, failing.arn);
    const dirOf = (c: { destinations: { detail: { s3: { recordingPrefix: string } } }[] }) => join(s3, 'composite-bucket', c.destinations[0]!.detail.s3.recordingPrefix);
    const dir = dirOf(recorded);
    const rendition = join(dir, 'media', 'hls', '640x360');
    await eventually('two recorded segments', async () => (existsSync(join(rendition, 'playlist.m3u8')) && (readFileSync(join(rendition, 'playlist.m3u8'), 'utf8').match(/^\d+\.ts$/gm)?.length ?? 0) >= 2 ? true : undefined), 40_000);
    await eventually('a thumbnail', async () => (existsSync(join(dir, 'media', 'thumbnails', '640x360', '1.jpg')) ? true : undefined));

    // Recording End comes with the stop: the destination ends, ffmpeg writes out, recording-ended.json follows.
    await stopComposition(recorded.arn);
    const ended = await eventually('recording-ended.json', async () => (existsSync(join(dir, 'events', 'recording-ended.json')) ? JSON.parse(readFileSync(join(dir, 'events', 'recording-ended.json'), 'utf8')) : undefined));
    const started = JSON.parse(readFileSync(join(dir, 'events', 'recording-started.json'), 'utf8'));
    const media = {
      hls: { path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: '640x360', playlist: 'playlist.m3u8' }] },
      thumbnails: { path: 'media/thumbnails', renditions: [{ path: '640x360' }] },
      latest_thumbnail: { path: 'media/latest_thumbnail', renditions: [{ path: '640x360' }] },
    };
    const common = { version: 'v1', composition_arn: recorded.arn, stage_arn: stageArn, destination_id: recorded.destinations[0].id };
    expect(started).toEqual({ ...common, recording_started_at: expect.stringMatching(/Z$/), recording_status: 'RECORDING_STARTED', media });
    const playlist = readFileSync(join(rendition, 'playlist.m3u8'), 'utf8');
    expect(playlist).toMatch(/^#EXT-X-PLAYLIST-TYPE:VOD$/m);
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    // EXT-X-PROGRAM-DATE-TIME on the emulator's clock, in UTC with Z, from the recording's start.
    const dates = [...playlist.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(dates[0]!) - Date.parse(started.recording_started_at)).toBeLessThan(1_000);
    expect(Date.parse(dates[0]!)).toBeGreaterThanOrEqual(Date.parse(started.recording_started_at));
    expect(ended).toEqual({
      ...common,
      recording_started_at: started.recording_started_at,
      recording_ended_at: expect.stringMatching(/Z$/),
      recording_status: 'RECORDING_ENDED',
      media: { ...media, hls: { duration_ms: playlistDurationMs(playlist), ...media.hls } },
    });
    expect(ended.media.hls.duration_ms).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'media', 'hls', 'multivariant.m3u8'), 'utf8')).toMatch(/^640x360\/playlist\.m3u8$/m);
    // Pixels: the last recorded segment and the thumbnails show every publisher at its tile centre.
    const expected = expectedTiles(layout, publishers);
    const last = playlist.match(/^\d+\.ts$/gm)!.pop()!;
    for (const file of [join(rendition, last), join(dir, 'media', 'latest_thumbnail', '640x360', 'thumb.jpg')]) {
      const frame = decodeFrame(file);
      expect([frame.width, frame.height]).toEqual([640, 360]);
      for (const e of expected) expect(near(pixel(frame, e.x, e.y), e.colour), `${file}: ${e.who}`).toBe(true);
    }
    expect(readdirSync(join(dir, 'media', 'thumbnails', '640x360')).filter((f) => /^\d+\.jpg$/.test(f)).length).toBeGreaterThanOrEqual(1);

    // A destination that fails (ivsrt local fail destination --now) ends its recording with a failure.
    const failingDir = dirOf(failing);
    await eventually('the second recording to start', async () => (existsSync(join(failingDir, 'events', 'recording-started.json')) ? true : undefined), 40_000);
    const failed = await bed.cli(['local', 'fail', 'destination', failing.arn, '--now'], { IVSRT_HOME: bed.emu.home });
    expect(failed.code, failed.stderr).toBe(0);
    const failure = await eventually('recording-failed.json', async () => (existsSync(join(failingDir, 'events', 'recording-failed.json')) ? JSON.parse(readFileSync(join(failingDir, 'events', 'recording-failed.json'), 'utf8')) : undefined));
    expect(failure).toMatchObject({ recording_status: 'RECORDING_ENDED_WITH_FAILURE', destination_id: failing.destinations[0].id });
    expect(existsSync(join(failingDir, 'events', 'recording-ended.json'))).toBe(false);
    expect((await bed.api('GetComposition', { arn: failing.arn })).composition.state).toBe('FAILED');
  });

  it('re-lays the output when a publisher leaves', async () => {
    const layout = { grid: { gridGap: 2 } };
    const { arn, playback } = await startComposition(layout);
    await showing(playback, expectedTiles(layout, publishers));
    const leaving = publishers.splice(1, 1)[0]!;
    await leaving.stop();
    await showing(playback, expectedTiles(layout, publishers));
    await stopComposition(arn);
  });

  it('a token exchange that changes a publisher\'s attributes re-lays the output (participantOrderAttribute)', async () => {
    const stage = (await bed.api('GetStage', { arn: stageArn })).stage;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const key = (await bed.api('ImportPublicKey', { publicKeyMaterial: publicKey.export({ type: 'spki', format: 'pem' }) })).publicKey;
    const now = Math.floor(Date.now() / 1000);
    const sign = (attributes: Record<string, string>) =>
      signEs384({ alg: 'ES384', typ: 'JWT', kid: key.arn }, {
        exp: now + 3600, iat: now, jti: 'swapper', resource: stageArn, topic: stageArn.split('/')[1], events_url: stage.endpoints.events,
        whip_url: stage.endpoints.whip, capabilities: { allow_publish: true }, user_id: 'magenta', attributes, version: '1.0',
      }, privateKey);
    const first = sign({});
    const magenta = await publish('magenta', 'magenta', {}, { token: first, participantId: 'swapper' });
    const layout = { grid: { participantOrderAttribute: 'rank', gridGap: 2 } };
    const { arn, playback } = await startComposition(layout);
    const before = expectedTiles(layout, [...publishers, magenta]);
    expect(before.at(-1)!.who).toBe('magenta');
    await showing(playback, before);
    const exchanged = await fetch(`${bed.emu.url}/_ivsrt/exchange`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ token: first, newToken: sign({ rank: '0' }) }) });
    expect(exchanged.status, await exchanged.text()).toBe(200);
    magenta.attributes = { rank: '0' };
    const after = expectedTiles(layout, [...publishers, magenta]);
    expect(after[0]!.who).toBe('magenta');
    await showing(playback, after);
    await Promise.all([magenta.stop(), stopComposition(arn)]);
  });
});
