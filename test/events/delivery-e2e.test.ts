// Delivery end to end: the real bin runs the emulator with --event-* flags, a real HTTP receiver (and a
// real command) started by the test gets the events, the real SDK and admin routes cause them. (Each
// event's shape is test/events/behaviour-e2e.test.ts's subject.)

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/local/admin-client.js';
import { apiClient } from '../helpers/activity.js';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { spawnEmulator, type SpawnedEmulator } from '../helpers/emulator.js';
import { startReceiver, type Receiver } from './receiver.js';
import { spawnChild } from '../helpers/children.js';
import { eventually } from '../helpers/wait.js';

const emulators: SpawnedEmulator[] = [];
const receivers: Receiver[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const e of emulators.splice(0)) await e.stop('SIGKILL');
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function emulator(args: string[]): Promise<SpawnedEmulator> {
  const e = await spawnEmulator(args);
  emulators.push(e);
  return e;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'ivsrt-events-e2e-'));
  dirs.push(d);
  return d;
}

/** A stage, and alice publishing on it (the reply to the admin call comes after the commit). */
async function alicePublishes(e: SpawnedEmulator): Promise<{ stageArn: string; admin: AdminClient; participantId: string }> {
  const { stage } = await apiClient(e.url)('CreateStage', { name: 'events-e2e' });
  const admin = new AdminClient(e.url, { secret: e.adminSecret });
  const joined = await admin.join({ stageArn: stage.arn, userId: 'alice', publish: true });
  return { stageArn: stage.arn, admin, participantId: joined.participant.participantId };
}

const names = (r: Receiver): string[] => r.received.map((x) => x.body.detail.event_name);

