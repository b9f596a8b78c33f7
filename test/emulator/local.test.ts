// src/local: the background instance (state file under IVSRT_HOME), the foreground runner, the admin
// client and the crowd simulator.
import * as sdk from '@aws-sdk/client-ivs-realtime';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { AdminClient, AdminError } from '../../src/local/admin-client.js';
import { ensureLocalEmulator, readLocalState, resetLocal, statusLocal, stopLocal } from '../../src/local/background.js';
import { runForeground } from '../../src/local/foreground.js';
import { localStatePath } from '../../src/local/paths.js';
import { simulate, type SimulationStats } from '../../src/local/simulate.js';
import { FakeClock } from '../watch/fake-clock.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';
import { backgroundHome } from '../helpers/children.js';
import { BIN } from '../helpers/cli.js';
import { CREDENTIALS, startTestEmulator } from './helpers.js';

/** An IVSRT_HOME whose background emulator, if the test leaves one running, goes when the test ends. */
const home = (): NodeJS.ProcessEnv => ({ IVSRT_HOME: backgroundHome('home') });

describe('background instance', () => {
  test('ensure starts one instance per IVSRT_HOME, reuses it, resets and stops it', async () => {
    const env = home();
    const command = [process.execPath, BIN, 'local', 'start'];
    expect(await statusLocal({ env })).toEqual({ running: false });
    const [a, b] = await Promise.all([ensureLocalEmulator({ env, command }), ensureLocalEmulator({ env, command })]);
    expect(a).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(b).toBe(a);
    const state = readLocalState(env)!;
    expect(state).toMatchObject({ url: a, dataDir: join(env.IVSRT_HOME!, 'data') });
    expect(statSync(localStatePath(env)).mode & 0o777).toBe(0o600);
    expect(await ensureLocalEmulator({ env, command })).toBe(a);

    const status = await statusLocal({ env });
    expect(status).toMatchObject({ running: true, pid: state.pid, url: a });
    expect(status.status!.dataDir).toBe(state.dataDir);

    const client = new sdk.IVSRealTimeClient({ region: 'us-east-1', endpoint: a, credentials: CREDENTIALS, maxAttempts: 1 });
    await client.send(new sdk.CreateStageCommand({ name: 'before-reset' }));
    await resetLocal({ env });
    expect((await client.send(new sdk.ListStagesCommand({}))).stages).toEqual([]);
    client.destroy();

    expect(await stopLocal({ env })).toEqual({ stopped: true, pid: state.pid });
    expect(existsSync(localStatePath(env))).toBe(false);
    expect(await statusLocal({ env })).toEqual({ running: false });
    expect(await stopLocal({ env })).toEqual({ stopped: false });
    await expect(resetLocal({ env })).rejects.toThrow('not running');
    expect(readFileSync(join(env.IVSRT_HOME!, 'local.log'), 'utf8')).toContain('listening on');
  });

  test('a stale state file (dead pid) is replaced by a new instance', async () => {
    const env = home();
    const command = [process.execPath, BIN, 'local', 'start'];
    const { writeLocalState } = await import('../../src/local/background.js');
    writeLocalState({ pid: 2 ** 22 + 12345, url: 'http://127.0.0.1:1', dataDir: null }, env);
    const url = await ensureLocalEmulator({ env, command });
    expect(url).not.toBe('http://127.0.0.1:1');
    expect((await stopLocal({ env })).stopped).toBe(true);
  });

  test('a start that fails reports the log', async () => {
    const env = home();
    await expect(ensureLocalEmulator({ env, command: [process.execPath, '-e', 'console.error("cannot start: boom"); process.exit(3)', '--'], timeoutMs: 5000 })).rejects.toThrow(/exited with 3[\s\S]*boom/);
  });
});

describe('runForeground', () => {
  test('prints the URL once ready, registers itself, and returns after /_ivsrt/shutdown', async () => {
    const env = home();
    const lines: string[] = [];
    let ready: RunningEmulator | undefined;
    const done = runForeground({ port: 0, register: true, env, onReady: (e) => (ready = e) }, { ready: (info) => lines.push(info.url), err: () => {} });
    while (!ready) await new Promise((r) => setTimeout(r, 10));
    expect(lines).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)]);
    expect(readLocalState(env)).toMatchObject({ pid: process.pid, url: ready.url });
    await new AdminClient(ready.url).shutdown();
    await done;
    expect(readLocalState(env)).toBeUndefined();
  });
});

