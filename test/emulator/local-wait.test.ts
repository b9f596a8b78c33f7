// `ivsrt local wait`, `local start --clock-frozen` and `local start --background`: what a test in another
// language drives the emulator with. The emulator is the fixture's, driven through its cliEnv(), so
// the verbs find it the way a user's suite would.
import { CreateStageCommand } from '@aws-sdk/client-ivs-realtime';
import { existsSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEmulator, type LocalEmulator } from '../../src/fixture/index.js';
import { backgroundHome } from '../helpers/children.js';
import { runCli } from '../helpers/cli.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('local-wait: skipping: dist/cli.cjs is missing (run `npm run build`)');

const PUBLISHED = '{"detail":{"event_name":["Participant Published"]}}';

describe.skipIf(!BUILT)('ivsrt local wait', () => {
  let emu: LocalEmulator;
  let hook: Server;
  let hookUrl: string;
  let answered = 0;
  beforeAll(async () => {
    hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answered++;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/ivs-events`;
    emu = await startEmulator({ clock: { frozen: true }, events: { targets: [hookUrl] } });
  });
  afterAll(async () => {
    await emu?.stop();
    hook?.close();
  });
  beforeEach(() => emu.reset());
  const wait = (...args: string[]) => runCli(['local', 'wait', ...args], { env: emu.cliEnv() });

  test('prints an event emitted before it was called, and exits 0', async () => {
    await emu.client().send(new CreateStageCommand({ name: 'waited' }));
    await emu.join({ stage: 'waited', userId: 'early', publish: true });
    const ran = await wait('--event', PUBLISHED);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.json()).toMatchObject({ 'detail-type': 'IVS Stage Update', detail: { event_name: 'Participant Published', user_id: 'early' } });
  });

  test('waits for an event still to come; with --delivered-to, until the webhook has answered it', async () => {
    await emu.client().send(new CreateStageCommand({ name: 'later' }));
    const waiting = wait('--event', '{"detail":{"event_name":["Participant Published"],"user_id":["late"]}}', '--delivered-to', hookUrl, '--timeout', '20');
    await emu.join({ stage: 'later', userId: 'late', publish: true });
    const ran = await waiting;
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.json().detail).toMatchObject({ user_id: 'late' });
    expect(answered).toBeGreaterThan(0);
    expect(emu.events.list({ detail: { user_id: ['late'] } })[0]!.deliveries).toEqual([{ target: hookUrl, rule: 'event-target', status: 'delivered' }]);
  });

  test('with --delivered-to, the acknowledgement is what counts: a webhook that failed the first attempt is waited for until the retry', async () => {
    const statuses = [500];
    const flaky = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/ivs-events`;
    try {
      // Frozen: the retry comes only when the clock is advanced.
      await using own = await startEmulator({ clock: { frozen: true }, events: { targets: [flakyUrl] } });
      const waitOwn = (...args: string[]) => runCli(['local', 'wait', '--event', PUBLISHED, '--delivered-to', flakyUrl, ...args], { env: own.cliEnv() });
      await own.client().send(new CreateStageCommand({ name: 'flaky' }));
      await own.join({ stage: 'flaky', userId: 'retried', publish: true });
      await expect.poll(() => statuses.length).toBe(0); // the first attempt was answered 500
      const early = await waitOwn('--timeout', '1');
      expect(early.code).toBe(255);
      expect(early.stderr.trim()).toMatch(/^error: no event matching .* was delivered to http:\/\/127\.0\.0\.1:\d+\/ivs-events within 1 s$/);
      await own.clock.advance(5);
      const late = await waitOwn('--timeout', '20');
      expect(late.code, late.stderr).toBe(0);
      expect(late.json().detail).toMatchObject({ user_id: 'retried' });
    } finally {
      flaky.close();
    }
  });

  test('exits 255 with one line when nothing comes in time; 252 for a bad pattern or an unknown target', async () => {
    const late = await wait('--event', PUBLISHED, '--timeout', '0.3');
    expect(late.code).toBe(255);
    expect(late.stderr.trim()).toMatch(/^error: no event matching .*Participant Published.* was emitted within 0.3 s$/);
    const bad = await wait('--event', '{"detail":{"event_name":"Participant Published"}}');
    expect(bad.code).toBe(252);
    expect(bad.stderr).toContain('detail.event_name');
    const unknown = await wait('--event', PUBLISHED, '--delivered-to', 'http://127.0.0.1:1/nobody');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('delivers to no target http://127.0.0.1:1/nobody');
  });
});

/** The HTTP status of a signed-looking ListStages sent to `url` with this Host header (fetch cannot set Host). */
function statusAddressedTo(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/ListStages`, { method: 'POST', headers: { host, authorization: 'AWS4-HMAC-SHA256 Credential=x', 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.once('error', reject);
    req.end('{}');
  });
}

describe.skipIf(!BUILT)('ivsrt local start for other languages', () => {
  const home = backgroundHome('background');

  test('--background starts the background emulator with its flags (--s3-dir, --clock-frozen, --allow-host), once', async () => {
    const env = { IVSRT_HOME: home };
    const started = await runCli(['local', 'start', '--background', '--s3-dir', join(home, 'recordings'), '--clock-frozen', '--allow-host', 'ivsrt.test', '--json'], { env });
    expect(started.code, started.stderr).toBe(0);
    expect(started.json()).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), s3Dir: join(home, 'recordings') });
    // --allow-host reached it (it was once dropped without a word): a request addressed to that name is answered.
    expect(await statusAddressedTo(started.json().url, 'ivsrt.test')).toBe(200);
    expect(await statusAddressedTo(started.json().url, 'elsewhere.test')).toBe(403);
    // Frozen: the clock stands still between two looks, and moves only when advanced.
    const first = (await runCli(['local', 'clock', '--json'], { env })).json().now;
    const second = (await runCli(['local', 'clock', '--json'], { env })).json().now;
    expect(second).toBe(first);
    const advanced = (await runCli(['local', 'clock', '--advance', '60', '--json'], { env })).json().now;
    expect(Date.parse(advanced) - Date.parse(first)).toBe(60_000);
    const again = await runCli(['local', 'start', '--background'], { env });
    expect(again.code).toBe(252);
    expect(again.stderr).toContain('the background emulator is already running at');
    const portToo = await runCli(['local', 'start', '--background', '--data-dir', home], { env });
    expect(portToo.stderr).toContain('--data-dir does not go with --background');
  }, 60_000);
});
