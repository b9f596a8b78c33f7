// `ivsrt demo` as written in the README, through the real bin: once against the background emulator it
// starts itself (isolated IVSRT_HOME, no AWS configuration: the zero-config path), once against an
// emulator named with --endpoint-url, reusing the stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { startTestEmulator } from '../emulator/helpers.js';
import { adminHeaders } from '../helpers/emulator.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { backgroundHome, spawnChild } from '../helpers/children.js';

let home: string;
let emu: RunningEmulator;

beforeAll(async () => {
  home = backgroundHome('demo');
  ({ emu } = await startTestEmulator());
});

afterAll(async () => {
  await emu?.close();
});

describe('ivsrt demo', () => {
  it('starts the background emulator, creates the stage and churns participants (no AWS configuration at all)', async () => {
    // No credentials, no region: what a first-time user has.
    const env = { IVSRT_HOME: home, HOME: home, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' };
    const result = await runCli(['demo', '--duration', '3', '--participants', '3', '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    const summary = result.json();
    expect(summary.stage).toMatchObject({ name: 'demo', reused: false });
    expect(summary.participants.joined).toBeGreaterThan(3);
    expect(summary.participants.left).toBe(summary.participants.joined);
    expect(summary.participants.refused).toBe(0);
    expect(result.stderr).toContain('connected');
    expect(result.stderr).toContain('ivsrt local stop');

    // The emulator outlives the demo, and plain commands find it with no flags.
    const stages = await runCli(['stage', 'list', '--json'], { env });
    expect(stages.code, stages.stderr).toBe(0);
    expect(stages.json().stages.map((s: { name: string }) => s.name)).toContain('demo');
  });

  it('reuses the stage and sends home only its own earlier crowd, never participants joined by hand', async () => {
    const env = { IVSRT_ADMIN_SECRET: emu.adminSecret };
    const first = await runCli(['demo', '--duration', '1', '--participants', '2', '--json'], { endpoint: emu.url, env });
    expect(first.code, first.stderr).toBe(0);
    const stageArn = first.json().stage.arn;
    // A demo participant left behind (as after a killed run), and someone who joined by hand.
    for (const userId of ['demo-99', 'by-hand']) {
      await fetch(`${emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ stageArn, userId }) });
    }
    const second = await runCli(['demo', '--duration', '1', '--participants', '2', '--json'], { endpoint: emu.url, env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().stage).toEqual({ arn: stageArn, name: 'demo', reused: true });
    expect(second.stderr).toContain('1 participant(s) from an earlier run left');
    const connected = await runCli(['participant', 'list', stageArn, '--state', 'connected', '--json', '--query', 'participants[].userId'], { endpoint: emu.url, env });
    expect(connected.json(), connected.stderr).toEqual(['by-hand']);
  });

  it('refuses AWS targets and bad sizes before doing anything', async () => {
    const aws = await runCli(['demo', '--region', 'us-west-2', '--no-watch']);
    expect(aws.code).toBe(252);
    expect(aws.stderr).toContain('local emulator only');
    const size = await runCli(['demo', '--participants', '0']);
    expect(size.code).toBe(252);
  });
});

describe('ivsrt demo without --duration', () => {
  it('ends cleanly on Ctrl-C: the crowd leaves and the summary is printed', async () => {
    const child = spawnChild(process.execPath, [BIN, 'demo', '--no-watch', '--participants', '2', '--json', '--endpoint-url', emu.url], { env: testEnv({ IVSRT_ADMIN_SECRET: emu.adminSecret }) });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      // Interrupt once the crowd is on the stage.
      if (/connected/.test(stderr) && !interrupted) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, `${stderr}\n${stdout}`).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.participants.connectedAtEnd).toBe(0);
    expect(summary.participants.left).toBe(summary.participants.joined);
  });
});

describe('the demo over time', () => {
  it('starts a new session every round, so no session (and no watch of it) collects an ever-growing crowd', async () => {
    const { createContext } = await import('../../src/cli/context.js');
    const { runDemo } = await import('../../src/demo/run.js');
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough().resume();
    const io = { stdout: sink, stderr: sink, stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, columns: 80, color: false, colorErr: false };
    const ctx = createContext({ io, env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, globals: { endpointUrl: emu.url } });
    const summary = await runDemo(ctx, { stageName: 'rounds', participants: 4, durationSeconds: 5, roundTicks: 1 });
    expect(summary.participants.left).toBe(summary.participants.joined);
    const sessions = (await ctx.call('ListStageSessions', { stageArn: summary.stage.arn })).stageSessions as { sessionId: string }[];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    for (const { sessionId } of sessions) {
      const { participants } = (await ctx.call('ListParticipants', { stageArn: summary.stage.arn, sessionId, maxResults: 100 })) as { participants: unknown[] };
      // A round is the crowd plus one tick of churn: 4 + round(4 x 0.25).
      expect(participants.length).toBeLessThanOrEqual(5);
    }
  }, 30_000);
});
