// `ivsrt demo` as written in the README, through the real bin: once against the background emulator it
// starts itself (isolated IVSRT_HOME, no AWS configuration: the zero-config path), once against an
// emulator named with --endpoint-url, reusing the stage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../emulator/helpers.js';
import { adminHeaders } from '../helpers/emulator.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { stopLocal } from '../../src/local/background.js';

let home: string;
let emu: RunningEmulator;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'ivsrt-demo-'));
  ({ emu } = await startTestEmulator());
});

afterAll(async () => {
  await stopLocal({ env: { IVSRT_HOME: home } });
  await emu?.close();
  await rm(home, { recursive: true, force: true });
});

describe('ivsrt demo', () => {
  it('starts the background emulator, creates the stage and churns participants (no AWS configuration at all)', async () => {
    // No credentials, no region: what a first-time user has.
    const env = { IVSRT_HOME: home, HOME: home, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' };
    const result = await runCli(['demo', '--duration', '3', '--participants', '3', '--json'], { env, timeoutMs: 30_000 });
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

  it('reuses the stage and sends an earlier crowd home', async () => {
    const first = await runCli(['demo', '--duration', '1', '--participants', '2', '--json'], { endpoint: emu.url, env: { IVSRT_ADMIN_SECRET: emu.adminSecret } });
    expect(first.code, first.stderr).toBe(0);
    const stageArn = first.json().stage.arn;
    // A crowd left behind, as after Ctrl-C.
    await fetch(`${emu.url}/_ivsrt/join`, { method: 'POST', headers: adminHeaders(emu.url), body: JSON.stringify({ stageArn, userId: 'left-behind' }) });
    const second = await runCli(['demo', '--duration', '1', '--participants', '2', '--json'], { endpoint: emu.url, env: { IVSRT_ADMIN_SECRET: emu.adminSecret } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().stage).toEqual({ arn: stageArn, name: 'demo', reused: true });
    expect(second.stderr).toContain('1 participant(s) from an earlier run left');
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
    const { spawn } = await import('node:child_process');
    const { BIN, testEnv } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [BIN, 'demo', '--no-watch', '--participants', '2', '--json', '--endpoint-url', emu.url], { env: testEnv({ IVSRT_ADMIN_SECRET: emu.adminSecret }) });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
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
