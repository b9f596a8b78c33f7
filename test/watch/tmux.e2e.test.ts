// The real `ivsrt watch` in a real terminal (tmux, 100x30): a participant joins and shows up, `d` + `y`
// disconnects it, `q` quits, and the terminal is left as it was (main screen, cursor visible).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, testEnv } from '../helpers/cli.js';
import { screenShowing } from '../helpers/terminal.js';
import { startHarness, type Harness } from './harness.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('tmux.e2e: skipped because tmux is not installed (apt-get install -y tmux)');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `ivsrt-watch-e2e-${process.pid}`;
const SESSION = 'watch';
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', SESSION);

const waitForScreen = (check: (text: string) => boolean, what: string) => screenShowing(screen, check, what);

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(!hasTmux)('ivsrt watch in tmux', () => {
  let h: Harness;
  beforeAll(async () => {
    if (!existsSync(`${ROOT}/dist/cli.cjs`) || !existsSync(`${ROOT}/dist/watch.mjs`)) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
    }
    h = await startHarness();
  });
  afterAll(async () => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
    await h?.close();
  });

  it('shows a joining participant, disconnects it, quits and restores the terminal', async () => {
    const stageArn = await h.createStage('tmux-e2e');
    const env = Object.entries(testEnv({ IVSRT_CACHE_DIR: `${ROOT}/node_modules/.cache/ivsrt-e2e` }))
      .filter(([key]) => /^(AWS_|IVSRT_|PATH$|HOME$|LANG$|LC_)/.test(key))
      .map(([key, value]) => `${key}=${shellQuote(value ?? '')}`);
    const command = `env ${env.join(' ')} TERM=xterm-256color ${shellQuote(process.execPath)} ${shellQuote(BIN)} watch ${stageArn} --endpoint-url ${h.emulator.url} --interval 0.5; echo "EXITED:$?"; sleep 60`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', command);

    await waitForScreen((s) => s.includes('ivsrt watch tmux-e2e') && s.includes('no active session'), 'the watch header');
    expect(tmux('display', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('1');

    await h.admin.join({ stageArn, userId: 'tmux-visitor' });
    const joined = await waitForScreen((s) => /> tmux-visitor .*CONNECTED/.test(s), 'the participant on screen');
    expect(joined).toMatch(/session st-\w+/);

    tmux('send-keys', '-t', SESSION, 'd');
    await waitForScreen((s) => /Disconnect tmux-visitor \(\w+\)\? \[y\/N\]/.test(s), 'the confirmation');
    tmux('send-keys', '-t', SESSION, 'y');
    await waitForScreen((s) => /tmux-visitor .*DISCONNECTED/.test(s) && s.includes('left'), 'the participant leaving');

    tmux('send-keys', '-t', SESSION, 'q');
    const after = await waitForScreen((s) => s.includes('EXITED:'), 'the process to exit');
    expect(after).toContain('EXITED:0');
    expect(tmux('display', '-p', '-t', SESSION, '#{alternate_on}').trim()).toBe('0');
    expect(tmux('display', '-p', '-t', SESSION, '#{cursor_flag}').trim()).toBe('1');
  });
});
