// Real media in `ivsrt watch`, end to end: `ivsrt publish` (ffmpeg, node-datachannel) sends H.264 and
// Opus over WHIP into the spawned emulator, which measures it; the real `ivsrt watch`, pointed at that
// emulator, reports the measurement in its --json stream and in the MEDIA column of its full-screen view.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/publish/ffmpeg.js';
import { emulatorBed } from '../helpers/bed.js';
import { BIN, testEnv } from '../helpers/cli.js';
import { eventually } from '../helpers/wait.js';
import { screenShowing } from '../helpers/terminal.js';
import { spawnChild } from '../helpers/children.js';

const noFfmpeg = findFfmpeg() === undefined;
if (noFfmpeg) console.warn('skipping the media tests of ivsrt watch: ffmpeg not installed (apt-get install ffmpeg)');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('whip-media.e2e: the full-screen test is skipped because tmux is not installed (apt-get install -y tmux)');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `ivsrt publish --bitrate 800` sends: 800 kbit/s of video and its fixed 64 kbit/s of Opus. */
const SENT_BITRATE = 800_000 + 64_000;
const PUBLISH = ['--resolution', '640x360', '--fps', '15', '--bitrate', '800'];

const bed = emulatorBed();

async function newStage(name: string): Promise<string> {
  return (await bed.cli(['stage', 'create', '--name', name, '--json'])).json().stage.arn;
}

