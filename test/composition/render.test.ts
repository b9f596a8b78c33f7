// Server-side composition with real media, end to end: `ivsrt publish` processes send distinct solid
// colours over WHIP into a spawned emulator (and Debian's python3-aiortc an audio-only publisher); the
// emulator composites them; the test reads the channel destination's live HLS from the emulator's
// playback URL, decodes frames with ffmpeg and checks the colour at every tile centre the layout names.
// One emulator and one set of publishers serve every case; each case waits for the frame it expects.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { centreOf, layoutTiles, type LayoutParticipant, type LayoutSpec } from '../../src/composition/layout.js';
import type { IvsEvent } from '../../src/emulator/eventbridge/envelope.js';
import type { CompositionRenditionStatus } from '../../src/emulator/http/admin-contract.js';
import { playlistDurationMs } from '../../src/emulator/media/recording-files.js';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { signEs384 } from '../../src/tokens/jwt.js';
import { emulatorBed } from '../helpers/bed.js';
import { adminHeaders } from '../helpers/emulator.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { eventually, type See } from '../helpers/wait.js';
import { measuredPublisher } from '../whip/whip-api.js';
import { aiortc } from '../subscribe/clients.js';
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
// The emulator's clock far from today: recordings, playlists and events follow it, not the wall clock.
const CLOCK_START = '2031-05-04T03:02:01Z';
const bed = emulatorBed(['--s3-dir', s3, '--clock-start', CLOCK_START, '--event-extras']);
const onEmulatorClock = (date: string): boolean => date.startsWith('2031-');
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
  // The token on standard input (--token -), never on a command line that ps shows.
  const child = spawn(process.execPath, [BIN, 'publish', stageArn, '--token', '-', '--color', colour, '--resolution', '320x180', '--fps', String(FRAMERATE), '--bitrate', '200', '--endpoint-url', bed.emu.url], {
    env: testEnv(),
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin!.end(participantToken.token);
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const participantId: string = participantToken.participantId;
  await measuredPublisher(bed.emu.url, `${userId} publishing`, (p) => p.participantId === participantId && p.media.width !== undefined);
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

/** The newest segment of a live playlist, its name and bytes; undefined while there is none. */
async function newestSegment(playback: string): Promise<{ name: string; bytes: Buffer } | undefined> {
  const res = await fetch(playback);
  if (!res.ok) return undefined;
  const name = (await res.text()).trim().split('\n').pop()!;
  if (!name.endsWith('.ts')) return undefined;
  const body = await fetch(new URL(name, playback));
  if (!body.ok) return undefined;
  return { name, bytes: Buffer.from(await body.arrayBuffer()) };
}

interface Expected {
  x: number;
  y: number;
  colour: Rgb;
  who: string;
}

/** Where each publisher's colour should show for `layout` (the layout module's arithmetic, tested on its own). */
function expectedTiles(layout: LayoutSpec, shown: Publisher[], stopped: { userId: string; arrival: number; participantId: string }[] = [], canvas = CANVAS): Expected[] {
  const participants: LayoutParticipant[] = [
    ...shown.map((p) => ({ participantId: p.participantId, userId: p.userId, attributes: p.attributes, arrival: p.arrival })),
    ...stopped.map((p) => ({ ...p, videoStopped: true })),
  ];
  return layoutTiles(layout, canvas, participants).map((tile) => {
    const who = shown.find((p) => p.participantId === tile.participant.participantId);
    return { ...centreOf(tile), colour: who?.colour ?? PLACEHOLDER, who: tile.participant.userId ?? '?' };
  });
}

const matches = (frame: Frame, expected: Expected[]): boolean => expected.every((e) => near(pixel(frame, e.x, e.y), e.colour));

/** `eventually`, with what the emulator said about compositions (their ffmpeg's errors) beside what the probe saw. */
function until<T>(what: string, probe: (see: See) => Promise<T | undefined>): Promise<T> {
  return eventually(what, async (see) => {
    let seen: unknown = 'nothing';
    const value = await probe((s) => (seen = s));
    if (value === undefined) {
      const said = bed.emu.output().split('\n').filter((line) => line.includes('composit')).slice(-5).join(' / ');
      see({ seen, 'the emulator said': said || 'nothing about compositions' });
    }
    return value;
  });
}

/** Waits for a decoded frame of the live output showing every expected colour where expected. */
function showing(playback: string, expected: Expected[]): Promise<{ frame: Frame; segment: string }> {
  // Each segment is decoded once: until the playlist lists a new one there is nothing new to look at.
  let decoded = '';
  return until(`the composition to show ${expected.map((e) => `${e.who}@${e.x},${e.y}`).join(' ')}`, async (see) => {
    const segment = await newestSegment(playback);
    if (!segment) {
      see('no segment yet');
      return undefined;
    }
    const key = `${segment.name} ${segment.bytes.length}`;
    if (key === decoded) return undefined;
    decoded = key;
    const file = join(work, `segment-${segmentCount++}.ts`);
    writeFileSync(file, segment.bytes);
    const frame = decodeFrame(file);
    see(`the last frame (${segment.name}) had ${expected.map((e) => `${e.who}: ${pixel(frame, e.x, e.y).join(',')}`).join('; ')}`);
    return matches(frame, expected) ? { frame, segment: file } : undefined;
  });
}

/** Every event the emulator has logged about `resource` (a composition's are about the composition), in commit order. */
async function logged(resource: string): Promise<IvsEvent[]> {
  const res = await fetch(`${bed.emu.url}/_ivsrt/events`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ since: '1970-01-01T00:00:00Z', follow: false }) });
  const all = (await res.text()).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as IvsEvent);
  return all.filter((e) => e.resources[0] === resource);
}

