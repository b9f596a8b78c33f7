// `ivsrt open`: the real bin makes the token and the URL; real Chromium (fake camera and microphone) loads
// the page the emulator serves, publishes over WHIP, plays the others through the subscribe route, and
// keeps the roster from the token-authenticated participants route. Every wait is on the page's DOM.
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from '../../src/tokens/jwt.js';
import { emulatorBed } from '../helpers/bed.js';
import { chromiumMissing, launchChromium } from '../helpers/chromium.js';
import { adminHeaders } from '../helpers/emulator.js';
import { spawnChild } from '../helpers/children.js';
import { stageChannel, type StageChannel } from '../helpers/stage-channel.js';
import { runCli } from '../helpers/cli.js';

const bed = emulatorBed();
const HERE = dirname(fileURLToPath(import.meta.url));
const admin = () => ({ IVSRT_ADMIN_SECRET: bed.emu.adminSecret, IVSRT_HOME: bed.emu.home });
const missing = chromiumMissing('the ivsrt open browser tests');

interface Opened {
  url: string;
  participantId: string;
  browser: string;
}

async function open(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Opened> {
  const run = await bed.cli(['open', ...args, '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Opened;
}

/** The stage event channel of the bed's emulator. */
const channel = (token: string, topic: string, headers: Record<string, string> = {}): StageChannel => stageChannel(bed.emu.url, token, topic, headers);

/** The HTTP status and body of a refused handshake. */
function refusedHandshake(token: string | undefined, topic: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${bed.emu.url.replace(/^http/, 'ws')}/${topic}`, token === undefined ? [] : [token], { headers });
    ws.once('open', () => reject(new Error('the handshake was accepted')));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    ws.once('error', () => {});
  });
}

const tile = (participantId: string) => `[data-testid="participant"][data-participant-id="${participantId}"]`;

/** Waits until `page` plays `participantId`'s tile: a picture with a size, and its clock moving on. */
const waitPlaying = (page: Page, participantId: string): Promise<void> => waitVideo(page, `${tile(participantId)} video`);

/** Waits until the video `selector` names plays: a picture with a size, and its clock moving on. */
async function waitVideo(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => {
    const v = document.querySelector(s) as HTMLVideoElement | null;
    return v !== null && v.videoWidth > 0 && v.currentTime > 0;
  }, selector, { timeout: 30_000 });
  const first = await page.evaluate((s) => (document.querySelector(s) as HTMLVideoElement).currentTime, selector);
  await page.waitForFunction(([s, t]) => (document.querySelector(s as string) as HTMLVideoElement).currentTime > (t as number), [selector, first] as const, { timeout: 30_000 });
}

const rosterEntry = (page: Page, participantId: string, state: string) =>
  page.waitForFunction(
    ([id, s]) => document.querySelector(`[data-testid="roster"] li[data-participant-id="${id}"]`)?.getAttribute('data-state') === s,
    [participantId, state] as const,
    { timeout: 30_000 },
  );

/** Puts `brightness(selector)` on the page: the mean of a video's current frame's pixels, 0-255. */
function defineBrightness(): void {
  (window as unknown as { brightness: (s: string) => number }).brightness = (selector: string) => {
    const video = document.querySelector(selector) as HTMLVideoElement | null;
    if (!video || !video.videoWidth) return -1;
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const context = canvas.getContext('2d')!;
    context.drawImage(video, 0, 0, 64, 48);
    const pixels = context.getImageData(0, 0, 64, 48).data;
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += pixels[i]! + pixels[i + 1]! + pixels[i + 2]!;
    return sum / (pixels.length / 4) / 3;
  };
}
declare function brightness(selector: string): number;

describe('ivsrt open on the command line', () => {
  it('prints the page URL with the token in the fragment only, and with --no-browser opens nothing', async () => {
    await bed.api('CreateStage', { name: 'open-cli' });
    const opened = await open(['open-cli', '--user-id', 'carol', '--attributes', 'role=host', '--capabilities', 'subscribe', '--no-browser']);
    const match = new RegExp(`^${bed.emu.url}/open/#token=([\\w.-]+)$`).exec(opened.url);
    expect(match).not.toBeNull();
    const claims = decodeJwt(match![1]!).payload as Record<string, unknown>;
    expect(claims).toMatchObject({ jti: opened.participantId, user_id: 'carol', attributes: { role: 'host' }, capabilities: { allow_subscribe: true } });
    expect(opened.browser).toBe('not opened: --no-browser');
    // Plain output: the URL on stdout, nothing else.
    const plain = await bed.cli(['open', 'open-cli', '--no-browser']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(new RegExp(`^${bed.emu.url}/open/#token=[\\w.-]+\\n$`));
  });

  it('opens the browser through a 0600 file, never with the token on a command line, and removes the file once the browser has loaded the page', async () => {
    await bed.api('CreateStage', { name: 'open-browser' });
    const bin = mkdtempSync(join(tmpdir(), 'ivsrt-xdg-'));
    const record = join(bin, 'called');
    // The stand-in browser records its arguments and the file's mode, then loads the URL the file sends it to (curl drops the fragment, as browsers do).
    writeFileSync(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nstat -c %a "$1" > '${record}.mode'\ncp "$1" '${record}.html'\nprintf '%s\\n' "$@" > '${record}'\n` +
        `url=$(sed -n 's/.*content="0;url=\\([^"#]*\\).*/\\1/p' "$1" | sed 's/&amp;/\\&/g')\ncurl -s -o /dev/null "$url"\n`,
    );
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const path = `${bin}:${process.env.PATH ?? ''}`;
    const opened = await open(['open-browser'], { PATH: path, DISPLAY: ':99' });
    expect(opened.browser).toBe('opened');
    const file = readFileSync(record, 'utf8').trim();
    expect(file).toMatch(/open\.html$/);
    expect(file).not.toContain('token');
    expect(readFileSync(`${record}.mode`, 'utf8').trim()).toBe('600');
    const launcher = readFileSync(`${record}.html`, 'utf8');
    const token = opened.url.slice(opened.url.indexOf('#'));
    expect(launcher).toMatch(new RegExp(`content="0;url=${bed.emu.url}/open/\\?launch=[0-9a-f]{32}${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    // The browser has read it: the file and its directory are gone by the time ivsrt open returns.
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);

    // A browser that never loads the page: the file goes after the wait, and the command says so.
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.slow'\n`);
    const slow = await bed.cli(['open', 'open-browser'], { PATH: path, DISPLAY: ':99', IVSRT_OPEN_WAIT_MS: '300' });
    expect(slow.code).toBe(0);
    expect(slow.stderr).toMatch(/Did not open a browser: the browser did not load the page within 300 ms \(xdg-open ran\)/);
    await expect.poll(() => existsSync(`${record}.slow`), { timeout: 10_000 }).toBe(true);
    expect(existsSync(readFileSync(`${record}.slow`, 'utf8').trim())).toBe(false);

    // Terminated while it waits for the browser (a SIGTERM, or the SIGHUP of a closed terminal): the file goes
    // too, and the command ends as the signal ends a process (128 + its number).
    for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const called = `${record}.${signal}`;
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${called}'\n`);
      const stop = new AbortController();
      const run = runCli(['open', 'open-browser'], { endpoint: bed.emu.url, env: { PATH: path, DISPLAY: ':99' }, interrupt: stop.signal, interruptWith: signal });
      await expect.poll(() => existsSync(called), { timeout: 10_000 }).toBe(true);
      const launcherFile = readFileSync(called, 'utf8').trim();
      expect(existsSync(launcherFile)).toBe(true);
      stop.abort();
      expect((await run).code).toBe(code);
      expect(existsSync(dirname(launcherFile))).toBe(false);
    }

    const headless = await bed.cli(['open', 'open-browser'], { PATH: path, DISPLAY: '', WAYLAND_DISPLAY: '' });
    expect(headless.code).toBe(0);
    expect(headless.stderr).toMatch(/Did not open a browser: no display found/);
  });

  it('says in one line that a stage does not exist, and what works on AWS', async () => {
    const none = await bed.cli(['open', 'no-such-stage', '--no-browser']);
    expect(none.code).toBe(254);
    expect(none.stderr).toMatch(/no stage has the name or id "no-such-stage"/);
    expect(none.stderr).not.toMatch(/\n\s+at /);
    const aws = await bed.cli(['open', 'demo', '--no-browser', '--region', 'us-east-1']);
    expect(aws.code).toBe(252);
    expect(aws.stderr).toMatch(/ivsrt open needs the local emulator/);
    expect(aws.stderr).toMatch(/`ivsrt publish` and `ivsrt subscribe` work/);
  });
});

