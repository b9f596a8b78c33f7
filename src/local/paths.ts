// Where the local emulator keeps its files. IVSRT_HOME (default ~/.ivsrt) is honoured everywhere so
// tests and parallel users can isolate their state.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function ivsrtHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.IVSRT_HOME && env.IVSRT_HOME !== '' ? env.IVSRT_HOME : join(homedir(), '.ivsrt');
}

/** `{pid, url, dataDir, logFile}` of the background emulator. */
export const localStatePath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.json');
export const defaultDataDir = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'data');
export const localLogPath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.log');
/** `{pid, url, dataDir, region, adminSecret, adminSigned}` of the instance listening on `port`, for clients of its /_ivsrt/ routes. */
export const instanceStatePath = (port: string, env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'instances', `${port}.json`);
export const localLockPath = (env?: NodeJS.ProcessEnv): string => join(ivsrtHome(env), 'local.lock');
