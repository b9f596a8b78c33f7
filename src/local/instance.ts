// Each running `ivsrt local start` records itself in <IVSRT_HOME>/instances/<port>.json (mode 0600):
// the one place its admin secret is written, so clients of its /_ivsrt/ routes can find the secret by
// the URL they were given, while logs, the terminal and `ps` never show it.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { instanceStatePath, LocalHomeError, makeHomeDir, readHomeJson } from './paths.js';

export interface InstanceState {
  pid: number;
  url: string;
  dataDir: string | null;
  region: string;
  adminSecret: string;
  /** The admin routes also demand SigV4 (the instance runs with --credentials). */
  adminSigned: boolean;
}

function portOf(url: string): string {
  const parsed = new URL(url);
  return parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
}

/** Whether process `pid` exists (EPERM: it does, as another user's). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state file of the instance at `url`, if it is there and whole; a home that cannot be read throws (LocalHomeError). */
export function readInstanceState(url: string, env?: NodeJS.ProcessEnv): InstanceState | undefined {
  const state = readHomeJson(instanceStatePath(portOf(url), env), env) as Partial<InstanceState> | null | undefined;
  return typeof state?.adminSecret === 'string' && typeof state.pid === 'number' ? (state as InstanceState) : undefined;
}

/**
 * The state file of the instance at `url` as a client of its /_ivsrt/ routes reads it. With IVSRT_ADMIN_SECRET
 * the client needs no file (it is for clients on another IVSRT_HOME, docs/fidelity.md), so a home this user
 * cannot read is no error then: the secret given is used, as it was before homes were checked.
 */
export function instanceStateForClient(url: string, env: NodeJS.ProcessEnv): InstanceState | undefined {
  try {
    return readInstanceState(url, env);
  } catch (error) {
    if (error instanceof LocalHomeError && env.IVSRT_ADMIN_SECRET) return undefined;
    throw error;
  }
}

/** Writes the state file of this instance, and drops those of instances that died without cleaning up. */
export function writeInstanceState(state: InstanceState, env?: NodeJS.ProcessEnv): string {
  const path = instanceStatePath(portOf(state.url), env);
  const dir = dirname(path);
  makeHomeDir(dir, env);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const other = readInstanceState(`http://localhost:${name.slice(0, -'.json'.length)}`, env);
    if (other && !alive(other.pid)) rmSync(join(dir, name), { force: true });
  }
  // Created 0600 (mode applies to a new file only, so an older file is removed first).
  rmSync(path, { force: true });
  writeFileSync(path, JSON.stringify(state, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return path;
}

/** Removes the state file if it still describes process `pid`. */
export function clearInstanceState(url: string, pid: number, env?: NodeJS.ProcessEnv): void {
  if (readInstanceState(url, env)?.pid === pid) rmSync(instanceStatePath(portOf(url), env), { force: true });
}
