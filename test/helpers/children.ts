// Processes a test starts (emulators, `ivsrt publish`, ...) never outlive it. Each is spawned tied to
// this process (src/media/spawn.ts: killed by the kernel if the test worker dies), and whatever is still
// running when the test that started it ends (passed, failed or timed out) is killed; one started outside
// a test (beforeAll, module load) is killed when the file's tests are done. A test stops its children
// itself, as it means to; this is for the paths where it never gets there. The background emulator
// (`--local`, `local start --background`) is started detached, to outlive the command that starts it:
// a test that may start one does so in a backgroundHome(), which stops it the same way.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';
import { readLocalState, stopLocal } from '../../src/local/background.js';
import { spawnTied } from '../../src/media/spawn.js';

const startedOutsideTests = new Set<ChildProcess>();
const homesOutsideTests = new Set<string>();

afterAll(async () => {
  await Promise.all([...startedOutsideTests].map((child) => stopChild(child, 'SIGKILL')));
  startedOutsideTests.clear();
  await Promise.all([...homesOutsideTests].map(removeHome));
  homesOutsideTests.clear();
});

export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawnTied(command, args, options);
  try {
    onTestFinished(() => stopChild(child, 'SIGKILL'));
  } catch {
    // not inside a test: vitest's onTestFinished throws, and the file's afterAll kills it
    startedOutsideTests.add(child);
    child.once('exit', () => startedOutsideTests.delete(child));
  }
  return child;
}

/**
 * A new IVSRT_HOME (its path) for a test that starts the background emulator: the emulator running under
 * it when the test ends, passed, failed or timed out, is stopped (`local stop`, then SIGKILL if it is still
 * there) and the directory removed; one made outside a test goes when the file's tests are done.
 */
export function backgroundHome(purpose: string): string {
  const home = mkdtempSync(join(tmpdir(), `ivsrt-${purpose}-`));
  try {
    onTestFinished(() => removeHome(home));
  } catch {
    homesOutsideTests.add(home);
  }
  return home;
}

async function removeHome(home: string): Promise<void> {
  const env = { IVSRT_HOME: home };
  const pid = readLocalState(env)?.pid;
  await stopLocal({ env }).catch(() => {});
  // (An emulator run in this process, registered as the background one, is not killed with it.)
  if (pid !== undefined && pid !== process.pid && !hasEnded(pid)) process.kill(pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
}

/** How a command run to its end with runToEnd went. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came, interleaved. */
  output: string;
}

/** Runs a command to its end (a spawnChild: killed if its test ends first), collecting what it prints. Rejects if it cannot start. */
export function runToEnd(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '', output: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.on('data', (chunk: Buffer) => {
        out[stream] += chunk.toString();
        out.output += chunk.toString();
      });
    }
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, ...out }));
  });
}

/** Sends `signal` unless the child has already exited, and waits for it to exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** The pids whose parent is `pid` and whose command name is `comm` (from /proc/<pid>/stat). */
export function childPids(pid: number, comm: string): number[] {
  return Number.isInteger(pid) ? procEntries().filter((s) => s.ppid === pid && s.comm === comm).map((s) => s.pid) : [];
}

/** Whether `pid` has ended: no longer in /proc, or a zombie (dead, waiting for whoever adopted it to reap it). */
export function hasEnded(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.state === 'Z';
}

interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
}

function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const close = text.lastIndexOf(')');
  const [state, ppid] = text.slice(close + 2).split(' ');
  return { pid, comm: text.slice(text.indexOf('(') + 1, close), state: state!, ppid: Number(ppid) };
}

function procEntries(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => procStat(Number(name)))
    .filter((s): s is ProcStat => s !== undefined);
}

