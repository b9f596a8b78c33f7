// The emulator as every benchmark starts it: `ivsrt local start --port 0 ...args` as its own process, as
// a user runs it, resolved once it prints the line with its URL.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/ivsrt.js', import.meta.url));

/**
 * `stderr` is where the emulator's log goes: 'pipe' keeps it (`log()`, and in the error if it exits
 * before listening), 'inherit' shows it, 'ignore' drops it.
 */
export async function spawnEmulator(args = [], { env = process.env, stderr = 'pipe' } = {}) {
  const child = spawn(process.execPath, [BIN, 'local', 'start', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', stderr] });
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}${log ? `: ${log}` : ''}`)));
  });
  return { child, url, log: () => log };
}

/** The header that admits a request to the emulator's admin routes (/_ivsrt/...): the instance's secret, from IVSRT_HOME. */
export function adminHeaders(home, url) {
  const secret = JSON.parse(readFileSync(join(home, 'instances', `${new URL(url).port}.json`), 'utf8')).adminSecret;
  return { 'x-ivsrt-admin-secret': secret };
}

/** The emulator's WHIP publishers with what it measures (GET /_ivsrt/media). */
export async function whipPublishers(home, url) {
  return (await (await fetch(`${url}/_ivsrt/media`, { headers: adminHeaders(home, url) })).json()).whipPublishers;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `--name <number>` from the command line, or `fallback`. */
export const numberArg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

let clockTicks;
/** CPU seconds a process has used, all its threads: utime + stime from /proc/<pid>/stat, in clock ticks (getconf CLK_TCK). */
export function cpuSeconds(pid) {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  // The fields after the command name, which may hold spaces and parentheses: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

export const rssBytes = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/**
 * The set-up of the media benchmarks: a scratch IVSRT_HOME (`ivsrt-bench-<name>-`), the environment the
 * emulator and the CLI run with (bench credentials and region for the SDK), the emulator spawned on it,
 * and the CLI pointed at it.
 */
export async function benchEmulator(name) {
  const home = mkdtempSync(join(tmpdir(), `ivsrt-bench-${name}-`));
  const env = { ...process.env, IVSRT_HOME: home, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };
  const { child: emulator, url } = await spawnEmulator([], { env });
  return { home, env, emulator, url, cli: cliAt(url, env) };
}

/** Runs the real bin against `url` and resolves with its trimmed standard output. */
export const cliAt = (url, env) => (...args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--endpoint-url', url], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`ivsrt ${args.join(' ')}: ${code}`))));
  });
