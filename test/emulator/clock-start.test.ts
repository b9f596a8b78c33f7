// The emulator's clock started at a given instant (`ivsrt local start --clock-start`, `startEmulator({ clock:
// { start } })`): what the emulator writes follows it, whatever today's date; a data dir keeps it, so a restart
// goes on from it; a bad value is one line naming the flag and the rule.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseClockStart } from '../../src/emulator/state/clock.js';
import { startEmulator } from '../../src/fixture/index.js';
import { runCli } from '../helpers/cli.js';
import { spawnEmulator } from '../helpers/emulator.js';
import { scratchDir } from '../helpers/scratch.js';

const BUILT = existsSync(new URL('../../dist/cli.cjs', import.meta.url));
if (!BUILT) console.warn('clock-start: skipping the CLI tests: dist/cli.cjs is missing (run `npm run build`)');

/** Far from any date this suite runs on, so a time that followed the wall clock could not match. */
const START = '2031-03-04T05:06:07Z';
const START_MS = Date.parse(START);

describe('parseClockStart', () => {
  test('takes an ISO 8601 time with a zone, or a date (midnight UTC)', () => {
    expect(parseClockStart(START)).toBe(START_MS);
    expect(parseClockStart('2031-03-04T07:06:07.5+02:00')).toBe(START_MS + 500);
    expect(parseClockStart('2031-03-04t05:06:07z')).toBe(START_MS);
    expect(parseClockStart('2031-03-04T05:06Z')).toBe(START_MS - 7_000);
    expect(parseClockStart('2031-03-04')).toBe(Date.parse('2031-03-04T00:00:00Z'));
  });

  test.each([
    ['tomorrow', /must be an ISO 8601 time with a zone/],
    ['2031-03-04T05:06:07', /must be an ISO 8601 time with a zone/], // no zone: each machine would read it differently
    ['1798000000000', /must be an ISO 8601 time with a zone/],
    ['2031-02-30T00:00:00Z', /is not a real date and time/], // Date.parse alone would roll it over to March 2nd
    ['2031-03-04T24:00:00Z', /is not a real date and time/],
    ['1969-12-31T23:59:59Z', /must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z/],
  ])('refuses %s, saying why', (text, reason) => {
    const result = parseClockStart(text);
    expect(result).toEqual({ error: expect.stringMatching(reason) });
  });
});

describe('startEmulator({ clock: { start } })', () => {
  test('resource times, token expiry and event times follow the clock, not the calendar', async () => {
    await using emu = await startEmulator({ clock: { start: START, frozen: true } });
    expect(emu.clock.now().toISOString()).toBe('2031-03-04T05:06:07.000Z');
    const client = emu.client();
    const { stage, participantTokens } = await client.send(new sdk.CreateStageCommand({ name: 'dated', participantTokenConfigurations: [{ userId: 'u', duration: 60 }] }));
    expect(participantTokens![0]!.expirationTime).toEqual(new Date('2031-03-04T06:06:07Z'));
    await emu.clock.advance(30);
    const joined = await emu.join(participantTokens![0]!.token!, { publish: true });
    const { stageSession } = await client.send(new sdk.GetStageSessionCommand({ stageArn: stage!.arn, sessionId: joined.sessionId }));
    expect(stageSession!.startTime).toEqual(new Date('2031-03-04T05:06:37Z'));
    const { events } = await client.send(new sdk.ListParticipantEventsCommand({ stageArn: stage!.arn, sessionId: joined.sessionId, participantId: joined.participantId }));
    expect(events!.map((e) => [e.name, e.eventTime!.toISOString()])).toEqual([
      ['PUBLISH_STARTED', '2031-03-04T05:06:37.000Z'],
      ['JOINED', '2031-03-04T05:06:37.000Z'],
    ]);
    const delivered = emu.events.list();
    expect(delivered.map((e) => e.detail.event_name)).toContain('Participant Published');
    expect(new Set(delivered.map((e) => e.time))).toEqual(new Set(['2031-03-04T05:06:37Z']));
    client.destroy();
  });

  test('takes a Date too; a bad start is refused naming clock.start', async () => {
    await using emu = await startEmulator({ clock: { start: new Date(START_MS), frozen: true } });
    expect(emu.clock.now().getTime()).toBe(START_MS);
    await expect(startEmulator({ clock: { start: '2031-03-04 05:06' } })).rejects.toThrow(/^clock\.start must be an ISO 8601 time with a zone/);
    await expect(startEmulator({ clock: { start: new Date(Number.NaN) } })).rejects.toThrow('clock.start is an invalid Date');
  });

  test('a data dir keeps the clock: a restart without a start goes on from where it stood', async () => {
    const dataDir = join(scratchDir('clock-start'), 'data');
    {
      await using emu = await startEmulator({ dataDir, clock: { start: START } });
      await emu.clock.advance(600);
      expect(emu.clock.now().getTime() - START_MS).toBeGreaterThanOrEqual(600_000);
    }
    {
      await using emu = await startEmulator({ dataDir });
      // As it stood, plus the real time the restart took (far less than an hour on any machine).
      expect(emu.clock.now().getTime() - START_MS).toBeGreaterThanOrEqual(600_000);
      expect(emu.clock.now().getTime() - START_MS).toBeLessThan(600_000 + 3_600_000);
    }
    {
      // A start given again sets it anew.
      await using emu = await startEmulator({ dataDir, clock: { start: '2040-01-01T00:00:00Z', frozen: true } });
      expect(emu.clock.now().toISOString()).toBe('2040-01-01T00:00:00.000Z');
    }
  });
});

