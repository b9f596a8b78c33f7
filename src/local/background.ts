// The background emulator that ivsrt commands share: one per IVSRT_HOME, described by local.json.
// ensureLocalEmulator() reuses a live instance or spawns `ivsrt local start` detached, with its output
// in local.log, and waits until it answers.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdminStatus } from '../emulator/http/admin-contract.js';
import { plainAdmin, type AdminFactory } from './admin-client.js';
import { alive } from './instance.js';
import { defaultDataDir, ivsrtHome, localLockPath, localLogPath, localStatePath, makeHomeDir, openHomeFileToAppend, readHomeFile, readHomeJson } from './paths.js';

/**
 * The background emulator did not come up. The CLI reports it as a configuration problem (exit 253: ivsrt
 * cannot reach the endpoint it was told to use); it knows it by name, so this module needs nothing of the CLI.
 */
export class LocalStartError extends Error {
  override name = 'LocalStartError';
}

export interface LocalState {
  pid: number;
  url: string;
  dataDir: string | null;
  logFile?: string;
}

export interface LocalOptions {
  env?: NodeJS.ProcessEnv;
  /** The admin client for an instance's URL: the CLI passes its Context's adminAt; default plainAdmin. */
  admin?: AdminFactory;
}

export interface EnsureOptions extends LocalOptions {
  /** The program and leading arguments that start an emulator; flags are appended. Default: this ivsrt's `local start`. */
  command?: string[];
  /** Extra flags for a newly started instance (e.g. ['--clock-speed', '10']). */
  extraArgs?: string[];
  timeoutMs?: number;
  /** Called once when this call started a new emulator (not when it reused one), with its URL. */
  onStarted?: (url: string) => void;
}

/** What local.json records, if it is there and whole; a home that cannot be read throws (LocalHomeError). */
export function readLocalState(env?: NodeJS.ProcessEnv): LocalState | undefined {
  const state = readHomeJson(localStatePath(env), env) as Partial<LocalState> | null | undefined;
  return typeof state?.pid === 'number' && typeof state.url === 'string' ? (state as LocalState) : undefined;
}