describe('the page and its participants route', () => {
  it('serves the page with a strict Content-Security-Policy and no secret; the participants route wants the token', async () => {
    const page = await fetch(`${bed.emu.url}/open/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'.*connect-src 'self'/);
    const html = await page.text();
    expect(html).toContain('data-testid="publish"');
    expect(html).not.toContain(bed.emu.adminSecret);
    const script = await (await fetch(`${bed.emu.url}/open/open.js`)).text();
    expect(script).not.toContain(bed.emu.adminSecret);
    expect((await fetch(`${bed.emu.url}/open/../package.json`)).status).toBe(404);
    // A name that is not loopback is refused (the Host rule; fetch cannot set Host, http.get can).
    const foreign = await new Promise<number>((resolve, reject) =>
      get(`${bed.emu.url}/open/`, { headers: { Host: 'evil.example' } }, (res) => resolve(res.resume().statusCode!)).on('error', reject),
    );
    expect(foreign).toBe(403);

    const { stage } = await bed.api('CreateStage', { name: 'open-route' });
    const host = new URL(stage.endpoints.whip).pathname;
    const anonymous = await fetch(`${bed.emu.url}${host}/participants`);
    expect(anonymous.status).toBe(401);
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, userId: 'dave' });
    const roster = await fetch(`${bed.emu.url}${host}/participants`, { headers: { Authorization: `Bearer ${participantToken.token}` } });
    expect(roster.status).toBe(200);
    expect(await roster.json()).toMatchObject({ stageArn: stage.arn, self: { participantId: participantToken.participantId, userId: 'dave', publish: true, subscribe: true }, participants: [] });
  });
  it('the stage event channel: a WebSocket at /<topic> with the token as subprotocol, STAGE_STATE, PONG and the stage\'s events; refused without a good token, from another origin or host; closed when the token is revoked', async () => {
    const { stage } = await bed.api('CreateStage', { name: 'open-channel' });
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, userId: 'watcher' });
    const claims = decodeJwt(participantToken.token).payload as { topic: string; events_url: string };
    expect(claims.events_url).toBe('wss://global.events.live-video.net');
    const feed = channel(participantToken.token, claims.topic);
    await new Promise((resolve) => feed.ws.once('open', resolve));
    expect(feed.ws.protocol).toBe(participantToken.token);
    expect(await feed.next((m) => m.type === 'STAGE_STATE')).toEqual({ type: 'STAGE_STATE', payload: { stageId: claims.topic, participants: [] } });
    feed.ws.send(JSON.stringify({ type: 'PING' }));
    await feed.next((m) => m.type === 'PONG');

    const joined = await bed.cli(['local', 'join', 'open-channel', '--user-id', 'sim-2', '--attributes', 'role=guest', '--publish', '--json'], admin());
    expect(joined.code, joined.stderr).toBe(0);
    const simId = (joined.json() as { participant: { participantId: string } }).participant.participantId;
    const state = await feed.next((m) => m.type === 'STAGE_STATE' && JSON.stringify(m.payload).includes('"isPublishing":true'));
    expect(state.payload).toEqual({ stageId: claims.topic, participants: [{ id: simId, userId: 'sim-2', attributes: { role: 'guest' }, isPublishing: true }] });
    for (const name of ['JOINED', 'PUBLISH_STARTED']) {
      const event = await feed.next((m) => m.type === 'IVSRT_PARTICIPANT_EVENT' && m.payload?.name === name);
      expect(event.payload).toMatchObject({ name, participantId: simId, userId: 'sim-2', eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    }
    const published = await feed.next((m) => m.type === 'IVSRT_EVENTBRIDGE');
    expect(published.payload).toMatchObject({ source: 'aws.ivs', 'detail-type': 'IVS Stage Update', resources: [stage.arn], detail: { event_name: 'Participant Published', participant_id: simId } });
    feed.ws.close();
    // A socket opened later gets the session's past events after its STAGE_STATE.
    const late = channel(participantToken.token, claims.topic);
    await late.next((m) => m.type === 'IVSRT_PARTICIPANT_EVENT' && m.payload?.name === 'PUBLISH_STARTED' && m.payload.participantId === simId);
    await late.next((m) => m.type === 'IVSRT_EVENTBRIDGE' && (m.payload?.detail as { event_name?: string }).event_name === 'Participant Published');
    late.ws.close();

    // Refusals come before the upgrade, as HTTP with a JSON code (a page learns why from the roster route).
    expect(await refusedHandshake(undefined, claims.topic)).toMatchObject({ status: 401, body: expect.stringContaining('"code":"TOKEN_MALFORMED"') });
    expect(await refusedHandshake('not.a.token', claims.topic)).toMatchObject({ status: 401 });
    expect(await refusedHandshake(participantToken.token, 'AAAAAAAAAAAA')).toMatchObject({ status: 401, body: expect.stringContaining('"code":"TOKEN_INVALID_CLAIMS"') });
    expect(await refusedHandshake(participantToken.token, claims.topic, { Origin: 'http://evil.example' })).toMatchObject({ status: 403, body: expect.stringContaining('ACCESS_DENIED') });
    expect(await refusedHandshake(participantToken.token, claims.topic, { Host: 'evil.example' })).toMatchObject({ status: 403 });

    // The watcher joins with its token and is disconnected: its channel closes, saying why.
    const watching = channel(participantToken.token, claims.topic);
    await watching.next((m) => m.type === 'STAGE_STATE');
    const joinedWithToken = await fetch(`${bed.emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(bed.emu.url), body: JSON.stringify({ token: participantToken.token }) });
    expect(joinedWithToken.status).toBe(200);
    const disconnected = await bed.cli(['participant', 'disconnect', 'open-channel', participantToken.participantId, '--yes']);
    expect(disconnected.code, disconnected.stderr).toBe(0);
    expect(await watching.closed).toEqual({ code: 4403, reason: 'TOKEN_REVOKED' });
    expect(await refusedHandshake(participantToken.token, claims.topic)).toMatchObject({ status: 403, body: expect.stringContaining('"code":"TOKEN_REVOKED"') });
    // The token, passed in a header, reaches no log line.
    expect(bed.emu.output()).not.toContain(participantToken.token.split('.')[2]);
  });
});

