// `ivsrt subscribe` end to end: the real bin receives an `ivsrt publish` test pattern from the spawned
// emulator and writes it with ffmpeg (ffprobe reads it back), streams NDJSON samples and ends on Ctrl-C
// with a summary; the AWS path against a stub that answers as AWS's samples show the service does (a 307,
// then 201 with the ICE candidates in the audio section only); and the refusals, each one line with its
// documented exit code.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';
import { measuredPublisher, participantEvents } from '../whip/whip-api.js';
import { spawnChild } from '../helpers/children.js';
import { hasTmux, Terminal } from '../helpers/terminal.js';
import { eventually } from '../helpers/wait.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the ivsrt subscribe media tests: ffmpeg not installed (apt-get install ffmpeg)');

const bed = emulatorBed();
const FPS = 30;

/** `ivsrt publish` of a 320x240 test pattern, key frames every half second; resolves once the emulator measures it. */
async function publishPattern(stage: string, userId: string) {
  const args = ['publish', stage, '--user-id', userId, '--resolution', '320x240', '--bitrate', '400', '--fps', String(FPS), '--keyframe-interval', '0.5', '--endpoint-url', bed.emu.url];
  const child = spawnChild(process.execPath, [BIN, ...args], { env: testEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  // Kept so that a publisher that never gets its media measured says why (a CI run once gave up here with no clue).
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const publisher = await measuredPublisher(bed.emu.url, `${userId}'s media to be measured`, (p) => p.userId === userId && p.media.width !== undefined, () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ivsrt publish ended (${child.exitCode ?? child.signalCode}) before its media was measured: ${stderr.trim() || '(it said nothing)'}`);
    return `ivsrt publish said: ${stderr.trim() || 'nothing'}`;
  });
  return {
    participantId: publisher.participantId,
    /** Ctrl-C: the publisher ends its session. */
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** A running `ivsrt subscribe`, its NDJSON stdout parsed line by line. */
function subscribeProcess(args: string[]) {
  const child = spawnChild(process.execPath, [BIN, 'subscribe', ...args, '--endpoint-url', bed.emu.url], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const lines = () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  /** Waits for `count` samples with frames (one a second once frames flow), counted rather than timed. */
  const samplesWithFrames = (count: number, what: string) =>
    eventually(what, (see) => {
      const samples = lines().filter((l) => l.type === 'sample');
      if (samples.filter((l) => l.framesReceived > 0).length >= count) return true;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`ivsrt subscribe ended (${child.exitCode ?? child.signalCode}) before ${what}: ${stderr.trim() || '(it said nothing)'}`);
      see({ samples: samples.length, last: samples.at(-1) ?? null, stderr: stderr.trim() });
      return undefined;
    });
  return { child, exited, lines, samplesWithFrames, stderr: () => stderr };
}

function probe(file: string): { width: number; height: number; frames: number; audio: boolean } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,width,height,nb_read_frames', '-of', 'json', file]).toString()) as {
    streams: { codec_type: string; width?: number; height?: number; nb_read_frames?: string }[];
  };
  const video = out.streams.find((s) => s.codec_type === 'video')!;
  return { width: video.width!, height: video.height!, frames: Number(video.nb_read_frames), audio: out.streams.some((s) => s.codec_type === 'audio') };
}

describe.skipIf(noFfmpeg)('ivsrt subscribe from the emulator', () => {
  it('receives an ivsrt publish test pattern by user id: NDJSON samples, Ctrl-C ends with a summary, --out has the sent size and frames (within 10%), --frames a JPEG per interval', async () => {
    const stageArn = (await bed.cli(['stage', 'create', '--name', 'sub-cli', '--json'])).json().stage.arn;
    const publisher = await publishPattern('sub-cli', 'pattern');
    const dir = scratchDir('subscribe-cli');
    const out = join(dir, 'received.mkv');
    const sub = subscribeProcess(['sub-cli', 'pattern', '--out', out, '--frames', join(dir, 'frames'), '--every', '2s', '--json']);
    // Ten samples (one a second) once frames flow, counted rather than timed.
    await sub.samplesWithFrames(10, 'ten samples with frames');
    sub.child.kill('SIGINT');
    expect(await sub.exited, sub.stderr()).toBe(0);
    const lines = sub.lines();
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', stageArn, publisherId: publisher.participantId, publisherUserId: 'pattern', endedBy: 'Ctrl-C', width: 320, height: 240, out });
    expect(summary.timeToFirstFrameMs).toBeGreaterThan(0);
    expect(summary.lossPercent).toBeLessThan(1);
    for (const sample of lines.slice(0, -1)) expect(sample).toMatchObject({ type: 'sample', connectionState: 'connected' });
    // The token it made (SUBSCRIBE only) is a JWT; none is printed, on either stream.
    expect(JSON.stringify(lines)).not.toContain('eyJ');
    expect(sub.stderr()).not.toContain('eyJ');

    // What the publisher sent from the first frame the subscriber could decode (a key frame) to the end,
    // at its steady frame rate, against what ffmpeg wrote: a file has nothing before its first key frame.
    const sent = FPS * (summary.seconds - summary.timeToFirstFrameMs / 1000);
    const file = probe(out);
    expect([file.width, file.height]).toEqual([320, 240]);
    expect(file.audio).toBe(true);
    expect(Math.abs(file.frames - sent) / sent, `${file.frames} frames written, ${sent} sent`).toBeLessThanOrEqual(0.1);
    const jpegs = readdirSync(join(dir, 'frames'));
    // One every 2 s of the run (give or take the first key frame's wait and the last picture's end).
    expect(jpegs.length).toBeGreaterThanOrEqual(Math.floor(summary.seconds / 2) - 2);
    expect(jpegs.length).toBeLessThanOrEqual(Math.ceil(summary.seconds / 2) + 1);
    expect(readFileSync(join(dir, 'frames', jpegs[0]!)).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    expect((await bed.cli(['participant', 'list', 'sub-cli', '--json'])).json().participants.filter((p: { published: boolean; state: string }) => !p.published && p.state === 'DISCONNECTED')).toHaveLength(1);
    expect(await publisher.stop()).toBe(0);
  });

  it('ends on its own when the publisher stops: a summary saying so, exit 0, and the subscription ended on the stage (SUBSCRIBE_STOPPED, LEFT)', async () => {
    const stageArn = (await bed.cli(['stage', 'create', '--name', 'sub-cli-stops', '--json'])).json().stage.arn;
    const publisher = await publishPattern('sub-cli-stops', 'leaving');
    const sub = subscribeProcess(['sub-cli-stops', 'leaving', '--json']);
    await sub.samplesWithFrames(1, 'frames');
    expect(await publisher.stop()).toBe(0);
    expect(await sub.exited, sub.stderr()).toBe(0);
    const summary = sub.lines().at(-1)!;
    expect(summary, sub.stderr()).toMatchObject({ type: 'summary', publisherId: publisher.participantId });
    expect(summary.endedBy).toMatch(/the publisher stopped/);
    expect(summary.framesReceived).toBeGreaterThan(0);
    const sessionId = (await bed.api('ListStageSessions', { stageArn })).stageSessions[0].sessionId;
    const viewer = (await bed.api('ListParticipants', { stageArn, sessionId })).participants.find((p: { participantId: string }) => p.participantId !== publisher.participantId);
    expect(await participantEvents(bed.api, stageArn, viewer.participantId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
  });

  it.skipIf(!hasTmux)('on a terminal (tmux): one live line updated in place with size, fps, bitrate, loss, jitter and first frame; Ctrl-C ends with the summary and exit 0', async () => {
    await bed.cli(['stage', 'create', '--name', 'sub-tty']);
    const publisher = await publishPattern('sub-tty', 'on-screen');
    const terminal = new Terminal('subscribe-tty', { columns: 150, rows: 50 });
    try {
      // The shell outlives the Ctrl-C (a trap with a command is not inherited) to print the exit status.
      await terminal.start(['sh', '-c', `trap true INT; "$0" "$1" subscribe sub-tty on-screen --endpoint-url ${bed.emu.url}; echo "EXIT=$?"; sleep 30`, process.execPath, BIN], testEnv({ TERM: 'xterm' }));
      const live = /connected · 320x240 · \d+ fps · \d+\.\d\d Mbit\/s · loss [\d.]+% · jitter [\d.]+ ms · first frame \d+ ms/;
      const screen = await terminal.waitFor(live, 'the live line with a first frame');
      expect(screen.match(/ fps · /g), screen).toHaveLength(1);
      await terminal.send('C-c');
      const end = await terminal.waitFor(/EXIT=\d+/, 'the exit status');
      expect(end).toContain('EXIT=0');
      expect(end).toMatch(/ended \(Ctrl-C\)/);
      // The summary, field by field.
      expect(end).toMatch(new RegExp(`publisherId +${publisher.participantId}\n`));
      expect(end).toMatch(/endedBy +Ctrl-C\n/);
      expect(end).toMatch(/width +320\n/);
      expect(end).toMatch(/framesReceived +[1-9]\d*\n/);
      expect(end).not.toContain('eyJ');
    } finally {
      await terminal.close();
      await publisher.stop();
    }
  });

  it('local simulate mixes its crowd with real media: simulated subscribers subscribe to the real publisher while a real subscriber receives it', async () => {
    const stageArn = (await bed.cli(['stage', 'create', '--name', 'sub-mixed', '--json'])).json().stage.arn;
    const publisher = await publishPattern('sub-mixed', 'real-publisher');
    const sub = subscribeProcess(['sub-mixed', 'real-publisher', '--json']);
    await sub.samplesWithFrames(1, 'the real subscriber to receive frames');
    const sim = await bed.cli(['local', 'simulate', 'sub-mixed', '--participants', '3', '--publishers', '0', '--churn', '0', '--duration', '1', '--tick', '0.5', '--json'], { IVSRT_HOME: bed.emu.home });
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.json()).toMatchObject({ joined: 3, errors: 0 });
    const { stageSessions } = await bed.api('ListStageSessions', { stageArn });
    const sessionId = stageSessions[0].sessionId;
    const { participants } = await bed.api('ListParticipants', { stageArn, sessionId });
    const simulated = participants.filter((p: { userId: string }) => p.userId.startsWith('sim-'));
    expect(simulated).toHaveLength(3);
    for (const p of simulated) {
      const { events } = await bed.api('ListParticipantEvents', { stageArn, sessionId, participantId: p.participantId });
      expect(events.filter((e: { name: string }) => e.name === 'SUBSCRIBE_STARTED').map((e: { remoteParticipantId: string }) => e.remoteParticipantId)).toEqual([publisher.participantId]);
    }
    // The real subscriber went on receiving throughout.
    const before = sub.lines().filter((l) => l.type === 'sample').at(-1)!.framesReceived;
    await eventually('more frames for the real subscriber', (see) => {
      const last = sub.lines().filter((l) => l.type === 'sample').at(-1)!;
      see({ before, last });
      return last.framesReceived > before ? true : undefined;
    });
    sub.child.kill('SIGINT');
    expect(await sub.exited, sub.stderr()).toBe(0);
    expect(await publisher.stop()).toBe(0);
  });

  it('refuses in one line with the documented exit code: nobody by that id or user id (254), not publishing (254), a token without SUBSCRIBE (252), a bad --out or --every (252)', async () => {
    await bed.cli(['stage', 'create', '--name', 'sub-cli-refusals']);
    const joined = await bed.cli(['local', 'join', '--stage', 'sub-cli-refusals', '--user-id', 'idle', '--json'], { IVSRT_HOME: bed.emu.home });
    expect(joined.code, joined.stderr).toBe(0);
    const idleId = joined.json().participant.participantId;
    const cases: [string[], number, RegExp][] = [
      [['sub-cli-refusals', 'nobody-here'], 254, /^error: PUBLISHER_NOT_FOUND: nobody with participant id or user id "nobody-here"/],
      [['sub-cli-refusals', 'idle'], 254, new RegExp(`^error: PUBLISHER_NOT_FOUND: participant ${idleId} is not publishing`)],
      [['sub-cli-refusals', 'idle', '--out', 'x.avi'], 252, /^error: --out must name a \.mkv or \.mp4 file, got "x\.avi"/],
      [['sub-cli-refusals', 'idle', '--every', '5s'], 252, /^error: --every goes with --frames <dir>/],
      [['sub-cli-refusals', 'idle', '--frames', scratchDir('f'), '--every', 'soon'], 252, /^error: --every must be a duration such as 500ms, 5s/],
    ];
    const publishOnly = (await bed.cli(['token', 'create', 'sub-cli-refusals', '--capabilities', 'publish', '--json'])).json().participantToken.token;
    cases.push([['sub-cli-refusals', 'idle', '--token', publishOnly], 252, /^error: --token does not allow subscribing/]);
    for (const [args, code, message] of cases) {
      const result = await bed.cli(['subscribe', ...args]);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
      expect(result.stderr.trim().split('\n')[0], args.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});

describe.skipIf(noFfmpeg)('ivsrt subscribe on the AWS path (a stub behaving as the samples show the service does)', () => {
  let stub: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (stub ? stub.close(() => resolve()) : resolve())));

  it('follows the 307 keeping Authorization, takes an answer whose candidates are in the audio section only, receives media, and DELETEs the Location', async () => {
    const stage = (await bed.cli(['stage', 'create', '--name', 'sub-aws', '--json'])).json().stage;
    const publisher = await publishPattern('sub-aws', 'aws-pattern');
    const seen: { method: string; path: string; authorized: boolean }[] = [];
    // The global endpoint redirects to a regional one; the regional one is the emulator's route with the
    // answer's candidates moved into the audio section (the service's quirk).
    stub = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const port = (stub!.address() as AddressInfo).port;
        seen.push({ method: req.method!, path: req.url!, authorized: req.headers.authorization?.startsWith('Bearer ') === true });
        if (req.url!.startsWith('/whip/')) {
          res.writeHead(307, { Location: `http://127.0.0.1:${port}/regional${req.url}` }).end();
          return;
        }
        const upstream = await fetch(`${bed.emu.url}${req.url!.slice('/regional'.length)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/sdp', authorization: req.headers.authorization ?? '' },
          body: Buffer.concat(chunks),
        });
        const answer = await upstream.text();
        if (upstream.status !== 201) {
          res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(answer);
          return;
        }
        res.writeHead(201, { 'content-type': 'application/sdp', location: upstream.headers.get('location')! }).end(candidatesInAudioOnly(answer));
      });
    });
    await new Promise<void>((resolve) => stub!.listen(0, '127.0.0.1', resolve));
    const stubPort = (stub.address() as AddressInfo).port;
    const host = new URL(stage.endpoints.whip).pathname.split('/')[2];
    // A self-signed token whose whip_url is the stub, as a real token names the service's global host.
    const keyFile = join(scratchDir('sub-aws-key'), 'key.pem');
    expect((await bed.cli(['public-key', 'create', '--name', 'sub-aws-key', '--out', keyFile])).code).toBe(0);
    const signed = await bed.cli([
      'token', 'sign', stage.arn, '--key', keyFile, '--public-key', 'sub-aws-key', '--capabilities', 'subscribe',
      '--events-url', stage.endpoints.events, '--whip-url', `http://127.0.0.1:${stubPort}/whip/${host}`, '--query', 'participantToken.token',
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const token = signed.stdout.trim().replace(/^"|"$/g, '');

    // The token on standard input (--token -), out of ps.
    const result = await runCli(['subscribe', 'sub-aws', publisher.participantId, '--token', '-', '--duration', '3', '--json'], { endpoint: bed.emu.url, input: token });
    expect(result.code, result.stderr).toBe(0);
    const summary = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', publisherId: publisher.participantId, width: 320, height: 240 });
    expect(summary.framesReceived).toBeGreaterThan(0);
    expect(seen.map((s) => [s.method, s.path.replace(/[A-Za-z0-9]{12}$/, 'ID'), s.authorized])).toEqual([
      ['POST', `/whip/${host}/subscribe/ID`, true],
      ['POST', `/regional/whip/${host}/subscribe/ID`, true],
    ]);
    const viewerId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
    expect(await participantEvents(bed.api, stage.arn, viewerId)).toEqual(['JOINED', 'SUBSCRIBE_STARTED', 'SUBSCRIBE_STOPPED', 'LEFT']);
    expect(await publisher.stop()).toBe(0);
  });
});

/** The answer with every ICE candidate moved into its audio section, as the service's answers may have them. */
function candidatesInAudioOnly(sdp: string): string {
  const sections = sdp.split(/\r\n(?=m=)/);
  const candidates = sections.flatMap((s) => s.split('\r\n').filter((l) => l.startsWith('a=candidate:')));
  expect(candidates.length).toBeGreaterThan(0);
  return sections
    .map((s) => {
      const lines = s.split('\r\n').filter((l) => l !== '' && !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates');
      return (s.startsWith('m=audio') ? [...lines, ...candidates, 'a=end-of-candidates'] : lines).join('\r\n');
    })
    .join('\r\n')
    .concat('\r\n');
}