export function writeLocalState(state: LocalState, env?: NodeJS.ProcessEnv): void {
  makeHomeDir(ivsrtHome(env), env);
  writeFileSync(localStatePath(env), JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

/** Removes local.json if it still describes process `pid`. */
export function clearLocalState(pid: number, env?: NodeJS.ProcessEnv): void {
  if (readLocalState(env)?.pid === pid) rmSync(localStatePath(env), { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const adminOf = (options: LocalOptions): AdminFactory => options.admin ?? plainAdmin(options.env);

/** The recorded instance's status if it is alive and answering as that process. */
async function probe(state: LocalState, admin: AdminFactory): Promise<AdminStatus | undefined> {
  if (!alive(state.pid)) return undefined;
  // Outside the try: making the client fails only on the user's own flags (a bad --cli-read-timeout), which
  // must be said, not taken for an emulator that is not there (that would start a second one).
  const client = await admin(state.url);
  try {
    const status = await client.status();
    return status.pid === state.pid ? status : undefined;
  } catch {
    return undefined;
  }
}

/** The `ivsrt` entry point to re-launch: the running CLI itself, else bin/ivsrt.js of this package. */
function defaultCommand(): string[] {
  const running = process.argv[1];
  if (running && /(^|[/\\])ivsrt(\.js)?$/.test(running)) return [process.execPath, running, 'local', 'start'];
  // Bundled as CommonJS, __filename exists; as ESM, import.meta.url does.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  let dir = dirname(here);
  while (!existsSync(join(dir, 'bin', 'ivsrt.js')) && dirname(dir) !== dir) dir = dirname(dir);
  return [process.execPath, join(dir, 'bin', 'ivsrt.js'), 'local', 'start'];
}

/** Serialises concurrent ensureLocalEmulator calls so that only one spawns. */
async function withLock<T>(env: NodeJS.ProcessEnv | undefined, deadline: number, work: () => Promise<T>): Promise<T> {
  const path = localLockPath(env);
  makeHomeDir(dirname(path), env);
  for (;;) {
    try {
      // The lock holds when it was taken, by this process's clock: a file's mtime comes from the kernel's, which
      // a process with a shifted clock (libfaketime, as CI runs the suite) does not share.
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(Date.now()));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock this user cannot read is one line naming IVSRT_HOME (readHomeFile), not a wait until the deadline.
      const held = readHomeFile(path, env);
      try {
        // A holder that died leaves the lock behind; locks older than the start timeout are stale.
        const takenAt = Number(held) || statSync(path).mtimeMs; // empty while its holder writes it
        if (held !== undefined && Date.now() - takenAt > 20_000) rmSync(path, { force: true });
      } catch {
        // removed meanwhile
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
      await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}

/** The URL of the background emulator, starting one if none is running. */
export async function ensureLocalEmulator(options: EnsureOptions = {}): Promise<string> {
  const { env } = options;
  const known = readLocalState(env);
  if (known && (await probe(known, adminOf(options)))) return known.url;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  return withLock(env, deadline, async () => {
    const again = readLocalState(env);
    if (again && (await probe(again, adminOf(options)))) return again.url;
    const dataDir = defaultDataDir(env);
    const logFile = localLogPath(env);
    makeHomeDir(ivsrtHome(env), env);
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    const out = openHomeFileToAppend(logFile, env);
    const [program, ...leading] = options.command ?? defaultCommand();
    const child = spawn(program!, [...leading, '--port', '0', '--data-dir', dataDir, ...(options.extraArgs ?? [])], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...env },
    });
    closeSync(out);
    child.unref();
    const pid = child.pid!;
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    while (Date.now() < deadline) {
      if (exited !== undefined) break;
      const url = /listening on (http:\/\/[^\s]+)/.exec(readTail(logFile, logStart))?.[1];
      if (url) {
        const state: LocalState = { pid, url, dataDir, logFile };
        if (await probe(state, adminOf(options))) {
          writeLocalState(state, env);
          options.onStarted?.(url);
          return url;
        }
      }
      await sleep(50);
    }
    if (exited === undefined) process.kill(pid, 'SIGTERM');
    const tail = readTail(logFile, logStart).trim().split('\n').slice(-5).join('\n');
    throw new LocalStartError(`the local emulator did not start (${exited !== undefined ? `exited with ${exited}` : 'timed out'}); see ${logFile}${tail ? `:\n${tail}` : ''}`);
  });
}

function readTail(path: string, from: number): string {
  try {
    return readFileSync(path).subarray(from).toString('utf8');
  } catch {
    return '';
  }
}

export interface LocalStatus {
  running: boolean;
  pid?: number;
  url?: string;
  dataDir?: string | null;
  logFile?: string;
  status?: AdminStatus;
}

export async function statusLocal(options: LocalOptions = {}): Promise<LocalStatus> {
  const state = readLocalState(options.env);
  if (!state) return { running: false };
  const status = await probe(state, adminOf(options));
  if (!status) return { running: false };
  return { running: true, pid: state.pid, url: state.url, dataDir: state.dataDir, logFile: state.logFile, status };
}

/** An emulator that was named (--endpoint-url, the environment) is not the background one, the only one stopLocal stops. */
export class NotBackgroundError extends Error {
  override name = 'NotBackgroundError';
  constructor(readonly url: string) {
    super(`${url} is not the background emulator`);
  }
}

export interface StopOptions extends LocalOptions {
  timeoutMs?: number;
  /**
   * The emulator the user named: it is stopped only if it is the background one, and anything else is a
   * NotBackgroundError (a foreground one or a test fixture's is not ours to stop, and "none was running"
   * would be wrong about it).
   */
  named?: string;
}

/** Stops the background emulator (gracefully, then by signal to its recorded pid). */
export async function stopLocal(options: StopOptions = {}): Promise<{ stopped: boolean; pid?: number }> {
  const state = readLocalState(options.env);
  if (options.named !== undefined && (state === undefined || new URL(state.url).origin !== new URL(options.named).origin)) throw new NotBackgroundError(options.named);
  if (!state) return { stopped: false };
  if (!(await probe(state, adminOf(options)))) {
    rmSync(localStatePath(options.env), { force: true });
    return { stopped: false };
  }
  await (await adminOf(options)(state.url)).shutdown().catch(() => {});
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (alive(state.pid) && Date.now() < deadline) await sleep(50);
  if (alive(state.pid)) process.kill(state.pid, 'SIGTERM');
  clearLocalState(state.pid, options.env);
  return { stopped: true, pid: state.pid };
}

/** Clears all state of the running background emulator (the signing key stays, so nothing else changes). */
export async function resetLocal(options: LocalOptions = {}): Promise<void> {
  const state = readLocalState(options.env);
  if (!state || !(await probe(state, adminOf(options)))) throw new Error('the local emulator is not running (start it with `ivsrt local start`)');
  await (await adminOf(options)(state.url)).reset();
}