const websocketsMissing = ((): string | undefined => {
  const found = spawnSync('/usr/bin/python3', ['-c', 'import websockets'], { stdio: 'ignore' });
  if (found.status === 0) return undefined;
  console.warn("skipping the Python websockets client test: /usr/bin/python3 has no websockets module (apt-get install python3-websockets)");
  return 'no python3-websockets';
})();

describe.skipIf(websocketsMissing !== undefined)('the stage event channel with an independent client', () => {
  it("Python's websockets, connecting as AWS's sample does (subprotocol = token, PING first), reads STAGE_STATE and PONG", async () => {
    const { stage } = await bed.api('CreateStage', { name: 'open-python' });
    const joined = await bed.cli(['local', 'join', 'open-python', '--user-id', 'sim-py', '--attributes', 'role=guest', '--publish', '--json'], admin());
    expect(joined.code, joined.stderr).toBe(0);
    const simId = (joined.json() as { participant: { participantId: string } }).participant.participantId;
    const { participantToken } = await bed.api('CreateParticipantToken', { stageArn: stage.arn, userId: 'py' });
    const claims = decodeJwt(participantToken.token).payload as { topic: string };
    const client = spawnChild('/usr/bin/python3', [join(HERE, 'stage_events_client.py'), `${bed.emu.url.replace(/^http/, 'ws')}/${claims.topic}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    client.stdin!.end(`${participantToken.token}\n`);
    let out = '';
    let err = '';
    client.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    client.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ protocol: true, stageId: claims.topic, participants: [{ id: simId, userId: 'sim-py', attributes: { role: 'guest' }, isPublishing: true }], pong: true });
  }, 60_000);
});

describe.skipIf(missing !== undefined)('the page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("page A publishes (its pickers list the devices in use); page B plays A's tile with its user id, attributes and stats; muting blacks A's picture at B; the roster follows a simulated join and leave; stopping removes A's tile", async () => {
    const { stage } = await bed.api('CreateStage', { name: 'open-live' });
    const a = await open(['open-live', '--user-id', 'alice', '--attributes', 'role=host', '--no-browser']);
    const b = await open(['open-live', '--user-id', 'bob', '--no-browser']);
    const pageA = await browser.newPage();
    const pageB = await browser.newPage({ viewport: { width: 1100, height: 640 } });
    await pageB.addInitScript(defineBrightness);
    await pageA.goto(a.url);
    await pageB.goto(b.url);
    await pageA.click('[data-testid="publish"]');
    // A sees its own preview; B plays A. A's device pickers list the (fake) camera and microphone it uses.
    await waitPlaying(pageA, a.participantId);
    const inUse = await pageA.evaluate(() => {
      const tracks = ((document.querySelector('[data-self="true"] video') as HTMLVideoElement).srcObject as MediaStream).getTracks();
      const id = (kind: string) => tracks.find((t) => t.kind === kind)!.getSettings().deviceId;
      const listed = (select: string) => [...(document.getElementById(select) as HTMLSelectElement).options].map((o) => o.value);
      return { camera: listed('camera').includes(id('video')!), microphone: listed('microphone').includes(id('audio')!) };
    });
    expect(inUse).toEqual({ camera: true, microphone: true });
    await waitPlaying(pageB, a.participantId);
    const tileB = pageB.locator(tile(a.participantId));
    await expect.poll(() => tileB.textContent(), { timeout: 30_000 }).toMatch(/alice.*role=host.*\d+x\d+ · \d+ fps · \d+ kbps · [\d.]+% loss/);

    // A mutes: B's picture of A goes black (the tracks send nothing but black and silence); unmuted, it comes back.
    await pageA.click('[data-testid="mute"]');
    expect(await pageA.textContent('[data-testid="status"]')).toBe('Publishing (muted)');
    await pageB.waitForFunction((s) => brightness(s) < 8, `${tile(a.participantId)} video`, { timeout: 30_000 });
    await pageA.click('[data-testid="mute"]');
    await pageB.waitForFunction((s) => brightness(s) > 40, `${tile(a.participantId)} video`, { timeout: 30_000 });

    // A simulated participant joins, publishes and leaves: B's roster shows each.
    const joined = await bed.cli(['local', 'join', 'open-live', '--user-id', 'sim-1', '--publish', '--json'], admin());
    expect(joined.code, joined.stderr).toBe(0);
    const simId = (joined.json() as { participant: { participantId: string } }).participant.participantId;
    await rosterEntry(pageB, simId, 'CONNECTED');
    await pageB.waitForFunction((id) => document.querySelector(`[data-testid="roster"] li[data-participant-id="${id}"]`)?.textContent?.includes('publishing'), simId);
    // It sends no media: its roster entry and its tile say it is simulated (no subscription is tried).
    expect(await pageB.textContent(`[data-testid="roster"] li[data-participant-id="${simId}"]`)).toMatch(/simulated/);
    expect(await pageB.textContent(`[data-testid="roster"] li[data-participant-id="${a.participantId}"]`)).not.toMatch(/simulated/);
    await pageB.waitForSelector(`${tile(simId)}[data-simulated="true"]`);
    // B's event feed, live over the stage event channel, shows the join and the publish as they happen: the
    // participant events and the EventBridge event.
    await pageB.waitForFunction(() => document.querySelector('[data-testid="feed-status"]')!.textContent === 'live');
    const feedHas = (text: string) => pageB.waitForFunction((t) => [...document.querySelectorAll('[data-testid="feed"] li')].some((li) => li.textContent!.endsWith(t)), text);
    await feedHas('JOINED sim-1');
    await feedHas('PUBLISH_STARTED sim-1');
    await feedHas('IVS Stage Update: Participant Published sim-1');
    expect(await pageB.textContent(`${tile(simId)} [data-testid="stats"]`)).toBe('simulated participant: publishes no media');
    await rosterEntry(pageB, a.participantId, 'CONNECTED');
    const shot = join(mkdtempSync(join(tmpdir(), 'ivsrt-open-shot-')), 'open.png');
    await pageB.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    console.info(`ivsrt open: page B's screenshot is ${shot}`);
    const left = await bed.cli(['local', 'leave', stage.arn, simId], admin());
    expect(left.code).toBe(0);
    await rosterEntry(pageB, simId, 'DISCONNECTED');
    await feedHas('LEFT sim-1');

    // A stops publishing: its tile goes at B (and its preview at A).
    await pageA.click('[data-testid="stop"]');
    await pageB.waitForFunction((s) => document.querySelector(s) === null, tile(a.participantId), { timeout: 30_000 });
    expect(await pageA.locator(tile(a.participantId)).count()).toBe(0);
    expect(await pageA.isEnabled('[data-testid="publish"]')).toBe(true);
    await pageA.close();
    await pageB.close();
  }, 120_000);

  it('a running composition with a channel destination plays in its own tile through the bundled hls.js (native HLS where there is no MSE); the tile goes when it stops', async () => {
    const { stage } = await bed.api('CreateStage', { name: 'open-composition' });
    const { encoderConfiguration } = await bed.api('CreateEncoderConfiguration', { name: 'open-small', video: { width: 320, height: 180, framerate: 15, bitrate: 200_000 } });
    const a = await open(['open-composition', '--user-id', 'alice', '--no-browser']);
    const viewer = await open(['open-composition', '--capabilities', 'subscribe', '--no-browser']);
    const pageA = await browser.newPage();
    const scripts: string[] = [];
    pageA.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url()).pathname));
    await pageA.goto(a.url);
    await pageA.click('[data-testid="publish"]');
    await waitPlaying(pageA, a.participantId);
    // The viewer's browser as one without Media Source Extensions (iOS Safari): the page hands the playlist to the browser's own player.
    const pageB = await browser.newPage();
    await pageB.addInitScript(() => {
      delete (window as { MediaSource?: unknown }).MediaSource;
      delete (window as { ManagedMediaSource?: unknown }).ManagedMediaSource;
    });
    const scriptsB: string[] = [];
    pageB.on('request', (request) => request.resourceType() === 'script' && scriptsB.push(new URL(request.url()).pathname));
    await pageB.goto(viewer.url);
    const { composition } = await bed.api('StartComposition', {
      stageArn: stage.arn,
      destinations: [{ channel: { channelArn: 'arn:aws:ivs:us-east-1:123456789012:channel/AbCdEfGhIjKl', encoderConfigurationArn: encoderConfiguration.arn } }],
    });
    const id = composition.arn.split('/').pop()!;
    const output = `[data-testid="composition"][data-composition-id="${id}"]`;
    try {
      // The renderer's first segment comes when the machine gets to it (the render tests may be using both
      // cores): wait for the emulator's live playlist to list one, then for the page to play it.
      await expect
        .poll(async () => {
          const res = await fetch(`${bed.emu.url}/playback/${id}/live.m3u8`);
          return res.ok && (await res.text()).includes('#EXTINF');
        }, { timeout: 80_000, interval: 250 })
        .toBe(true);
      await waitVideo(pageA, `${output} video`);
      expect(await pageA.getAttribute(output, 'data-player')).toBe('hls.js');
      await pageA.waitForFunction((s) => document.querySelector(s)!.textContent!.endsWith('320x180 · live output · hls.jsUnmute'), output);
      // It starts muted (it mixes A's own microphone); its button unmutes it.
      expect(await pageA.evaluate((s) => (document.querySelector(s) as HTMLVideoElement).muted, `${output} video`)).toBe(true);
      await pageA.click(`${output} button.sound`);
      expect(await pageA.evaluate((s) => (document.querySelector(s) as HTMLVideoElement).muted, `${output} video`)).toBe(false);
      // hls.js came from the emulator, as every script did (no CDN; the CSP allows no other origin).
      expect(scripts).toContain('/open/hls.js');
      expect(scripts.every((path) => path.startsWith('/open/'))).toBe(true);
      // Without MSE: the browser's own player gets the playlist, and hls.js is not even loaded.
      await pageB.waitForSelector(`${output}[data-player="native HLS"]`);
      expect(await pageB.evaluate((s) => new URL((document.querySelector(s) as HTMLVideoElement).src).pathname, `${output} video`)).toBe(`/playback/${id}/live.m3u8`);
      expect(scriptsB).not.toContain('/open/hls.js');
    } finally {
      await bed.api('StopComposition', { arn: composition.arn });
    }
    for (const page of [pageA, pageB]) {
      await page.waitForFunction((s) => document.querySelector(s) === null, output, { timeout: 30_000 });
      await page.close();
    }
  }, 180_000);

  it('a subscribe-only token cannot publish, and says why', async () => {
    await bed.api('CreateStage', { name: 'open-viewer' });
    const viewer = await open(['open-viewer', '--capabilities', 'subscribe', '--no-browser']);
    const page = await browser.newPage();
    await page.goto(viewer.url);
    await page.waitForFunction(() => (document.querySelector('[data-testid="publish"]') as HTMLButtonElement).disabled && /may subscribe\./.test(document.getElementById('whoami')!.textContent ?? ''));
    expect(await page.getAttribute('[data-testid="publish"]', 'title')).toMatch(/no PUBLISH capability/);
    await page.close();
  }, 60_000);

  it('without a token the page says how to get one', async () => {
    const page = await browser.newPage();
    await page.goto(`${bed.emu.url}/open/`);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden);
    expect(await page.textContent('[data-testid="error"]')).toMatch(/needs a participant token.*ivsrt open <stage>/);
    await page.close();
  }, 60_000);

  it('a denied camera says what to do', async () => {
    await bed.api('CreateStage', { name: 'open-denied' });
    const opened = await open(['open-denied', '--no-browser']);
    const refusing = await launchChromium({ mediaPrompt: 'deny' });
    try {
      const page = await refusing.newPage();
      await page.goto(opened.url);
      await page.waitForFunction(() => /your token may publish/.test(document.getElementById('whoami')!.textContent ?? ''));
      await page.click('[data-testid="publish"]');
      await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden, undefined, { timeout: 30_000 });
      expect(await page.textContent('[data-testid="error"]')).toMatch(/^The browser was denied the camera or microphone\. Allow them for this page/);
      expect(await page.isEnabled('[data-testid="publish"]')).toBe(true);
      expect(await page.locator('[data-testid="participant"]').count()).toBe(0);
    } finally {
      await refusing.close();
    }
  }, 60_000);

  it('a participant disconnected with `ivsrt participant disconnect` sees that its token was revoked', async () => {
    await bed.api('CreateStage', { name: 'open-revoked' });
    const opened = await open(['open-revoked', '--user-id', 'erin', '--no-browser']);
    const page = await browser.newPage();
    await page.goto(opened.url);
    await page.click('[data-testid="publish"]');
    await rosterEntry(page, opened.participantId, 'CONNECTED');
    const disconnected = await bed.cli(['participant', 'disconnect', 'open-revoked', opened.participantId, '--yes']);
    expect(disconnected.code, disconnected.stderr).toBe(0);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden, undefined, { timeout: 30_000 });
    expect(await page.textContent('[data-testid="error"]')).toBe('You were disconnected from this stage and your token was revoked. Run `ivsrt open <stage>` again to rejoin.');
    expect(await page.locator('[data-testid="participant"]').count()).toBe(0);
    await page.close();
  }, 60_000);

  // Last in the file: it moves the emulator's clock two minutes on.
  it('an expired token shows the error text', async () => {
    await bed.api('CreateStage', { name: 'open-expiry' });
    const short = await open(['open-expiry', '--duration', '1', '--no-browser']);
    const page = await browser.newPage();
    await page.goto(short.url);
    await page.waitForFunction(() => /your token may publish and subscribe/.test(document.getElementById('whoami')!.textContent ?? ''));
    await page.waitForFunction(() => document.querySelector('[data-testid="feed-status"]')!.textContent === 'live');
    const claims = decodeJwt(short.url.split('#token=')[1]!).payload as { topic: string };
    const feed = channel(short.url.split('#token=')[1]!, claims.topic);
    await feed.next((m) => m.type === 'STAGE_STATE');
    const advanced = await bed.cli(['local', 'clock', '--advance', '120'], admin());
    expect(advanced.code).toBe(0);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="error"]') as HTMLElement).hidden, undefined, { timeout: 30_000 });
    expect(await page.textContent('[data-testid="error"]')).toBe('Your participant token has expired. Run `ivsrt open <stage>` again for a new page.');
    // The clock's move was a commit: the channel closed at once, saying why.
    expect(await feed.closed).toEqual({ code: 4403, reason: 'TOKEN_EXPIRED' });
    expect(await page.isDisabled('[data-testid="publish"]')).toBe(true);
    await page.close();
  }, 60_000);
});
