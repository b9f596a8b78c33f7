// The emulator as a separate process, for tests that must kill it or start it in the background:
// src/emulator/main.ts bundled with esbuild into a temporary file (once per test file).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

export function bundleEmulator(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'ivsrt-emu-')), 'emulator.mjs');
    await build({ entryPoints: ['src/emulator/main.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
    return outfile;
  })();
  return bundled;
}

export interface EmulatorProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the bundled emulator and resolves once it prints its URL. */
export async function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const script = await bundleEmulator();
  const child = spawn(process.execPath, [script, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${output}`)), 15_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
