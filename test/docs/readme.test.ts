// The docs are a test: every fenced `sh`, `bash` or `console` block of README.md and docs/*.md runs, in
// order and as written, the way a new user would type it: a fresh HOME (no AWS configuration, so the
// embedded emulator starts in the background on first use), IVSRT_HOME unset, a fresh working directory,
// and `ivsrt` on PATH pointing at this repository's bin/ivsrt.js. The guides a reader goes through in one
// sitting (README.md, then docs/testing.md, then docs/events.md) run in that order in one shell: one HOME,
// one background emulator, the variables of one block there in the next, so their examples must not
// collide (two stages of one name, say). Every other document gets a HOME of its own. In a `console`
// block only the `$ ` lines run.
//
// A block that cannot run as written is marked on the line directly before its fence:
//   <!-- not-run: the reason -->
// and shows up here as skipped, with the reason in its name.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** A block that takes longer than this is stuck (a foreground server, a prompt, a view waiting for `q`). */
const BLOCK_TIMEOUT_MS = 60_000;
const RUNNABLE = new Set(['sh', 'bash', 'console']);
const NOT_RUN = /^<!--\s*not-run:\s*(.+?)\s*-->\s*$/;

interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  script: string;
  notRun?: string;
}

/** The fenced blocks of a Markdown text whose info string is sh, bash or console, with their marks. */
function shellBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l));
    if (RUNNABLE.has(info!.toLowerCase())) {
      const script = info === 'console' ? body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)) : body;
      const mark = NOT_RUN.exec((lines[i - 1] ?? '').trim());
      blocks.push({ file, line: i + 1, info: info!, script: script.join('\n'), notRun: mark?.[1] });
    }
    i = end;
  }
  return blocks;
}

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
/** Read one after another in one sitting, so they run in one shell, in this order. */
const ONE_SITTING = ['README.md', 'docs/testing.md', 'docs/events.md'];
const SITTINGS = [ONE_SITTING, ...DOCS.filter((file) => !ONE_SITTING.includes(file)).map((file) => [file])];

/** The environment of a new user: the machine's PATH and locale, nothing of AWS or ivsrt. */
function freshEnv(home: string, bin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|IVSRT_|npm_|NODE_OPTIONS$|NO_COLOR$|FORCE_COLOR$|VITEST|TEST$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, HOME: home, PATH: `${bin}:${process.env.PATH ?? ''}` };
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Programs outside Node that examples call; a block using one that is missing is skipped, saying so. */
const OPTIONAL_TOOLS = ['aws', 'jq', 'zsh', 'fish'];

function missingTool(script: string): string | undefined {
  return OPTIONAL_TOOLS.find((tool) => new RegExp(`(^|[|;&(]\\s*|\\$\\(\\s*|\\bexec\\s+)${tool}\\s`, 'm').test(script) && !have(tool));
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * A reader types a document's blocks into one shell, so a variable set in one block is there in the next.
 * Each block runs in its own bash (so a failure is pinned to its block), sourcing the variables the
 * earlier ones left and saving its own on exit; the names a bare bash has anyway are not carried.
 */
function withCarriedVariables(script: string, stateFile: string, own: string): string {
  return [
    `[ -f ${stateFile} ] && source ${stateFile}`,
    // (With no names, declare -p would print every variable, read-only ones included.)
    `trap 'names=$(compgen -v | grep -vxE "${own}|names" || true); if [ -n "$names" ]; then declare -p $names > ${stateFile} 2>/dev/null; fi' EXIT`,
    script,
  ].join('\n');
}

/** The variables a bash started with `env` has before a reader types anything: not worth carrying. */
function bashOwnVariables(env: NodeJS.ProcessEnv): string {
  const names = spawnSync('bash', ['--noprofile', '--norc', '-c', 'compgen -v'], { encoding: 'utf8', env }).stdout.split('\n').filter(Boolean);
  return [...names, 'BASH_.*', 'COMP_.*', 'PIPESTATUS', 'FUNCNAME'].join('|');
}

/** Runs a block with bash, stopping at the first failing command (as a reader would). */
function runBlock(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function tail(text: string, lines = 15): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['...', ...all.slice(-lines)] : all).join('\n');
}

