// The shipped completion scripts, driven by the real shells against the real bin: one static case and
// one live case (resource names from an emulator, reached through --endpoint-url typed on the line)
// per shell. A shell that is not installed is skipped with a note (Debian: apt-get install zsh fish).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runCli, testEnv } from '../helpers/cli.js';
import { startTestEmulator } from '../emulator/helpers.js';
import type { RunningEmulator } from '../../src/emulator/assemble.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = { bash: join(ROOT, 'completions/ivsrt.bash'), zsh: join(ROOT, 'completions/_ivsrt'), fish: join(ROOT, 'completions/ivsrt.fish') };

function installed(shell: string): boolean {
  const found = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
  if (!found) console.warn(`skipping the ${shell} completion tests: ${shell} is not installed (apt-get install -y ${shell})`);
  return found;
}

let emu: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let stageArn: string;

beforeAll(async () => {
  ({ emu } = await startTestEmulator());
  dir = await mkdtemp(join(tmpdir(), 'ivsrt-shells-'));
  // The scripts call `ivsrt` from PATH, as an installed package would provide it.
  await writeFile(join(dir, 'ivsrt'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(join(dir, 'ivsrt'), 0o755);
  env = testEnv({ PATH: `${dir}:${process.env.PATH}`, IVSRT_HOME: join(dir, 'home'), HOME: dir });
  const created = await runCli(['stage', 'create', '--name', 'shells', '--json'], { endpoint: emu.url });
  expect(created.code, created.stderr).toBe(0);
  stageArn = created.json().stage.arn;
});

afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What bash puts in COMP_WORDS: it also breaks words at ':' and '=' (COMP_WORDBREAKS). */
function bashWords(words: string[]): string[] {
  return words.flatMap((w) => (w === '' ? [''] : w.split(/([:=]+)/).filter((part) => part !== '')));
}

function bashComplete(words: string[]): Promise<string[]> {
  const compWords = bashWords(['ivsrt', ...words]);
  const script = [
    `source ${JSON.stringify(SCRIPT.bash)}`,
    'complete -p ivsrt >/dev/null || exit 3',
    `COMP_WORDS=(${compWords.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${compWords.length - 1}`,
    '_ivsrt',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return run('bash', ['--norc', '--noprofile', '-c', script]);
}

function zshComplete(words: string[]): Promise<string[]> {
  // compsys is not running here, so its functions are stubbed to print what the script hands them.
  const script = [
    'compdef() { :; }',
    '_files() { print -r -- "<files>"; }',
    '_describe() { print -rl -- "${(@P)4}"; }',
    `source ${JSON.stringify(SCRIPT.zsh)}`,
    `words=(${words.map((w) => `'${w}'`).join(' ')})`,
    `CURRENT=${words.length}`,
    '_ivsrt',
  ].join('\n');
  return run('zsh', ['-f', '-c', script]);
}

function fishComplete(line: string): Promise<string[]> {
  const script = `source ${JSON.stringify(SCRIPT.fish)}; complete -C ${JSON.stringify(line)}`;
  return run('fish', ['--no-config', '-c', script]);
}

/** Asynchronous on purpose: the emulator runs in this process and must keep answering meanwhile. */
async function run(shell: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const { stdout } = await promisify(execFile)(shell, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return lines(stdout);
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('the shipped scripts are what the bin prints', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    it(shell, async () => {
      const printed = await runCli(['completion', shell]);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toBe(await readFile(SCRIPT[shell], 'utf8'));
    });
  }
});

describe.skipIf(!installed('bash'))('bash', () => {
  it('completes verbs and enum lists (static)', async () => {
    expect(await bashComplete(['stage', ''])).toEqual(expect.arrayContaining(['create', 'get', 'list']));
    expect(await bashComplete(['token', 'sign', '--capabilities', 'publish,'])).toEqual(['publish,subscribe']);
  });

  it('completes stage names and ARNs from the emulator, ARN pieces after a colon (live)', async () => {
    const base = ['--endpoint-url', emu.url, 'stage', 'get'];
    expect(await bashComplete([...base, ''])).toEqual(['shells', stageArn]);
    const typed = stageArn.slice(0, stageArn.lastIndexOf(':') + 3);
    // bash replaces only the text after the last ':', so that is what COMPREPLY must hold.
    expect(await bashComplete([...base, typed])).toEqual([stageArn.slice(stageArn.lastIndexOf(':') + 1)]);
    // Typed up to a colon, readline's word is empty: the reply is everything after that colon.
    const region = 'arn:aws:ivs:us-east-1:';
    expect(await bashComplete([...base, region])).toEqual([stageArn.slice(region.length)]);
  });
});

describe.skipIf(!installed('zsh'))('zsh', () => {
  it('completes nouns with descriptions (static)', async () => {
    expect(await zshComplete(['ivsrt', 'tok'])).toEqual(['token:Create, sign and decode participant tokens']);
    expect(await zshComplete(['ivsrt', 'token', 'sign', '--key', ''])).toEqual(['<files>']);
  });

  it('loads in a bare zsh (zsh -f: no compinit, so no compdef yet) and registers itself', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ivsrt-zsh-home-'));
    try {
      const loaded = await run('zsh', ['-f', '-c', `source ${JSON.stringify(SCRIPT.zsh)} && print -r -- "\${_comps[ivsrt]}"`], { HOME: home, ZDOTDIR: home });
      expect(loaded).toEqual(['_ivsrt']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('completes stage names and ARNs from the emulator, colons escaped (live)', async () => {
    expect(await zshComplete(['ivsrt', '--endpoint-url', emu.url, 'stage', 'get', ''])).toEqual([`shells:${stageArn}`, `${stageArn.replaceAll(':', '\\:')}:shells`]);
  });
});

describe.skipIf(!installed('fish'))('fish', () => {
  it('completes verbs with descriptions (static)', async () => {
    expect(await fishComplete('ivsrt completion ')).toEqual(['bash\tPrint the bash completion script', 'fish\tPrint the fish completion script', 'zsh\tPrint the zsh completion script']);
  });

  it('completes stage names and ARNs from the emulator (live)', async () => {
    expect((await fishComplete(`ivsrt --endpoint-url ${emu.url} stage get `)).sort()).toEqual([`${stageArn}\tshells`, `shells\t${stageArn}`].sort());
  });
});