describe('delivery end to end (real bin, real receiver)', () => {
  it('kill -9 after the commit and before the delivery: the event is delivered after the restart', async () => {
    const dataDir = scratch();
    const r = await receiver();
    // Every delivery fails until the receiver heals, so the event is committed but not delivered.
    r.answer(...Array<number>(100).fill(503));
    const first = await emulator(['--data-dir', dataDir, '--event-target', r.url]);
    const { stageArn, participantId } = await alicePublishes(first);
    await eventually('a delivery attempt at the receiver', () => (r.requests() > 0 ? true : undefined));
    expect(r.received).toEqual([]);
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));

    r.heal();
    await emulator(['--data-dir', dataDir, '--event-target', r.url]);
    const [got] = await r.waitFor(1);
    expect(got!.body.detail).toMatchObject({ event_name: 'Participant Published', participant_id: participantId });
    expect(got!.body.resources).toEqual([stageArn]);
  });

  it("a target URL's password is the webhook's Basic auth, and is never logged or shown by local status", async () => {
    // The start-up line said `events: delivering to event-target:http://hook:s3cret-pw@127.0.0.1:...`.
    const r = await receiver();
    r.answer(503);
    const target = r.url.replace('http://', 'http://hook:s3cret-pw@');
    const e = await emulator(['--event-target', target]);
    await alicePublishes(e);
    const [got] = await r.waitFor(1);
    expect(got!.headers.authorization).toBe(`Basic ${Buffer.from('hook:s3cret-pw').toString('base64')}`);
    // The first attempt was refused (503): its failure is logged too, before the retry that was answered.
    await eventually('the refused attempt to be logged', (see) => {
      see(e.output().split('\n').slice(-5).join(' / '));
      return /failed \(/.test(e.output()) || undefined;
    });
    const status = await runCli(['local', 'status', '--json'], { endpoint: e.url, env: { IVSRT_HOME: e.home } });
    expect(status.json().events.targets[0].target).toBe(`event-target:${target.replace('s3cret-pw', '***')}`);
    expect(e.output()).toContain(`delivering to event-target:${target.replace('s3cret-pw', '***')}`);
    expect(e.output() + status.stdout + status.stderr).not.toContain('s3cret-pw');
  });

  it('a rules file routes by pattern to a URL and to a command; --event-faults duplicate=1 doubles every delivery', async () => {
    const dir = scratch();
    const r = await receiver();
    const out = join(dir, 'command.ndjson');
    writeFileSync(
      join(dir, 'rules.json'),
      JSON.stringify({
        rules: [
          { name: 'unpublished', pattern: { detail: { event_name: ['Participant Unpublished'] } }, targets: [r.url] },
          { name: 'published', pattern: { detail: { event_name: [{ prefix: 'Participant Pub' }] } }, targets: [{ command: `cat >> '${out}'; echo >> '${out}'`, timeoutSeconds: 5 }] },
        ],
      }),
    );
    const e = await emulator(['--event-rules', join(dir, 'rules.json'), '--event-faults', 'duplicate=1', '--event-seed', '3']);
    const { stageArn, admin, participantId } = await alicePublishes(e);
    await admin.unpublish({ stageArn, participantId });
    await r.waitFor(2);
    expect(names(r)).toEqual(['Participant Unpublished', 'Participant Unpublished']);
    expect(r.received[0]!.body.id).toBe(r.received[1]!.body.id);
    const lines = await eventually(`two events written to ${out}`, (see) => {
      const written = readFileSync(out, { encoding: 'utf8', flag: 'a+' }).trim().split('\n').filter(Boolean);
      see(written);
      return written.length >= 2 ? written : undefined;
    });
    expect(lines.map((line) => JSON.parse(line).detail.event_name)).toEqual(['Participant Published', 'Participant Published']);
  });

  it('events tail shows the emulator history (--since) as NDJSON, and as one line per event on a terminal', async () => {
    const e = await emulator([]);
    const { stageArn } = await alicePublishes(e);
    for (const [extra, check] of [
      [{}, (line: string) => expect(JSON.parse(line)).toMatchObject({ source: 'aws.ivs', resources: [stageArn], detail: { event_name: 'Participant Published' } })],
      [{ IVSRT_FORCE_TTY: '100' }, (line: string) => expect(line).toMatch(/^\d\d:\d\d:\d\d {2}Participant Published +stage\/\S+ {2}.*user_id=alice/)],
    ] as const) {
      const child = spawnChild(process.execPath, [BIN, 'events', 'tail', 'events-e2e', '--since', '1h', '--endpoint-url', e.url], {
        env: testEnv({ IVSRT_HOME: e.home, NO_COLOR: '1', ...extra }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      while (!out.includes('\n')) await new Promise((resolve) => child.stdout!.once('data', resolve));
      child.kill('SIGINT');
      expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
      check(out.split('\n')[0]!);
    }
  });

  it('bad --event-* flags stop the emulator with one line naming the flag (exit 252)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules: [{ pattern: { detail: { event_name: [{ contains: 'x' }] } }, targets: ['http://127.0.0.1:9/'] }] }));
    const cases: [string[], string][] = [
      [['--event-target', 'ftp://example'], '--event-target must be an http:// or https:// URL, got "ftp://example"'],
      [['--event-faults', 'drop=2'], '--event-faults drop must be a probability from 0 to 1, got "2"'],
      [['--event-faults', 'flood=1'], '--event-faults: unknown fault "flood" (use duplicate, reorder, delay, drop)'],
      [['--event-retry', 'attempts=500'], '--event-retry attempts must be an integer from 0 to 185, got "500"'],
      [['--event-rules', join(dir, 'rules.json')], `${join(dir, 'rules.json')}: rules[0].pattern.detail.event_name[0]: unknown operator "contains"`],
      [['--event-rules', join(dir, 'missing.json')], `--event-rules ${join(dir, 'missing.json')}: no such file`],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['local', 'start', '--port', '0', ...args], { env: { IVSRT_HOME: dir } });
      expect(result.code, args.join(' ')).toBe(252);
      expect(result.stderr.trim().split('\n')[0]).toBe(`error: ${message}`);
    }
  });
});
