// The `ivsrt local ...` verbs through the real bin (needs `npm run build`, as `npm test` does), against an
// in-process emulator named with --endpoint-url, and against the background instance under IVSRT_HOME.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { backgroundHome, spawnChild, stopChild } from '../helpers/children.js';
import { BIN, runCli } from '../helpers/cli.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { startTestEmulator } from './helpers.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('local-verbs: skipping: dist/cli.cjs is missing (run `npm run build`)');

describe.skipIf(!BUILT)('local verbs against a named emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    ({ emu } = await startTestEmulator());
  });
  afterAll(() => emu.close());
  // The verbs run in another process, so they get the in-process emulator's admin secret from the environment.
  const emulatorEnv = (): NodeJS.ProcessEnv => ({ IVSRT_ADMIN_SECRET: emu.adminSecret });

  test('join with a token from stdin or straight onto a stage; publish, unpublish, leave', async () => {
    const endpoint = emu.url;
    expect((await runCli(['stage', 'create', '--name', 'verbs'], { endpoint, env: emulatorEnv() })).code).toBe(0);
    const token = (await runCli(['token', 'create', 'verbs', '--query', 'participantToken.token'], { endpoint, env: emulatorEnv() })).stdout.trim();
    const joined = await runCli(['local', 'join', '--token', '-', '--json'], { endpoint, env: emulatorEnv(), input: token });
    expect(joined.code, joined.stderr).toBe(0);
    const participantId = joined.json().participant.participantId as string;
    expect(joined.json()).toMatchObject({ participant: { state: 'CONNECTED', published: false }, sessionId: expect.stringMatching(/^st-/) });

    // The stage is positional, as in every other verb.
    const direct = await runCli(['local', 'join', 'verbs', '--user-id', 'bob', '--capabilities', 'subscribe', '--json'], { endpoint, env: emulatorEnv() });
    expect(direct.json().participant).toMatchObject({ userId: 'bob' });
    const refused = await runCli(['local', 'publish', 'verbs', direct.json().participant.participantId], { endpoint, env: emulatorEnv() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('does not allow publishing');

    const published = await runCli(['local', 'publish', '--token', token, '--json'], { endpoint, env: emulatorEnv() });
    expect(published.json().participant.published).toBe(true);
    // --stage and --participant still work, as hidden aliases.
    const table = await runCli(['local', 'unpublish', '--stage', 'verbs', '--participant', participantId], { endpoint, env: emulatorEnv() });
    expect(table.stdout).toMatch(/participantId\s+\S+/);
    const left = await runCli(['local', 'leave', '--token', token, '--json'], { endpoint, env: emulatorEnv() });
    expect(left.json().participant.state).toBe('DISCONNECTED');
    const events = await runCli(['participant', 'events', 'verbs', participantId, '--json'], { endpoint, env: emulatorEnv() });
    expect(events.code, events.stderr).toBe(0);
    expect(events.json().events.map((e: { name: string }) => e.name)).toEqual(['LEFT', 'PUBLISH_STOPPED', 'PUBLISH_STARTED', 'JOINED']);
  });

  test('fail: each subject fills its route from its argument and flags, reports and prints its reply; a wrong or missing piece is one line (252)', async () => {
    const endpoint = emu.url;
    const broken = await runCli(['local', 'fail', 'bucket', 'fail-verb-bucket', '--json'], { endpoint, env: emulatorEnv() });
    expect(broken.code, broken.stderr).toBe(0);
    expect(broken.json()).toEqual({ bucket: 'fail-verb-bucket', broken: true, failedRecordings: 0, failedDestinations: 0 });
    expect(broken.stderr).toContain('Bucket fail-verb-bucket is broken: 0 recording(s) and 0 destination(s) failed now; later ones fail until --clear.');
    const cleared = await runCli(['local', 'fail', 'bucket', 'fail-verb-bucket', '--clear', '--json'], { endpoint, env: emulatorEnv() });
    expect(cleared.json()).toMatchObject({ broken: false });
    expect(cleared.stderr).toContain('Bucket fail-verb-bucket works again.');
    // The positional stage is resolved by name before the route is asked; its participant was never there.
    await runCli(['stage', 'create', '--name', 'fail-verb'], { endpoint, env: emulatorEnv() });
    const never = await runCli(['local', 'fail', 'recording', 'fail-verb', 'AbCdEfGh1234'], { endpoint, env: emulatorEnv() });
    expect(never.code).not.toBe(0);
    expect(never.stderr).toMatch(/participant AbCdEfGh1234 has never been on stage arn:aws:ivs:[^ ]+:stage\/\w{12}/);
    const refusals: [string[], string][] = [
      [['local', 'fail', 'network', 'x'], 'error: subject must be one of destination, bucket, recording, got "network"'],
      [['local', 'fail', 'bucket'], 'error: "fail bucket" needs the bucket name'],
      [['local', 'fail', 'destination'], 'error: "fail destination" needs the composition'],
      [['local', 'fail', 'recording', 'fail-verb'], 'error: "fail recording" needs the stage and the participant: `ivsrt local fail recording studio AbCdEfGh1234`'],
      [['local', 'fail', 'bucket', 'b', '--now'], 'error: --now goes with "fail destination", not "fail bucket"'],
    ];
    for (const [args, line] of refusals) {
      const result = await runCli(args, { endpoint, env: emulatorEnv() });
      expect(result.code, args.join(' ')).toBe(252);
      expect(result.stderr.trim().split('\n')[0], args.join(' ')).toBe(line);
    }
  });

  test('status describes the emulator --endpoint-url names, not the (absent) background one, and starts none', async () => {
    const endpoint = emu.url;
    const home = mkdtempSync(join(tmpdir(), 'ivsrt-status-'));
    try {
      await runCli(['stage', 'create', '--name', 'status-named'], { endpoint, env: emulatorEnv() });
      const named = await runCli(['local', 'status', '--json'], { endpoint, env: { ...emulatorEnv(), IVSRT_HOME: home } });
      expect(named.code, named.stderr).toBe(0);
      const stages = (await runCli(['stage', 'list', '--json'], { endpoint, env: emulatorEnv() })).json().stages.length;
      expect(named.json()).toMatchObject({ running: true, url: endpoint, pid: process.pid, counts: { stages } });
      const background = await runCli(['local', 'status', '--json'], { env: { IVSRT_HOME: home } });
      expect(background.json()).toEqual({ running: false });
      expect(existsSync(join(home, 'local.json'))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('stop refuses an emulator it did not start, in one line, and leaves it running', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ivsrt-stop-'));
    try {
      const stop = await runCli(['local', 'stop'], { endpoint: emu.url, env: { ...emulatorEnv(), IVSRT_HOME: home } });
      expect(stop.code).toBe(252);
      expect(stop.stderr.trim().split('\n')[0]).toBe(`error: ${emu.url} is not the background emulator: \`ivsrt local stop\` stops only the one ivsrt starts for --local`);
      expect(stop.stderr).not.toMatch(/\n\s+at /);
      expect((await runCli(['stage', 'list', '--json'], { endpoint: emu.url, env: emulatorEnv() })).code).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('refused tokens and bad flag combinations fail with a reason', async () => {
    const endpoint = emu.url;
    const bad = await runCli(['local', 'join', '--token', 'a.b.c'], { endpoint, env: emulatorEnv() });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('malformed');
    const both = await runCli(['local', 'join', '--token', 'x', '--stage', 'y'], { endpoint, env: emulatorEnv() });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('or pass --token, not both');
    const neither = await runCli(['local', 'leave'], { endpoint, env: emulatorEnv() });
    expect(neither.stderr).toContain('name the participant with STAGE PARTICIPANT');
    // The alias is accepted but not advertised.
    const help = await runCli(['local', 'join', '--help'], { endpoint, env: emulatorEnv() });
    expect(help.stdout).toMatch(/Usage: ivsrt local join \[options\] \[stage\]/);
    expect(help.stdout).not.toContain('--stage');
  });

  test('clock, simulate and reset', async () => {
    const endpoint = emu.url;
    const clock = await runCli(['local', 'clock', '--advance', '90', '--json'], { endpoint, env: emulatorEnv() });
    expect(clock.json().advancedSeconds).toBe(90);
    await runCli(['stage', 'create', '--name', 'crowd'], { endpoint, env: emulatorEnv() });
    const sim = await runCli(['local', 'simulate', 'crowd', '--participants', '4', '--duration', '1.5', '--tick', '0.3', '--json'], { endpoint, env: emulatorEnv() });
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.json()).toMatchObject({ errors: 0, connected: 0 });
    expect(sim.json().joined).toBeGreaterThanOrEqual(4);
    const unconfirmed = await runCli(['local', 'reset'], { endpoint, env: emulatorEnv() });
    expect(unconfirmed.code).not.toBe(0);
    expect((await runCli(['local', 'reset', '--yes'], { endpoint, env: emulatorEnv() })).code).toBe(0);
    expect((await runCli(['stage', 'list', '--json'], { endpoint, env: emulatorEnv() })).json().stages).toEqual([]);
  });
});

describe.skipIf(!BUILT)('the background instance', () => {
  const home = backgroundHome('verbs');

  test('status, start on demand with --local, stop', async () => {
    const env = { IVSRT_HOME: home };
    expect((await runCli(['local', 'status', '--json'], { env })).json()).toEqual({ running: false });
    expect((await runCli(['stage', 'create', '--name', 'bg', '--local'], { env })).code).toBe(0);
    const status = (await runCli(['local', 'status', '--json'], { env })).json();
    expect(status).toMatchObject({ running: true, dataDir: join(home, 'data'), counts: { stages: 1 } });
    const joined = await runCli(['local', 'join', '--stage', 'bg', '--json'], { env });
    expect(joined.code, joined.stderr).toBe(0);
    // Named through the environment, as the fixture's cliEnv() names one, the background emulator is still the one stopped.
    const stopped = await runCli(['local', 'stop', '--json'], { env: { ...env, AWS_ENDPOINT_URL_IVS_REALTIME: status.url } });
    expect(stopped.json()).toEqual({ stopped: true, pid: status.pid });
    expect((await runCli(['local', 'status', '--json'], { env })).json()).toEqual({ running: false });
  });
});

describe.skipIf(!BUILT)('local start --account-id', () => {
  test('writes the account into ARNs, and refuses one that is not 12 digits with one line (252)', async () => {
    const emu = await spawnEmulator(['--account-id', '111122223333']);
    try {
      const created = await runCli(['stage', 'create', '--name', 'mine', '--json'], { endpoint: emu.url, env: { IVSRT_HOME: emu.home } });
      expect(created.json().stage.arn).toMatch(/^arn:aws:ivs:us-east-1:111122223333:stage\/\w{12}$/);
      const status = await runCli(['local', 'status', '--json'], { endpoint: emu.url, env: { IVSRT_HOME: emu.home } });
      expect(status.json().accountId).toBe('111122223333');
    } finally {
      await emu.stop();
    }
    const bad = await runCli(['local', 'start', '--port', '0', '--account-id', '12345']);
    expect(bad.code).toBe(252);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringContaining('--account-id must be 12 digits, got 12345')]);
  });
});

/** `ivsrt local start --port 0 --json ...args` under `home`: the child and its ready line, parsed. */
async function startWithJson(home: string, args: string[]): Promise<{ child: ChildProcess; line: string; stdout: () => string }> {
  const child = spawnChild(process.execPath, [BIN, 'local', 'start', '--port', '0', '--json', ...args], { env: { ...process.env, IVSRT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before its ready line`)));
  });
  return { child, line, stdout: () => stdout };
}

describe.skipIf(!BUILT)('local start --json', () => {
  test('says where it listens as one JSON line on stdout, which a script can parse; the logs stay on stderr', async () => {
    // It printed the same text line as without --json.
    const home = backgroundHome('start-json');
    const { child, line, stdout } = await startWithJson(home, ['--account-id', '111122223333']);
    const info = JSON.parse(line);
    expect(info).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), pid: child.pid, dataDir: null, region: 'us-east-1', accountId: '111122223333' });
    const created = await runCli(['stage', 'create', '--name', 'ready', '--json'], { endpoint: info.url, env: { IVSRT_HOME: home } });
    expect(created.json().stage.arn).toMatch(/:111122223333:stage\//);
    await stopChild(child);
    expect(stdout().trim().split('\n')).toEqual([line]);
  });
});

const ipv6 = await new Promise<string>((resolve) => {
  const probe = createServer();
  probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  probe.listen(0, '::1', () => probe.close(() => resolve('')));
});
if (ipv6) console.warn(`local start --host [::1] test skipped: this machine cannot listen on ::1 (${ipv6})`);

describe.skipIf(!BUILT || ipv6 !== '')('local start --host [::1]', () => {
  test('listens on the IPv6 loopback, written as in a URL, and answers there', async () => {
    // The brackets went to listen() as part of the name: "--host [::1]: ... does not resolve (ENOTFOUND)".
    const home = backgroundHome('start-ipv6');
    const { child, line } = await startWithJson(home, ['--host', '[::1]']);
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const listed = await runCli(['stage', 'list', '--json'], { endpoint: url, env: { IVSRT_HOME: home } });
    expect(listed.code).toBe(0);
    expect(listed.json().stages).toEqual([]);
    await stopChild(child);
  });
});

describe.skipIf(!BUILT)('local start whose reader goes away', () => {
  test('winds down as on SIGTERM, removing its state files and registration, and exits 0', async () => {
    // It exited at its next write (EPIPE) without its clean-up: instances/<port>.json and local.json were left
    // naming a dead pid (`ivsrt local start 2>&1 | head -1` died at the line after the first, the same way).
    const home = backgroundHome('reader-gone');
    const child = spawnChild(process.execPath, [BIN, 'local', 'start', '--port', '0'], { env: { ...process.env, IVSRT_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve();
      }),
    );
    expect(readdirSync(join(home, 'instances'))).toHaveLength(1);
    expect(existsSync(join(home, 'local.json'))).toBe(true);
    child.stdout!.destroy();
    child.stderr!.destroy();
    // Its next line ("SIGTERM: shutting down") is the first write with nobody reading.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readdirSync(join(home, 'instances'))).toEqual([]);
    expect(existsSync(join(home, 'local.json'))).toBe(false);
  });
});

describe.skipIf(!BUILT)('local start --region', () => {
  test('writes the region into ARNs, and refuses one no ARN can carry with one line (252), as --region before the verb too', async () => {
    const emu = await spawnEmulator(['--region', 'eu-west-1']);
    try {
      const created = await runCli(['stage', 'create', '--name', 'mine', '--json'], { endpoint: emu.url, env: { IVSRT_HOME: emu.home, AWS_REGION: 'eu-west-1' } });
      expect(created.json().stage.arn).toMatch(/^arn:aws:ivs:eu-west-1:123456789012:stage\/\w{12}$/);
    } finally {
      await emu.stop();
    }
    // It started, and made ARNs (arn:aws:ivs:Bad Region:...) that the model's patterns refuse, so GetStage failed on them.
    for (const args of [['local', 'start', '--port', '0', '--region', 'Bad Region'], ['--region', 'US_EAST_1', 'local', 'start', '--port', '0']]) {
      const bad = await runCli(args);
      expect(bad.code, args.join(' ')).toBe(252);
      expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --region must be a region name such as us-east-1 \(lower-case letters, digits and -\), got "(Bad Region|US_EAST_1)"$/)]);
    }
  });

  test('--region before the verb names the background emulator\'s region too, as it does the foreground one\'s', async () => {
    // It was dropped on the way to the background process: that emulator wrote us-east-1 into its ARNs.
    const env = { IVSRT_HOME: backgroundHome('region') };
    const started = await runCli(['--region', 'eu-west-1', 'local', 'start', '--background'], { env });
    expect(started.code, started.stderr).toBe(0);
    const status = (await runCli(['local', 'status', '--json'], { env })).json();
    expect(status.region).toBe('eu-west-1');
  });
});