function failure(block: Block, ran: Ran): string {
  const why = ran.timedOut ? `did not finish within ${BLOCK_TIMEOUT_MS / 1000} s (something waits for input or runs forever)` : `exited ${ran.code ?? ran.signal}`;
  return [
    `${block.file}:${block.line}: this ${block.info} block ${why} when run as written on a fresh HOME with the local emulator.`,
    'Fix the example, or, if it truly cannot run as written, put <!-- not-run: the reason --> on the line before its fence.',
    '--- block ---',
    block.script,
    '--- stdout (end) ---',
    tail(ran.stdout),
    '--- stderr (end) ---',
    tail(ran.stderr),
  ].join('\n');
}

for (const sitting of SITTINGS) {
  const blocks = sitting.flatMap((file) => shellBlocks(file, readFileSync(join(ROOT, file), 'utf8')));
  if (!blocks.length) continue;

  describe(`${sitting.join(', then ')} ${sitting.length > 1 ? 'run as written, in one shell' : 'runs as written'}`, () => {
    let home: string;
    let cwd: string;
    let env: NodeJS.ProcessEnv;
    let own: string;

    beforeAll(() => {
      home = scratchDir('docs-home');
      cwd = join(home, 'work');
      const bin = join(home, 'bin');
      mkdirSync(cwd);
      mkdirSync(bin);
      symlinkSync(BIN, join(bin, 'ivsrt'));
      env = freshEnv(home, bin);
      own = bashOwnVariables(env);
    });

    afterAll(async () => {
      // The examples leave the background emulator running, as they would for a user; this run stops its own.
      if (env) await runBlock('ivsrt local stop >/dev/null 2>&1 || true', cwd, env);
    });

    // Blocks skipped for the same reason are listed once (the command reference marks every example block).
    const skipped = new Map<string, string[]>();
    for (const block of blocks) if (block.notRun) skipped.set(block.notRun, [...(skipped.get(block.notRun) ?? []), `${block.file}:${block.line}`]);
    for (const [reason, places] of skipped) it.skip(`${places.length > 3 ? `${places[0]} and ${places.length - 1} more blocks` : places.join(', ')} (not-run: ${reason})`, () => {});

    for (const block of blocks) {
      const title = `${block.file}:${block.line}`;
      if (block.notRun) continue;
      const missing = missingTool(block.script);
      if (missing) {
        it.skip(`${title} (skipped: ${missing} is not installed here)`, () => {});
        continue;
      }
      it(title, async () => {
        const ran = await runBlock(withCarriedVariables(block.script, join(home, 'shell-variables'), own), cwd, env);
        expect(ran.code === 0 && !ran.timedOut, failure(block, ran)).toBe(true);
        // The AWS SDK's Node version warning (and any other runtime warning) never reaches a reader.
        expect(ran.stderr, `${title}: a runtime warning on stderr`).not.toMatch(/Warning:|DeprecationWarning|NodeVersionSupportWarning/);
      }, BLOCK_TIMEOUT_MS + 10_000);
    }
  });
}

/** `<kind> create ... --name NAME` in a script: the resources it creates by name, as `kind name`. */
function createdNames(script: string): string[] {
  // Anywhere on a line, `$(...)` included; up to the end of that command (a pipe, `;`, `&`, `)` or a comment).
  const create = /\bivsrt\s+([\w-]+)\s+create\b[^|;&)#\n]*?\s--name[\s=]+['"]?([^\s'")]+)/g;
  return [...script.matchAll(create)].map(([, kind, name]) => `${kind} ${name}`);
}

describe('the guides read in one sitting', () => {
  it(`create no two resources of one kind and name (${ONE_SITTING.join(', ')}), so no later name matches two`, () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const block of ONE_SITTING.flatMap((file) => shellBlocks(file, readFileSync(join(ROOT, file), 'utf8')))) {
      for (const name of createdNames(block.script)) {
        const first = seen.get(name);
        if (first) clashes.push(`${name}: created at ${first} and again at ${block.file}:${block.line}`);
        else seen.set(name, `${block.file}:${block.line}`);
      }
    }
    expect(clashes).toEqual([]);
    expect(seen.size).toBeGreaterThan(3);
  });

  it('never install ivsrt from the npm registry, where it is not published (the name could be anyone\'s)', () => {
    const fromRegistry = /\bnpm\s+(?:install|i|add)\b(?:\s+-\S+)*\s+ivsrt(?:@\S*)?(?=\s|$)/;
    const offending = DOCS.flatMap((file) => shellBlocks(file, readFileSync(join(ROOT, file), 'utf8'))).filter((block) => fromRegistry.test(block.script));
    expect(offending.map((block) => `${block.file}:${block.line}`)).toEqual([]);
    expect(fromRegistry.test('npm install --save-dev ivsrt')).toBe(true);
    expect(fromRegistry.test('npm install --save-dev ../ivsrt/ivsrt-0.1.0.tgz')).toBe(false);
  });

  it('finds what a block creates by name', () => {
    expect(createdNames("ivsrt stage create --name studio   # a stage\narn=$(ivsrt stage create --name town-hall --query stage.arn)\n# eve's\nivsrt stage get studio")).toEqual(['stage studio', 'stage town-hall']);
  });
});

