// Where the local emulator keeps its files. IVSRT_HOME (default ~/.ivsrt) is honoured everywhere so
// tests and parallel users can isolate their state.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../dirs.js';

export function ivsrtHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.IVSRT_HOME && env.IVSRT_HOME !== '' ? env.IVSRT_HOME : join(homedir(), '.ivsrt');
}

/** IVSRT_HOME, or a folder in it, cannot be made: a configuration problem the CLI reports in one line (exit 253). */
export class LocalHomeError extends Error {
  override name = 'LocalHomeError';
}

/** Makes `dir` (IVSRT_HOME or a folder in it) and its missing parents, for this user only; it must be this user's to write. */
export function makeHomeDir(dir: string, env?: NodeJS.ProcessEnv): void {
  try {
    makeDirs(dir, 0o700);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new LocalHomeError(`IVSRT_HOME ${ivsrtHome(env)} cannot be used: ${dir} cannot be made (${code ?? message})`);
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new LocalHomeError(`IVSRT_HOME ${ivsrtHome(env)} cannot be used: ${dir} is not writable (${code ?? message})`);
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