/** The renditions of composition `arn` the emulator renders, as GET /_ivsrt/media lists them. */
async function renditionsOf(arn: string): Promise<CompositionRenditionStatus[]> {
  const res = await fetch(`${bed.emu.url}/_ivsrt/media`, { headers: adminHeaders(bed.emu.url) });
  const { compositionRenditions } = (await res.json()) as { compositionRenditions: CompositionRenditionStatus[] };
  return compositionRenditions.filter((r) => r.compositionArn === arn);
}

/** The pid of the ffmpeg rendering composition `arn` (its one rendition, encoded with `encoderArn`). */
async function rendererPid(arn: string): Promise<number | undefined> {
  const ours = await renditionsOf(arn);
  expect(ours.map((r) => r.encoderConfigurationArn)).toEqual([encoderArn]);
  return ours[0]!.ffmpegPid;
}

/** The number of the newest segment a live playlist lists (-1 for none). */
async function newestSegmentNumber(playback: string): Promise<number> {
  const text = await (await fetch(playback)).text();
  return Math.max(-1, ...[...text.matchAll(/(\d+)\.ts$/gm)].map((m) => Number(m[1])));
}

/** The emulator's clock now (ms): what its recordings, playlists, events and token checks follow. */
async function emulatorNow(): Promise<number> {
  const res = await fetch(`${bed.emu.url}/_ivsrt/status`, { headers: adminHeaders(bed.emu.url) });
  return Date.parse(((await res.json()) as { clock: { now: string } }).clock.now);
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
    // The live playlist's dates follow the emulator's clock, not the wall clock ffmpeg reads.
    const liveDates = [...(await (await fetch(playback)).text()).matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);
    expect(liveDates.length).toBeGreaterThan(0);
    for (const date of liveDates) expect(onEmulatorClock(date), date).toBe(true);

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
    // Two positions at a time, as the other cases run two renderers: four at once beside the other test
    // worker starved each other on two cores (a CI run saw one produce no segment at all).
    const inCorner = async (pipPosition: string) => {
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
    };
    await Promise.all([inCorner('TOP_LEFT'), inCorner('TOP_RIGHT')]);
    await Promise.all([inCorner('BOTTOM_LEFT'), inCorner('BOTTOM_RIGHT')]);
  });

  it.skipIf(noAiortc)('omitStoppedVideo: an audio-only publisher (aiortc) keeps a tile when false and is left out when true; a simulated publisher is a labelled placeholder tile', async () => {
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn, userId: 'mute', capabilities: ['PUBLISH'] });
    const whip = (await bed.api('GetStage', { arn: stageArn })).stage.endpoints.whip;
    const script = new URL('./audio_only_publisher.py', import.meta.url).pathname;
    const mute = spawn(PYTHON, [script, whip, participantToken.token], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(mute);
    await measuredPublisher(bed.emu.url, 'the audio-only publisher', (p) => p.participantId === participantToken.participantId && p.publishStartedAt);
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

  it.skipIf(noAiortc)('a publisher whose video stops mid-stream (still connected and publishing, aiortc): its tile goes with omitStoppedVideo, else a "video stopped" placeholder takes it', async () => {
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn, userId: 'pauser', capabilities: ['PUBLISH'] });
    const whip = (await bed.api('GetStage', { arn: stageArn })).stage.endpoints.whip;
    const pauser = aiortc(['publish', '--url', whip, '--token', participantToken.token, '--colour', '00ffff', '--width', '320', '--height', '180']);
    children.push(pauser.child);
    try {
      await pauser.line((l) => l.event === 'published');
      const { participant } = await bed.api('GetParticipant', { stageArn, sessionId: await sessionId(), participantId: participantToken.participantId });
      const cyan: Publisher = { participantId: participantToken.participantId, userId: 'pauser', colour: [0, 255, 255], attributes: {}, arrival: new Date(participant.firstJoinTime).getTime(), stop: () => pauser.stop().then(() => undefined) };
      const kept = { grid: { omitStoppedVideo: false, gridGap: 2 } };
      const omitted = { grid: { omitStoppedVideo: true, gridGap: 2 } };
      const [a, b] = await Promise.all([startComposition(kept), startComposition(omitted)]);
      await Promise.all([showing(a.playback, expectedTiles(kept, [...publishers, cyan])), showing(b.playback, expectedTiles(omitted, [...publishers, cyan]))]);

      pauser.child.stdin!.write('stop-video\n');
      await pauser.line((l) => l.event === 'video-stopped');
      const stopped = [{ userId: 'pauser', participantId: cyan.participantId, arrival: cyan.arrival }];
      const placeholder = expectedTiles(kept, publishers, stopped);
      expect(placeholder.find((t) => t.who === 'pauser')).toMatchObject({ colour: PLACEHOLDER });
      const without = expectedTiles(omitted, publishers, stopped);
      expect(without.map((t) => t.who)).not.toContain('pauser');
      await Promise.all([showing(a.playback, placeholder), showing(b.playback, without)]);
      // Still there all along: connected and publishing.
      expect((await bed.api('GetParticipant', { stageArn, sessionId: await sessionId(), participantId: cyan.participantId })).participant).toMatchObject({ state: 'CONNECTED', published: true });
      await Promise.all([stopComposition(a.arn), stopComposition(b.arn)]);
    } finally {
      await pauser.stop();
    }
  });

  it('S3 destination: the composite recording under --s3-dir (metadata files, VOD playlist, thumbnails) at its own encoder configuration beside the channel\'s, on the emulator\'s clock, with its events; a failed destination gets recording-failed.json', async () => {
    const storage = (await bed.api('CreateStorageConfiguration', { name: 'composite', s3: { bucketName: 'composite-bucket' } })).storageConfiguration.arn;
    // The recording's own encoder configuration, smaller than the channel's: each is rendered at its size.
    const RECORDED = { width: 320, height: 180 };
    const recordedEncoder = (await bed.api('CreateEncoderConfiguration', { name: 'recorded', video: { ...RECORDED, framerate: FRAMERATE, bitrate: 300_000 } })).encoderConfiguration.arn;
    const encoderId = recordedEncoder.split('/').pop()!;
    const layout = { grid: { gridGap: 4 } };
    const s3Destination = (encoder: string) => ({
      s3: {
        storageConfigurationArn: storage,
        encoderConfigurationArns: [encoder],
        recordingConfiguration: { hlsConfiguration: { targetSegmentDurationSeconds: 2 } },
        thumbnailConfigurations: [{ targetIntervalSeconds: 1, storage: ['SEQUENTIAL', 'LATEST'] }],
      },
    });
    const start = async (destinations: unknown[]) => (await bed.api('StartComposition', { stageArn, layout, destinations })).composition;
    const beforeStart = await emulatorNow();
    const [recorded, failing] = await Promise.all([
      start([{ channel: { channelArn: CHANNEL, encoderConfigurationArn: encoderArn } }, s3Destination(recordedEncoder)]),
      start([s3Destination(encoderArn)]),
    ]);
    startedCompositions.push(recorded.arn, failing.arn);
    const s3Of = (c: { destinations: { id: string; detail?: { s3: { recordingPrefix: string } } }[] }) => c.destinations.find((d) => d.detail)!;
    const dirOf = (c: { destinations: { id: string; detail?: { s3: { recordingPrefix: string } } }[] }) => join(s3, 'composite-bucket', s3Of(c).detail!.s3.recordingPrefix);
    const dir = dirOf(recorded);
    // The rendition folder as the User Guide's example names it: <height>p<framerate>-<encoder configuration id>.
    const renditionPath = `180p${FRAMERATE}-${encoderId}`;
    const rendition = join(dir, 'media', 'hls', renditionPath);
    const recordedSegments = () => (existsSync(join(rendition, 'playlist.m3u8')) ? (readFileSync(join(rendition, 'playlist.m3u8'), 'utf8').match(/^\d+\.ts$/gm)?.length ?? 0) : 0);
    const startEvent = await until('Composite Recording Start', async () => (await logged(recorded.arn)).find((e) => e.detail.event_name === 'Composite Recording Start'));
    expect(recordedSegments()).toBeGreaterThanOrEqual(1);
    await until('two recorded segments', async () => (recordedSegments() >= 2 ? true : undefined));
    await until('a thumbnail', async () => (existsSync(join(dir, 'media', 'thumbnails', '320x180', '1.jpg')) ? true : undefined));
    // The channel destination is rendered at its own size meanwhile.
    const live = await showing(`${bed.emu.url}/playback/${recorded.arn.split('/').pop()}/live.m3u8`, expectedTiles(layout, publishers));
    expect([live.frame.width, live.frame.height]).toEqual([CANVAS.width, CANVAS.height]);

    // Composite Recording End comes after the stop, once the last segment and recording-ended.json are written.
    await stopComposition(recorded.arn);
    const endEvent = await until('Composite Recording End', async () => (await logged(recorded.arn)).find((e) => e.detail.event_name === 'Composite Recording End'));
    const ended = JSON.parse(readFileSync(join(dir, 'events', 'recording-ended.json'), 'utf8'));
    const started = JSON.parse(readFileSync(join(dir, 'events', 'recording-started.json'), 'utf8'));
    const resolution = { resolution_width: RECORDED.width, resolution_height: RECORDED.height };
    const resolutions = [{ path: '320x180', ...resolution }];
    const media = {
      hls: { path: 'media/hls', playlist: 'multivariant.m3u8', renditions: [{ path: renditionPath, playlist: 'playlist.m3u8', ...resolution }] },
      thumbnails: { path: 'media/thumbnails', resolutions },
      latest_thumbnail: { path: 'media/latest_thumbnail', resolutions },
    };
    // The fields and their order of the User Guide's example recording-started.json.
    expect(started).toEqual({ version: 'v1', stage_arn: stageArn, recording_started_at: expect.stringMatching(/^2031-.*Z$/), recording_status: 'RECORDING_STARTED', media });
    expect(Object.keys(started)).toEqual(['version', 'stage_arn', 'recording_started_at', 'recording_status', 'media']);
    const playlist = readFileSync(join(rendition, 'playlist.m3u8'), 'utf8');
    expect(playlist).toMatch(/^#EXT-X-PLAYLIST-TYPE:VOD$/m);
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    // EXT-X-PROGRAM-DATE-TIME on the emulator's clock, in UTC with Z: the first segment began after the
    // composition was started and before the recording was seen to start.
    const dates = [...playlist.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => m[1]!);
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) expect(date).toMatch(/^2031-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const firstSegmentAt = Date.parse(dates[0]!);
    expect(firstSegmentAt).toBeGreaterThanOrEqual(beforeStart);
    expect(firstSegmentAt).toBeLessThan(Date.parse(started.recording_started_at) + 1_000);
    // Composite Recording Start comes once the first segment is written, no sooner: recording-started.json,
    // written with the event, is newer than that segment (the filesystem orders the two writes).
    const firstSegment = join(rendition, playlist.match(/^\d+\.ts$/m)![0]);
    expect(statSync(join(dir, 'events', 'recording-started.json')).mtimeMs, 'recording-started.json written after the first segment').toBeGreaterThan(statSync(firstSegment).mtimeMs);
    expect(ended).toEqual({
      version: 'v1',
      stage_arn: stageArn,
      recording_started_at: started.recording_started_at,
      recording_ended_at: expect.stringMatching(/^2031-.*Z$/),
      recording_status: 'RECORDING_ENDED',
      media: { ...media, hls: { duration_ms: playlistDurationMs(playlist), ...media.hls } },
    });
    expect(ended.media.hls.duration_ms).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'media', 'hls', 'multivariant.m3u8'), 'utf8')).toMatch(new RegExp(`^${renditionPath}/playlist\\.m3u8$`, 'm'));
    // The events (extras: AWS documents none for composite recordings), about the S3 destination.
    const where = { stage_arn: stageArn, destination_id: s3Of(recorded).id, recording_s3_bucket_name: 'composite-bucket', recording_s3_key_prefix: s3Of(recorded).detail!.s3.recordingPrefix };
    expect(startEvent).toMatchObject({ 'detail-type': 'IVS Composition State Change', resources: [recorded.arn], detail: { event_name: 'Composite Recording Start', ...where } });
    expect(startEvent.detail).not.toHaveProperty('recording_duration_ms');
    expect(endEvent).toMatchObject({ resources: [recorded.arn], detail: { event_name: 'Composite Recording End', ...where, recording_duration_ms: ended.media.hls.duration_ms } });
    for (const e of [startEvent, endEvent]) expect(onEmulatorClock(e.time), e.time).toBe(true);
    const order = (await logged(recorded.arn)).map((e) => e.detail.event_name);
    expect(order.indexOf('Composite Recording End')).toBeGreaterThan(order.lastIndexOf('Destination End'));
    // Pixels: the last recorded segment and the thumbnails show every publisher at its tile centre of the recording's canvas.
    const expected = expectedTiles(layout, publishers, [], RECORDED);
    const last = playlist.match(/^\d+\.ts$/gm)!.pop()!;
    for (const file of [join(rendition, last), join(dir, 'media', 'latest_thumbnail', '320x180', 'thumb.jpg')]) {
      const frame = decodeFrame(file);
      expect([frame.width, frame.height]).toEqual([RECORDED.width, RECORDED.height]);
      for (const e of expected) expect(near(pixel(frame, e.x, e.y), e.colour), `${file}: ${e.who}`).toBe(true);
    }
    expect(readdirSync(join(dir, 'media', 'thumbnails', '320x180')).filter((f) => /^\d+\.jpg$/.test(f)).length).toBeGreaterThanOrEqual(1);

    // A destination that fails (ivsrt local fail destination --now) ends its recording with a failure.
    const failingDir = dirOf(failing);
    await until('the second recording to start', async () => (existsSync(join(failingDir, 'events', 'recording-started.json')) ? true : undefined));
    const failed = await bed.cli(['local', 'fail', 'destination', failing.arn, '--now'], { IVSRT_HOME: bed.emu.home });
    expect(failed.code, failed.stderr).toBe(0);
    const failureEvent = await until('Composite Recording Failure', async () => (await logged(failing.arn)).find((e) => e.detail.event_name === 'Composite Recording Failure'));
    const failure = JSON.parse(readFileSync(join(failingDir, 'events', 'recording-failed.json'), 'utf8'));
    expect(failure).toMatchObject({ stage_arn: stageArn, recording_status: 'RECORDING_ENDED_WITH_FAILURE', recording_ended_at: expect.stringMatching(/^2031-/) });
    expect(failureEvent.detail).toMatchObject({ destination_id: failing.destinations[0].id, recording_duration_ms: failure.media.hls.duration_ms });
    expect(existsSync(join(failingDir, 'events', 'recording-ended.json'))).toBe(false);
    expect((await bed.api('GetComposition', { arn: failing.arn })).composition.state).toBe('FAILED');
  });

  it('an ffmpeg that dies is started again on fresh ports: the live output goes on with the same layout; once a new one has run well its restarts count from 0, so a composition outlives more deaths than the 3 restarts in a row it is allowed', async () => {
    const layout = { grid: { gridGap: 2 } };
    const { arn, playback } = await startComposition(layout);
    const expected = expectedTiles(layout, publishers);
    await showing(playback, expected);
    const id = arn.split('/').pop()!;
    const resets = () => bed.emu.output().match(new RegExp(`composition ${id}-\\d+: ffmpeg has drawn .* its restarts count from 0`, 'g'))?.length ?? 0;
    let pid = await until("the composition's ffmpeg", async () => rendererPid(arn));
    // One death more than the restarts allowed in a row, each once the ffmpeg before it has run well.
    const DEATHS = 4;
    for (let death = 1; death <= DEATHS; death++) {
      const listed = await newestSegmentNumber(playback);
      const dying = pid;
      process.kill(dying, 'SIGKILL');
      pid = await until(`ffmpeg number ${death + 1} for the composition`, async () => {
        const next = await rendererPid(arn);
        return next !== undefined && next !== dying ? next : undefined;
      });
      await until(`a segment written after ffmpeg number ${death} died`, async () => ((await newestSegmentNumber(playback)) > listed ? true : undefined));
      if (death < DEATHS) await until(`ffmpeg number ${death + 1} to run well`, async () => (resets() >= death ? true : undefined));
    }
    await showing(playback, expected);
    expect(bed.emu.output().match(new RegExp(`composition ${id}-\\d+: ffmpeg exited with SIGKILL`, 'g'))).toHaveLength(DEATHS);
    await stopComposition(arn);
    await until('the stopped composition to leave the renditions listed', async () => ((await renditionsOf(arn)).length === 0 ? true : undefined));
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
    // Signed on the emulator's clock (it runs in 2031), which the token's times are checked against.
    const now = Math.floor((await emulatorNow()) / 1000);
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