describe('the docs convention', () => {
  it('finds blocks, their not-run marks and the commands of a console block', () => {
    const text = ['```sh', 'ivsrt stage list', '```', '<!-- not-run: needs a real channel -->', '```bash', 'ivsrt x', '```', '```console', '$ ivsrt local status', 'running  yes', '```', '```ts', 'no()', '```'].join('\n');
    const blocks = shellBlocks('x.md', text);
    expect(blocks.map((b) => [b.line, b.info, b.script, b.notRun])).toEqual([
      [1, 'sh', 'ivsrt stage list', undefined],
      [5, 'bash', 'ivsrt x', 'needs a real channel'],
      [8, 'console', 'ivsrt local status', undefined],
    ]);
  });

  it('every not-run mark sits directly before a shell block (a mark anywhere else is a typo that runs nothing)', () => {
    for (const file of DOCS) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (!/^\s*<!--\s*not-run/.test(line)) return; // a mark is a line of its own; prose may mention one
        expect(NOT_RUN.test(line.trim()), `${file}:${i + 1}: write it as <!-- not-run: the reason -->`).toBe(true);
        const next = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i + 1] ?? '');
        expect(next && RUNNABLE.has(next[2]!.toLowerCase()), `${file}:${i + 1}: a not-run mark must be directly before a sh, bash or console fence`).toBe(true);
      });
    }
  });
});

/** The words of the `ivsrt ...` command in an example line: quotes removed, up to a pipe, redirection or comment. */
function ivsrtWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      // A quote closed on a later line (or an apostrophe in a comment): the rest of the line is one word.
      word = (word ?? '') + line.slice(i + 1, end < 0 ? undefined : end);
      if (end < 0) break;
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('|;&<>#()'.includes(c) && (word === undefined || c === ')')) {
      if (word !== undefined) words.push(word);
      word = undefined;
      if (words[0] === 'ivsrt') break;
      words.length = 0; // a command before a pipe or inside <(...): start over
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words[0] === 'ivsrt' ? words.slice(1) : undefined;
}

describe('the command reference examples parse', () => {
  it('every example of every command names a real verb with flags and values it accepts', async () => {
    const { Command, CommanderError } = await import('commander');
    const { COMMANDS } = await import('../../commands/index.js');
    const { addGlobalOptions } = await import('../../src/cli/program.js');
    const { configureVerb } = await import('../../src/cli/configure.js');
    const failures: string[] = [];
    let checked = 0;
    for (const entry of COMMANDS) {
      const { verb } = await entry.load();
      for (const example of verb.examples) {
        const words = ivsrtWords(example.command);
        if (!words) {
          failures.push(`${example.command}: not an ivsrt command`);
          continue;
        }
        const program = new Command('ivsrt').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
        addGlobalOptions(program);
        const parent = entry.path.length === 2 ? program.command(entry.path[0]!) : program;
        const command = parent.command(entry.path.at(-1)!);
        configureVerb(command, verb);
        for (const c of [parent, command]) c.exitOverride().configureOutput(program.configureOutput());
        command.action(() => {});
        try {
          await program.parseAsync(words, { from: 'user' });
          checked++;
        } catch (error) {
          // An example may read a file the reader has (--input stage.json): what matters is that the flag exists.
          if (/could not be read: no such file/.test((error as Error).message)) continue;
          failures.push(`${example.command}: ${error instanceof CommanderError || error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    expect(failures, 'examples in `--help` and docs/commands.md that fail before sending anything').toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });
});