describe.skipIf(!BUILT)('ivsrt local start --clock-start', () => {
  test('starts the clock at that instant: `local clock` and the API show it', async () => {
    const emu = await spawnEmulator(['--clock-start', START]);
    try {
      const env = { IVSRT_HOME: emu.home };
      const clock = await runCli(['local', 'clock', '--json'], { endpoint: emu.url, env });
      expect(clock.code, clock.stderr).toBe(0);
      const now = Date.parse(clock.json().now);
      expect(now - START_MS).toBeGreaterThanOrEqual(0);
      expect(now - START_MS).toBeLessThan(3_600_000);
      expect((await runCli(['stage', 'create', '--name', 'dated'], { endpoint: emu.url, env })).code).toBe(0);
      expect((await runCli(['local', 'join', '--stage', 'dated'], { endpoint: emu.url, env })).code).toBe(0);
      const sessions = await runCli(['session', 'list', 'dated', '--json'], { endpoint: emu.url, env });
      expect(sessions.code, sessions.stderr).toBe(0);
      const started = Date.parse(sessions.json().stageSessions[0].startTime);
      expect(started - START_MS).toBeGreaterThanOrEqual(0);
      expect(started).toBeLessThanOrEqual(Date.parse((await runCli(['local', 'clock', '--json'], { endpoint: emu.url, env })).json().now));
    } finally {
      await emu.stop();
    }
  });

  test('token decode judges an emulator token by the emulator\'s clock, not this machine\'s', async () => {
    const emu = await spawnEmulator(['--clock-start', START, '--clock-frozen']);
    try {
      const env = { IVSRT_HOME: emu.home };
      expect((await runCli(['stage', 'create', '--name', 'tokens'], { endpoint: emu.url, env })).code).toBe(0);
      const token = (await runCli(['token', 'create', 'tokens', '--duration', '60', '--query', 'participantToken.token'], { endpoint: emu.url, env })).stdout.trim();
      // Issued at START for an hour: by the wall clock it expired years ago (or has years left); by the emulator's, an hour.
      const fresh = await runCli(['token', 'decode', token, '--json'], { env });
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(fresh.json()).toMatchObject({ expired: false, secondsLeft: 3600, clock: 'emulator', judgedAt: '2031-03-04T05:06:07.000Z' });
      expect((await runCli(['local', 'clock', '--advance', '3601'], { endpoint: emu.url, env })).code).toBe(0);
      const stale = await runCli(['token', 'decode', token, '--json'], { env });
      expect(stale.json()).toMatchObject({ expired: true, secondsLeft: -1, clock: 'emulator' });
      expect(stale.stderr).toContain('warning: this token expired');
    } finally {
      await emu.stop();
    }
  });

  test.each([
    ['next tuesday', '--clock-start must be an ISO 8601 time with a zone, e.g. 2030-01-01T00:00:00Z (or a date, 2030-01-01), got "next tuesday"'],
    ['2031-02-30T00:00:00Z', '--clock-start is not a real date and time: "2031-02-30T00:00:00Z"'],
  ])('refuses %s in one line naming the flag and the rule (exit 252)', async (value, line) => {
    const bad = await runCli(['local', 'start', '--port', '0', '--clock-start', value]);
    expect(bad.code).toBe(252);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringContaining(line)]);
  });
});
