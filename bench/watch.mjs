#!/usr/bin/env node
// Watch benchmark (not a test): one stage with a churning crowd of simulated participants on the
// emulator, watched by the real `ivsrt watch` twice: as an NDJSON stream (--json) and as the full-screen
// view in tmux. Measures the watch process's CPU (% of one core, /proc/<pid>/stat) and RSS, the time
// from a change on the stage to its line in the stream or its row on screen, and the request rate per
// operation as counted by a proxy between the watch and the emulator (it must never exceed the
// service's limit in any one-second window). It also checks that the watch stays live: the longest gap
// between two polls (each poll starts with GetStage, as the proxy sees), every reply the proxy passed
// back that was not a 200, and, on the full screen, the largest "polled Ns ago" and any error line shown
// (the screen is read every half second).
//
//   node bench/watch.mjs [--seconds 30] [--participants 1000] [--churn 0.1] [--markers 6] [--modes ndjson,tty] [--json]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { cpuSeconds, spawnEmulator } from './spawn-emulator.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    participants: { type: 'string', default: '1000' },
    churn: { type: 'string', default: '0.1' },
    markers: { type: 'string', default: '6' },
    modes: { type: 'string', default: 'ndjson,tty' },
    // Node options for the watch process only (e.g. a heap limit to try), not the emulator or this script.
    'watch-node-options': { type: 'string', default: '' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const PARTICIPANTS = Number(values.participants);
const CHURN = Number(values.churn);
const MARKERS = Number(values.markers);
const MODES = values.modes.split(',');
const INTERVAL_MS = 2000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/ivsrt.js');
/** The service's TPS per operation (reference §5); everything the watch uses is 5. */
const LIMITS = { CreateParticipantToken: 50 };
const limitOf = (op) => LIMITS[op] ?? 5;

const work = mkdtempSync(join(tmpdir(), 'ivsrt-watch-bench-'));
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
await build({ entryPoints: [join(ROOT, 'src/local/simulate.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(work, 'simulate.mjs'), logLevel: 'error' });
const { simulate } = await import(join(work, 'simulate.mjs'));

// --- emulator, and a proxy that counts the watch's requests per operation ----------------------------
// One admin secret for the emulator and this process (whose crowd simulator calls the /_ivsrt/ routes).
process.env.IVSRT_ADMIN_SECRET = randomBytes(24).toString('base64url');
const { child: emulator, url: emulatorUrl } = await spawnEmulator([], { env: { ...process.env, IVSRT_HOME: join(work, 'home') }, stderr: 'ignore' });
const target = new URL(emulatorUrl);
let requests = []; // { op, at, status }
const proxy = createServer((req, res) => {
  const op = req.url.startsWith('/tags/') ? `${req.method} tags` : req.url.slice(1).split('?')[0];
  const entry = { op, at: performance.now(), status: 0 };
  requests.push(entry);
  const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
    entry.status = up.statusCode;
    res.writeHead(up.statusCode, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;

async function api(op, body) {
  const res = await fetch(`${emulatorUrl}/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ivs/aws4_request, SignedHeaders=host, Signature=' + 'f'.repeat(64), 'x-amz-date': '20260101T000000Z' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${op}: ${res.status} ${await res.text()}`);
  return res.json();
}
async function admin(route, body) {
  const res = await fetch(`${emulatorUrl}/_ivsrt/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ivsrt-admin-secret': process.env.IVSRT_ADMIN_SECRET },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

const { stage } = await api('CreateStage', { name: 'bench-watch' });
const crowd = new AbortController();
let crowdReady;
const ready = new Promise((resolve) => (crowdReady = resolve));
const simulation = simulate({
  url: emulatorUrl,
  stageArn: stage.arn,
  participants: PARTICIPANTS,
  // Leaves room under the 12-publisher quota for the marker publishers.
  publishers: 8,
  churn: CHURN,
  tickMs: 1000,
  subscribe: false,
  signal: crowd.signal,
  onTick: () => crowdReady(),
});
await ready;

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('IVSRT_'))),
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  IVSRT_CACHE_DIR: join(work, 'cache'),
  ...(values['watch-node-options'] ? { NODE_OPTIONS: values['watch-node-options'] } : {}),
};
const watchArgs = ['watch', stage.arn, '--endpoint-url', proxyUrl];

// --- measurements ------------------------------------------------------------------------------
const rssMb = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A change the watch never shows within a minute counts as an infinite latency rather than hanging the run. */
const within = (promise) => Promise.race([promise, sleep(60_000).then(() => Infinity)]);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return s.length ? { n: s.length, median: Math.round(at(0.5)), p90: Math.round(at(0.9)), max: Math.round(s.at(-1)) } : { n: 0 };
};

/** The longest time between two polls' first requests (GetStage), and the replies that were not 200, by operation. */
function liveness(from, to) {
  const polls = requests.filter((r) => r.op === 'GetStage' && r.at >= from && r.at < to).map((r) => r.at);
  let longestGapMs = polls.length ? Math.max(polls[0] - from, to - polls.at(-1)) : to - from;
  for (let i = 1; i < polls.length; i++) longestGapMs = Math.max(longestGapMs, polls[i] - polls[i - 1]);
  const failed = {};
  for (const r of requests) if (r.at >= from && r.at < to && r.status !== 200) failed[`${r.op} ${r.status}`] = (failed[`${r.op} ${r.status}`] ?? 0) + 1;
  return { polls: polls.length, longestGapBetweenPollsMs: Math.round(longestGapMs), notOk: failed };
}

function rates(from, to) {
  const seconds = (to - from) / 1000;
  const byOp = {};
  for (const r of requests) if (r.at >= from && r.at < to) (byOp[r.op] ??= []).push(r.at);
  return Object.fromEntries(
    Object.entries(byOp).sort().map(([op, times]) => {
      let busiest = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i] - times[j] >= 1000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      return [op, { perSecond: +(times.length / seconds).toFixed(2), busiestSecond: busiest, limit: limitOf(op), ok: busiest <= limitOf(op) }];
    }),
  );
}

/**
 * Runs the measurement window: CPU and RSS of `pid`, and markers joining (a publisher, then a
 * subscriber) and leaving, timed until `seen(userId, state)` resolves.
 */
async function measure(pid, seen) {
  await sleep(5000); // the initial listing of the crowd
  const from = performance.now();
  const cpu0 = cpuSeconds(pid);
  let rss = rssMb(pid);
  const rssAtStart = rss;
  let rssNow = rss;
  const rssTimer = setInterval(() => {
    rssNow = rssMb(pid);
    rss = Math.max(rss, rssNow);
  }, 500);
  const latency = { publisherJoined: [], publisherLeft: [], subscriberJoined: [] };
  const spacing = (SECONDS * 1000) / MARKERS;
  for (let i = 0; i < MARKERS; i++) {
    const started = performance.now();
    // Short names: the USER column is 16 characters wide.
    const publisher = `mark-pub-${i}`;
    const subscriber = `mark-sub-${i}`;
    // Expectations are set before acting, so a poll landing in between cannot be missed.
    const pubJoined = seen(publisher, 'CONNECTED');
    const subJoined = seen(subscriber, 'CONNECTED');
    const t0 = performance.now();
    const pub = await admin('join', { stageArn: stage.arn, userId: publisher, publish: true });
    const t0sub = performance.now();
    const sub = await admin('join', { stageArn: stage.arn, userId: subscriber, capabilities: ['SUBSCRIBE'] });
    latency.publisherJoined.push((await pubJoined) - t0);
    latency.subscriberJoined.push((await subJoined) - t0sub);
    const pubLeft = seen(publisher, 'DISCONNECTED');
    const t1 = performance.now();
    await admin('leave', { stageArn: stage.arn, participantId: pub.participant.participantId });
    latency.publisherLeft.push((await pubLeft) - t1);
    await admin('leave', { stageArn: stage.arn, participantId: sub.participant.participantId });
    await sleep(Math.max(0, spacing - (performance.now() - started)));
  }
  const to = performance.now();
  clearInterval(rssTimer);
  return {
    cpuPercentOfOneCore: +((100 * (cpuSeconds(pid) - cpu0)) / ((to - from) / 1000)).toFixed(1),
    rssMbMax: Math.round(rss),
    rssMbAtStart: Math.round(rssAtStart),
    rssMbAtEnd: Math.round(rssNow),
    latencyMs: Object.fromEntries(Object.entries(latency).map(([k, v]) => [k, stats(v)])),
    liveness: liveness(from, to),
    requests: rates(from, to),
    seconds: Math.round((to - from) / 1000),
  };
}

const results = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, participants: PARTICIPANTS, churnPerSecond: Math.round(PARTICIPANTS * CHURN), intervalMs: INTERVAL_MS };

// 1. NDJSON stream
if (MODES.includes('ndjson')) {
  requests = [];
  const child = spawn(process.execPath, [BIN, ...watchArgs, '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const waiting = new Map(); // `${userId} ${state}` -> resolve
  let lines = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines++;
    const at = performance.now();
    const change = JSON.parse(line);
    if (change.kind !== 'participant') return;
    const key = `${change.object.userId} ${change.object.state}`;
    waiting.get(key)?.(at);
    waiting.delete(key);
  });
  const seen = (userId, state) => within(new Promise((resolve) => waiting.set(`${userId} ${state}`, resolve)));
  results.ndjson = await measure(child.pid, seen);
  results.ndjson.lines = lines;
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  results.ndjson.exitCodeOnSigterm = await exited;
}

// 2. Full-screen view in tmux (skipped without tmux)
if (MODES.includes('tty') && spawnSync('tmux', ['-V']).status === 0) {
  requests = [];
  const socket = `ivsrt-watch-bench-${process.pid}`;
  const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  const envArgs = Object.entries({ ...env, TERM: 'xterm-256color' }).filter(([k]) => /^(AWS_|IVSRT_|PATH$|HOME$|TERM$|NODE_OPTIONS$)/.test(k)).map(([k, v]) => `${k}=${quote(v)}`);
  tmux('new-session', '-d', '-s', 'w', '-x', '140', '-y', '50', `exec env ${envArgs.join(' ')} ${quote(process.execPath)} ${quote(BIN)} ${watchArgs.map(quote).join(' ')}`);
  const pid = Number(tmux('display', '-p', '-t', 'w', '#{pane_pid}').trim());
  // Connected publishers sort to the top of the table, so a marker publisher's row appears there when it
  // joins and leaves the top when it disconnects. A subscriber among a thousand is not on screen.
  const seen = (userId, state) => {
    if (userId.includes('-sub-')) return Promise.resolve(performance.now());
    const row = new RegExp(`^[> ] ${userId} .* CONNECTED`, 'm');
    return (async () => {
      for (const deadline = performance.now() + 60_000; performance.now() < deadline; await sleep(50)) {
        if (row.test(tmux('capture-pane', '-p', '-t', 'w')) === (state === 'CONNECTED')) return performance.now();
      }
      return Infinity;
    })();
  };
  // What a person sees: the header's "polled Ns ago", and any error or throttling line.
  const screen = { samples: 0, oldestPollShownSeconds: 0, errorLines: 0, firstError: undefined };
  const reading = setInterval(() => {
    const pane = tmux('capture-pane', '-p', '-t', 'w');
    const age = /polled (\d+)s ago/.exec(pane);
    if (!age) return;
    screen.samples++;
    screen.oldestPollShownSeconds = Math.max(screen.oldestPollShownSeconds, Number(age[1]));
    const error = /^(error|throttled): .*$/m.exec(pane);
    if (error) {
      screen.errorLines++;
      screen.firstError ??= error[0].trim();
    }
  }, 500);
  results.tty = await measure(pid, seen);
  clearInterval(reading);
  results.tty.screen = screen;
  delete results.tty.latencyMs.subscriberJoined;
  tmux('send-keys', '-t', 'w', 'q');
  await sleep(1000);
  results.tty.exitedOnQ = spawnSync('kill', ['-0', String(pid)]).status !== 0;
  spawnSync('tmux', ['-L', socket, 'kill-server']);
}

crowd.abort();
await simulation;
proxy.close();
emulator.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });

if (values.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const lines = [`node ${results.node}, ${results.cores} x ${results.cpu}; ${PARTICIPANTS} participants, ${results.churnPerSecond} leave and ${results.churnPerSecond} join per second; interval ${INTERVAL_MS} ms`];
  for (const mode of ['ndjson', 'tty']) {
    const r = results[mode];
    if (!r) continue;
    lines.push('', `## ${mode === 'ndjson' ? 'NDJSON stream (--json)' : 'full-screen view (tmux 140x50)'}`, `CPU ${r.cpuPercentOfOneCore}% of one core over ${r.seconds} s, RSS max ${r.rssMbMax} MB (${r.rssMbAtStart} MB at the start of the window, ${r.rssMbAtEnd} MB at its end)`);
    const l = r.liveness;
    lines.push(`live: ${l.polls} polls, longest gap between two ${l.longestGapBetweenPollsMs} ms; replies other than 200: ${JSON.stringify(l.notOk)}`);
    if (r.screen) lines.push(`screen (read ${r.screen.samples} times): oldest "polled Ns ago" ${r.screen.oldestPollShownSeconds} s; error lines ${r.screen.errorLines}${r.screen.firstError ? ` (first: ${r.screen.firstError})` : ''}`);
    for (const [what, s] of Object.entries(r.latencyMs)) lines.push(`change to output, ${what}: median ${s.median} ms, p90 ${s.p90} ms, max ${s.max} ms (n=${s.n})`);
    for (const [op, q] of Object.entries(r.requests)) lines.push(`  ${op.padEnd(24)} ${String(q.perSecond).padStart(5)}/s  busiest second ${q.busiestSecond} (limit ${q.limit})${q.ok ? '' : '  OVER LIMIT'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
