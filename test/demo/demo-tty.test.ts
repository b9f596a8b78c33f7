// `ivsrt demo` on a real terminal (tmux): the watch view opens on the demo stage with the crowd in it,
// and q ends the demo cleanly with its summary. Skipped where tmux is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, testEnv } from '../helpers/cli.js';
import { screenShowing } from '../helpers/terminal.js';
import { startTestEmulator } from '../emulator/helpers.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';

const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;
if (!hasTmux) console.warn('skipping the demo terminal test: tmux is not installed (apt-get install -y tmux)');

const exec = promisify(execFile);
const session = `ivsrt-demo-${process.pid}`;
let emu: RunningEmulator;
let dir: string;

const screen = async () => (await exec('tmux', ['capture-pane', '-p', '-t', session])).stdout;

const waitFor = (pattern: RegExp, what: string) => screenShowing(screen, pattern, what);

beforeAll(async () => {
  if (!hasTmux) return;
  ({ emu } = await startTestEmulator());
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-demo-tty-'));
});

afterAll(async () => {
  if (!hasTmux) return;
  await exec('tmux', ['kill-session', '-t', session]).catch(() => undefined);
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)('ivsrt demo on a terminal', () => {
  it('opens the watch view on the demo stage; q ends it and the crowd leaves', async () => {
    const env = testEnv({ IVSRT_HOME: join(dir, 'home'), IVSRT_ADMIN_SECRET: emu.adminSecret });
    const exports = Object.entries(env).map(([k, v]) => `export ${k}=${JSON.stringify(v ?? '')}`).join('\n');
    const script = join(dir, 'demo.sh');
    await writeFile(script, `${exports}\n"${process.execPath}" "${BIN}" demo --participants 3 --endpoint-url ${emu.url}\necho "EXIT=$?"\nsleep 60\n`);
    await exec('tmux', ['new-session', '-d', '-s', session, '-x', '150', '-y', '40', `sh ${script}`]);
    await waitFor(/Participants \(3 connected/, 'the watch view with 3 connected participants');
    expect(await screen()).toMatch(/ivsrt watch demo · endpoint http:\/\/127\.0\.0\.1:\d+ arn:aws:ivs:/);
    await exec('tmux', ['send-keys', '-t', session, 'q']);
    await waitFor(/EXIT=/, 'the demo to end');
    const out = await screen();
    expect(out).toContain('EXIT=0');
    expect(out).toMatch(/connectedAtEnd\s+0/);
    expect(emu.emulator.store.stages.size).toBe(1);
  }, 30_000);
});
