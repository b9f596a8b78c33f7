// wrk as the benchmarks drive it: one thread (it needs far less CPU than a Node client, which on two
// cores would steal the server's), N keep-alive connections POSTing one body, with SigV4-shaped headers
// (an emulator without configured credentials checks the header's form, not the signature).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ivs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' + 'f'.repeat(64);

/**
 * The flags of a benchmark that loads servers with wrk in rounds: --seconds (each run), --rounds, --connections
 * and --json, and `extra` (parseArgs options); exits with a line saying how to install wrk where it is missing.
 */
export function wrkBenchArgs(script, extra = {}) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      ...extra,
    },
  });
  if (!hasWrk()) {
    console.error(`bench/${script} needs wrk (apt-get install -y wrk)`);
    process.exit(2);
  }
  return { values, seconds: Number(values.seconds), rounds: Number(values.rounds), connections: Number(values.connections) };
}

export function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return error.status === 1; // wrk --version prints its usage and exits 1
  }
}

/** `wrk -t1 -c<connections> -d<seconds>s --latency` POSTing `body` to `url`: requests per second and latency percentiles (ms). */
export function wrkLoad(url, body, { seconds, connections = 50 }) {
  const dir = mkdtempSync(join(tmpdir(), 'ivsrt-wrk-'));
  const script = join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["X-Amz-Date"] = "20260101T000000Z"\nwrk.headers["Authorization"] = ${JSON.stringify(AUTH)}\n`);
  let out;
  try {
    out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (text) => {
    const m = /([\d.]+)(us|ms|s)\b/.exec(text);
    return +(Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]]).toFixed(2);
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`wrk saw ${errors[1]} error responses:\n${out}`);
  return {
    tool: 'wrk -t1',
    requests: Number(/(\d+) requests in/.exec(out)[1]),
    perSecond: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1])),
    p50: ms(/ 50%\s+(\S+)/.exec(out)[1]),
    p99: ms(/ 99%\s+(\S+)/.exec(out)[1]),
    max: ms(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)[1]),
  };
}