describe('admin client and simulator', () => {
  test('AdminError carries the type, status and token reason', async () => {
    const { emu, client } = await startTestEmulator();
    try {
      const error = await new AdminClient(emu.url).join({ token: 'a.b.c' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminError);
      expect(error).toMatchObject({ type: 'InvalidTokenException', status: 401, reason: 'malformed' });
    } finally {
      client.destroy();
      await emu.close();
    }
  });

  test('simulate keeps time: each tick is one request, due every tick on the clock, however large the crowd; a stalled tick counts as late', async () => {
    const { emu, client } = await startTestEmulator();
    class CountingAdmin extends AdminClient {
      requests = 0;
      override crowd(request: Parameters<AdminClient['crowd']>[0]) {
        this.requests++;
        return super.crowd(request);
      }
    }
    const admin = new CountingAdmin(emu.url);
    const clock = new FakeClock();
    const TICK = 1000;
    /** Resolves once the simulator waits on the clock again (its next tick is scheduled). */
    const waiting = async () => {
      while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    };
    try {
      const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'paced' }))).stage!.arn!;
      const ticks: SimulationStats[] = [];
      let seed = 7;
      const run = simulate({
        url: emu.url,
        stageArn,
        participants: 1200,
        publishers: 8,
        churn: 0.1,
        tickMs: TICK,
        maxTicks: 6,
        clock,
        admin: async () => admin,
        random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
        onTick: (s) => ticks.push(s),
      });
      await waiting();
      expect(admin.requests).toBe(2); // the crowd joined in batches of 1,000
      for (let tick = 1; tick <= 4; tick++) {
        await clock.advance(TICK);
        await waiting();
        expect(ticks).toHaveLength(tick);
        expect(admin.requests).toBe(2 + tick); // one request a tick: 120 leave, 120 join and subscribe
      }
      expect(ticks.map((s) => [s.connected, s.publishing, s.late, s.errors])).toEqual(Array(4).fill([1200, 8, 0, 0]));
      expect(ticks[3]!.left).toBe(4 * 120);
      // time jumps three ticks while the fifth tick runs (as if it took that long): the sixth starts at
      // once, counted late, instead of the two missed ticks bursting to catch up
      await clock.advance(3 * TICK);
      await waiting();
      await clock.advance(0);
      const stats = await run;
      expect(stats).toMatchObject({ ticks: 6, late: 1, connected: 0 });
      expect(admin.requests).toBe(2 + 6 + 1); // and one request for everyone to leave
      const session = (await client.send(new sdk.ListStageSessionsCommand({ stageArn }))).stageSessions![0]!;
      expect(session.endTime).toBeInstanceOf(Date);
    } finally {
      client.destroy();
      await emu.close();
    }
  });

  test('simulate keeps a crowd churning, then everyone leaves', async () => {
    const { emu, client } = await startTestEmulator();
    try {
      const stageArn = (await client.send(new sdk.CreateStageCommand({ name: 'crowd' }))).stage!.arn!;
      const ticks: number[] = [];
      let seed = 1;
      const stats = await simulate({
        url: emu.url,
        stageArn,
        participants: 8,
        publishers: 2,
        churn: 0.5,
        tickMs: 20,
        maxTicks: 4,
        random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
        onTick: (s) => ticks.push(s.connected),
      });
      expect(ticks).toHaveLength(4);
      expect(ticks.every((n) => n === 8)).toBe(true);
      expect(stats.joined).toBeGreaterThan(8);
      expect(stats.left).toBe(stats.joined);
      expect(stats.errors).toBe(0);
      const stage = (await client.send(new sdk.GetStageCommand({ arn: stageArn }))).stage!;
      expect(stage.activeSessionId).toBeUndefined();
      const session = (await client.send(new sdk.ListStageSessionsCommand({ stageArn }))).stageSessions![0]!;
      const everyone = await client.send(new sdk.ListParticipantsCommand({ stageArn, sessionId: session.sessionId, maxResults: 100 }));
      expect(everyone.participants!.length).toBe(stats.joined);
      expect(everyone.participants!.filter((p) => p.published).length).toBeGreaterThanOrEqual(2);
    } finally {
      client.destroy();
      await emu.close();
    }
  });
});