/** The real bin against the bed's emulator, with its home, where the watch finds the admin secret. */
function start(args: string[]) {
  const child = spawnChild(process.execPath, [BIN, ...args, '--endpoint-url', bed.emu.url], { env: testEnv({ IVSRT_HOME: bed.emu.home }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

interface StreamLine {
  type: string;
  kind: string;
  object: { participantId?: string; state?: string; media?: { videoCodec?: string; audioCodec?: string; width?: number; height?: number; frameRate?: number; bitrate: number } };
}

const linesOf = (stdout: string): StreamLine[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StreamLine);

describe.skipIf(noFfmpeg)('ivsrt watch with real media', () => {
  it('--json reports the WHIP publisher with the codec, resolution and bitrate the emulator measures, and no media once it has left', async () => {
    await newStage('watch-media-json');
    const watch = start(['watch', 'watch-media-json', '--json', '--interval', '0.5']);
    const publish = start(['publish', 'watch-media-json', '--duration', '12', ...PUBLISH, '--json']);
    try {
      const measured = await eventually(
        'a participant line whose media is H.264 at 640x360 within 10% of the bitrate sent',
        (see) => {
          const lines = linesOf(watch.stdout());
          see({ lastParticipantLine: lines.filter((l) => l.kind === 'participant').at(-1) ?? null, publisher: publish.stderr().trim() });
          return lines.find(({ kind, object: { media } }) => kind === 'participant' && media?.videoCodec === 'H264' && media.width === 640 && Math.abs(media.bitrate - SENT_BITRATE) <= 0.1 * SENT_BITRATE);
        },
      );
      expect(measured.object).toMatchObject({ state: 'CONNECTED', media: { videoCodec: 'H264', audioCodec: 'OPUS', width: 640, height: 360 } });
      expect(measured.object.media!.frameRate).toBeGreaterThan(0);

      // Measured: Ctrl-C ends the publisher now rather than at the end of its --duration.
      publish.child.kill('SIGINT');
      const published = await publish.exited;
      expect(published, publish.stderr()).toBe(0);
      const { participantId } = JSON.parse(publish.stdout()) as { participantId: string };
      expect(measured.object.participantId).toBe(participantId);

      const left = await eventually('the participant reported DISCONNECTED', async () =>
        linesOf(watch.stdout()).find(({ kind, object }) => kind === 'participant' && object.participantId === participantId && object.state === 'DISCONNECTED'),
      );
      expect(left.object).not.toHaveProperty('media');
      watch.child.kill('SIGINT');
      expect(await watch.exited, watch.stderr()).toBe(0);
    } finally {
      publish.child.kill('SIGKILL');
      watch.child.kill('SIGKILL');
    }
  });

  describe.skipIf(!hasTmux)('in the full-screen view (tmux)', () => {
    const socket = `ivsrt-watch-media-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    afterAll(() => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    });

    it('shows the MEDIA column for the WHIP publisher', async () => {
      if (!existsSync(`${ROOT}/dist/cli.cjs`) || !existsSync(`${ROOT}/dist/watch.mjs`)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
      await newStage('watch-media-tty');
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const env = Object.entries(testEnv({ IVSRT_HOME: bed.emu.home, IVSRT_CACHE_DIR: `${ROOT}/node_modules/.cache/ivsrt-e2e` }))
        .filter(([key]) => /^(AWS_|IVSRT_|PATH$|HOME$|LANG$|LC_)/.test(key))
        .map(([key, value]) => `${key}=${quote(value ?? '')}`);
      const command = `env ${env.join(' ')} TERM=xterm-256color ${quote(process.execPath)} ${quote(BIN)} watch watch-media-tty --endpoint-url ${bed.emu.url} --interval 0.5; sleep 60`;
      tmux('new-session', '-d', '-s', 'watch', '-x', '110', '-y', '30', command);
      const publish = start(['publish', 'watch-media-tty', '--user-id', 'tty-publisher', '--duration', '10', ...PUBLISH]);
      try {
        const screen = await screenShowing(() => tmux('capture-pane', '-p', '-t', 'watch'), /tty-publisher .* WHIP +H264 640x360 [\d.]+ fps \+ OPUS, [\d.]+ Mbit\/s/, 'the media of tty-publisher on screen');
        expect(screen).toMatch(/PROTO +MEDIA +RECORDING/);
        tmux('send-keys', '-t', 'watch', 'q');
        publish.child.kill('SIGINT');
        expect(await publish.exited, publish.stderr()).toBe(0);
      } finally {
        publish.child.kill('SIGKILL');
      }
    });

    it('at 80x24 a mark tells the real-media publisher from a simulated one; at 120 columns the footer keeps "? help" and "q quit"', async () => {
      if (!existsSync(`${ROOT}/dist/cli.cjs`) || !existsSync(`${ROOT}/dist/watch.mjs`)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
      await newStage('watch-mark');
      const simulated = start(['local', 'join', 'watch-mark', '--user-id', 'sim-publisher', '--publish']);
      expect(await simulated.exited, simulated.stderr()).toBe(0);
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const env = Object.entries(testEnv({ IVSRT_HOME: bed.emu.home, IVSRT_CACHE_DIR: `${ROOT}/node_modules/.cache/ivsrt-e2e` }))
        .filter(([key]) => /^(AWS_|IVSRT_|PATH$|HOME$|LANG$|LC_)/.test(key))
        .map(([key, value]) => `${key}=${quote(value ?? '')}`);
      const command = `env ${env.join(' ')} TERM=xterm-256color ${quote(process.execPath)} ${quote(BIN)} watch watch-mark --endpoint-url ${bed.emu.url} --interval 0.5; sleep 60`;
      tmux('new-session', '-d', '-s', 'mark', '-x', '80', '-y', '24', command);
      const publish = start(['publish', 'watch-mark', '--user-id', 'real-publisher', '--duration', '15', ...PUBLISH]);
      try {
        const screen = await screenShowing(() => tmux('capture-pane', '-p', '-t', 'mark'), /real-publisher .* yes● +WHIP/, 'real-publisher marked on an 80-column screen');
        expect(screen).toMatch(/sim-publisher .* yes +WHIP/);
        expect(screen).not.toMatch(/sim-publisher .* yes●/);
        expect(screen).not.toContain('MEDIA'); // the column does not fit: the mark is what tells them apart
        expect(screen.split('\n').every((line) => line.length <= 80)).toBe(true);

        tmux('resize-window', '-t', 'mark', '-x', '120', '-y', '30');
        const wide = await screenShowing(() => tmux('capture-pane', '-p', '-t', 'mark'), (text) => text.includes('Participants') && /^.* · \? help · q quit *$/m.test(text), 'the footer at 120 columns');
        expect(wide).toMatch(/↑↓ select · ⏎ details/);
        tmux('send-keys', '-t', 'mark', 'q');
      } finally {
        publish.child.kill('SIGKILL');
      }
    });
  });
});
