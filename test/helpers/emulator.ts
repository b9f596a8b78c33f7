// Spawns the real emulator (`ivsrt local start --port 0`) as its own process and waits for the line
// that carries its URL. Every end-to-end test talks to it over HTTP on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';

export interface SpawnedEmulator {
  url: string;
  process: ChildProcess;
  home: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnEmulator(extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<SpawnedEmulator> {
  const home = mkdtempSync(join(tmpdir(), 'ivsrt-emu-'));
  const child = spawn(process.execPath, [BIN, 'local', 'start', '--port', '0', ...extraArgs], {
    env: { ...process.env, IVSRT_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    home,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(signal);
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
