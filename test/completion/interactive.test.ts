// Real interactive shells in tmux, a user pressing Tab: bash's readline (which splits ARNs at ':') and
// zsh's compsys (which needs the ':' escaped). shells.test.ts drives the scripts' functions directly;
// this proves the same scripts work when the shells themselves call them. Skipped without tmux.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { screenShowing } from '../helpers/terminal.js';
import { startTestEmulator } from '../emulator/helpers.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';

const ROOT = join(import.meta.dirname, '..', '..');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const exec = promisify(execFile);
const server = `ivsrt-complete-${process.pid}`;

let emu: RunningEmulator;
let dir: string;
let stageArn: string;

const tmux = (...args: string[]) => exec('tmux', ['-L', server, ...args]);
const screen = async (name: string) => (await tmux('capture-pane', '-p', '-t', name)).stdout;

const waitFor = (name: string, pattern: RegExp, what: string) => screenShowing(() => screen(name), pattern, what);

beforeAll(async () => {
  if (!has('tmux')) {
    console.warn('skipping the interactive completion tests: tmux is not installed (apt-get install -y tmux)');
    return;
  }
  ({ emu } = await startTestEmulator());
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-interactive-'));
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin', 'ivsrt'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(join(dir, 'bin', 'ivsrt'), 0o755);
  const created = await runCli(['stage', 'create', '--name', 'tabbed', '--json'], { endpoint: emu.url });
  expect(created.code, created.stderr).toBe(0);
  stageArn = created.json().stage.arn;
});

afterAll(async () => {
  await tmux('kill-server').catch(() => undefined);
  await emu?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startShell(name: string, command: string): Promise<void> {
  const env = testEnv({ PATH: `${join(dir, 'bin')}:${process.env.PATH}`, IVSRT_HOME: join(dir, 'home'), HOME: dir, ZDOTDIR: dir, PS1: '$ ' });
  // tmux runs the command without a shell, so `env -i NAME=value ...` takes the values as they are.
  const exports = Object.entries(env).map(([k, v]) => `${k}=${v ?? ''}`);
  await tmux('new-session', '-d', '-s', name, '-x', '200', '-y', '20', 'env', '-i', ...exports, ...command.split(' '));
}

describe.skipIf(!has('tmux') || !has('bash'))('interactive bash', () => {
  it('completes a stage ARN typed up to a colon, as readline splits it', async () => {
    await writeFile(join(dir, 'bashrc'), `PS1='$ '\nsource ${JSON.stringify(join(ROOT, 'completions/ivsrt.bash'))}\n`);
    await startShell('bash', `bash --noprofile --rcfile ${join(dir, 'bashrc')} -i`);
    await waitFor('bash', /^\$/m, 'the bash prompt');
    await tmux('send-keys', '-t', 'bash', `ivsrt --endpoint-url ${emu.url} stage get arn:aws:ivs:us-east-1:`, 'Tab');
    const text = await waitFor('bash', new RegExp(`stage get ${stageArn.replace(/[/]/g, '\\/')} ?$`, 'm'), 'the completed ARN');
    expect(text).toContain(`stage get ${stageArn}`);
  });
});

describe.skipIf(!has('tmux') || !has('zsh'))('interactive zsh', () => {
  it('completes a stage name through compsys', async () => {
    await writeFile(join(dir, '.zshrc'), `PS1='$ '\nfpath=(${JSON.stringify(join(ROOT, 'completions'))} $fpath)\nautoload -U compinit && compinit -u\n`);
    await startShell('zsh', 'zsh -i');
    await waitFor('zsh', /^\$/m, 'the zsh prompt');
    await tmux('send-keys', '-t', 'zsh', `ivsrt --endpoint-url ${emu.url} stage get tab`, 'Tab');
    const text = await waitFor('zsh', /stage get tabbed ?$/m, 'the completed name');
    expect(text).toContain('stage get tabbed');
  });
});
