// Where the local emulator keeps its files. IVSRT_HOME (default ~/.ivsrt) is honoured everywhere so
// tests and parallel users can isolate their state.
import { accessSync, constants, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeDirs, whyRefused } from '../dirs.js';

export function ivsrtHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.IVSRT_HOME && env.IVSRT_HOME !== '' ? env.IVSRT_HOME : join(homedir(), '.ivsrt');
}

/** IVSRT_HOME, or a folder or file in it, cannot be made, written or read: a configuration problem the CLI reports in one line (exit 253). */
export class LocalHomeError extends Error {
  override name = 'LocalHomeError';
}

/** The LocalHomeError for `what` (a folder or file in IVSRT_HOME, and what failed), with the OS's reason in words. */
function homeError(env: NodeJS.ProcessEnv | undefined, what: string, error: unknown): LocalHomeError {
  return new LocalHomeError(`IVSRT_HOME ${ivsrtHome(env)} cannot be used: ${what}: ${whyRefused(error)}`);
}

/** Makes `dir` (IVSRT_HOME or a folder in it) and its missing parents, for this user only; it must be this user's to write. */
export function makeHomeDir(dir: string, env?: NodeJS.ProcessEnv): void {
  try {
    makeDirs(dir, 0o700);
  } catch (error) {
    throw homeError(env, `${dir} cannot be made`, error);
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw homeError(env, `${dir} is not writable`, error);
  }
}

/** The text of a file in IVSRT_HOME, or undefined if there is none; one that cannot be read is a LocalHomeError. */
export function readHomeFile(path: string, env?: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw homeError(env, `${path} cannot be read`, error);
  }
}

/** The JSON in a file of IVSRT_HOME: undefined if there is none or it is not whole JSON; one that cannot be read is a LocalHomeError. */
export function readHomeJson(path: string, env?: NodeJS.ProcessEnv): unknown {
  const text = readHomeFile(path, env);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** A file in IVSRT_HOME opened to append to, made for this user only; one that cannot be written is a LocalHomeError. */
export function openHomeFileToAppend(path: string, env?: NodeJS.ProcessEnv): number {
  try {
    return openSync(path, 'a', 0o600);
  } catch (error) {
    throw homeError(env, `${path} cannot be written`, error);
  }
}

/** `{pid, url, dataDir, logFile}` of the background emulator. */
export const localStatePath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.json');
export const defaultDataDir = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'data');
export const localLogPath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.log');
/** Where each running instance records itself (its admin secret). */
export const instancesDir = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'instances');
/** `{pid, url, dataDir, region, adminSecret, adminSigned}` of the instance listening on `port`, for clients of its /_ivsrt/ routes. */
export const instanceStatePath = (port: string, env?: NodeJS.ProcessEnv): string => join(instancesDir(env), `${port}.json`);
export const localLockPath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.lock');
