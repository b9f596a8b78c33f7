// Spawns the real emulator (`ivsrt local start --port 0`) as its own process and waits for the line
// that carries its URL. Every end-to-end test talks to it over HTTP on 127.0.0.1.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_SECRET_HEADER, inProcessSecret } from '../../src/emulator/http/admin-secret.js';
import { readInstanceState } from '../../src/local/instance.js';
import { spawnChild, stopChild } from './children.js';
import { BIN } from './cli.js';

export interface SpawnedEmulator {
  url: string;
  process: ChildProcess;
  home: string;
  /** Its /_ivsrt/ routes' secret, from its state file. */
  adminSecret: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnEmulator(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<SpawnedEmulator> {
  const home = mkdtempSync(join(tmpdir(), 'ivsrt-emu-'));
  const child = spawnChild(process.execPath, [BIN, 'local', 'start', '--port', '0', ...extraArgs], {
    env: { ...process.env, IVSRT_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 15 s:\n${output}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The ready line (stdout) comes once the instance's state file is written.
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      ready += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(ready);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}:\n${output}`));
    });
  });
  const adminSecret = readInstanceState(url, { IVSRT_HOME: home })!.adminSecret;
  spawnedSecrets.set(url, adminSecret);
  return {
    url,
    process: child,
    home,
    adminSecret,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await stopChild(child, signal);
      spawnedSecrets.delete(url);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const spawnedSecrets = new Map<string, string>();

/** Headers for a raw JSON request to an emulator's /_ivsrt/ routes, in this process or spawned by spawnEmulator. */
export function adminHeaders(url: string): Record<string, string> {
  const secret = inProcessSecret(url) ?? spawnedSecrets.get(url);
  if (secret === undefined) throw new Error(`no admin secret known for ${url}`);
  return { 'content-type': 'application/json', [ADMIN_SECRET_HEADER]: secret };
}
