// spawnTied (src/media/spawn.ts): the command runs under its own pid with its stdio, signals and exit
// code passed through, and dies when the process that spawned it is SIGKILLed, even from a worker thread
// that is still running. Plain node children stand in for ffmpeg here; test/whip/publish.test.ts kills a
// real `ivsrt publish` and watches its ffmpeg go.
import { transformSync } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childPids, hasEnded, spawnChild } from '../helpers/children.js';
import { eventually } from '../helpers/wait.js';
import { spawnTied } from '../../src/media/spawn.js';

const linux = process.platform === 'linux';
if (!linux) console.warn('not testing the parent-death signal: it is Linux only (elsewhere spawnTied spawns plainly)');

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) => stream.once('end', () => resolve(text)));
}


describe('spawnTied', () => {
  it('runs the command under its own pid, with stdin, stdout, stderr and the exit code passed through', async () => {
    const child = spawnTied(process.execPath, ['-e', 'process.stdin.on("data", (d) => process.stdout.write(String(process.pid) + " " + d)); process.stdin.on("end", () => { process.stderr.write("bye"); process.exit(7); })'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const [out, err] = [collect(child.stdout!), collect(child.stderr!)];
    const code = new Promise((resolve) => child.once('exit', (c) => resolve(c)));
    child.stdin!.end('hello');
    expect(await out).toBe(`${child.pid} hello`);
    expect(await err).toBe('bye');
    expect(await code).toBe(7);
  });

  it('delivers SIGINT to the command itself (ffmpeg finishes its files on it)', async () => {
    const child = spawnTied(process.execPath, ['-e', 'process.on("SIGINT", () => process.exit(42)); console.log("ready"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    const code = new Promise((resolve) => child.once('exit', (c) => resolve(c)));
    child.kill('SIGINT');
    expect(await code).toBe(42);
  });

  it.skipIf(!linux).each(['main thread', 'worker thread'])("a command spawned from its parent's %s dies when the parent is SIGKILLed", async (where) => {
    // The parent is a plain node process that loads spawnTied (compiled from the source by esbuild) and
    // spawns an idle node from the thread named; it prints that node's pid.
    const dir = mkdtempSync(join(tmpdir(), 'ivsrt-spawn-tied-'));
    const helper = join(dir, 'spawn.cjs');
    writeFileSync(helper, transformSync(readFileSync(new URL('../../src/media/spawn.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'cjs' }).code);
    const spawnIdle = `const c = require(${JSON.stringify(helper)}).spawnTied(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });`;
    const script =
      where === 'main thread'
        ? `${spawnIdle} console.log(c.pid); setInterval(() => {}, 1000);`
        : `const { Worker } = require('node:worker_threads');
           new Worker(${JSON.stringify(`${spawnIdle} require('node:worker_threads').parentPort.postMessage(c.pid); setInterval(() => {}, 1000);`)}, { eval: true }).on('message', (pid) => console.log(pid));
           setInterval(() => {}, 1000);`;
    const parent = spawnChild(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      // The idle node itself, once setpriv has exec'd it, is the parent's child, under that pid.
      await eventually('the child under its parent', (see) => {
        see({ children: childPids(parent.pid!, 'node') });
        return childPids(parent.pid!, 'node').includes(pid) || undefined;
      });
      parent.kill('SIGKILL');
      await eventually('the child to end with its parent', () => hasEnded(pid) || undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
