#!/usr/bin/env node
// List benchmark (not a test): the emulator's ListParticipants and ListStages pages against a bare
// node:http server answering with the same bytes (bench/bare-server.mjs), side by side in one run, and
// the cost of walking every page of a 10,000-participant session.
//
//   node bench/lists.mjs [--seconds 5] [--rounds 3] [--connections 50] [--crowd 10000] [--json]
//
// For each page, wrk (one thread, 50 keep-alive connections) loads the emulator and the bare server in
// turn, `--rounds` times each, interleaved so machine noise hits both alike; the ratio is of the medians.
// Each server's CPU time over each run (utime + stime, /proc/<pid>/stat) gives its CPU cost per request,
// which a machine shared with other work inflates far less than the requests per second.
// The walk pages through the whole session (maxResults 100) with one client, one request at a time, and
// compares the first pages' latency with the last ones': a walk that copied or scanned the session on
// every page would see its pages grow slower as it went (O(N²) in all).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, spawnEmulator } from './spawn-emulator.mjs';
import { AUTH, wrkBenchArgs, wrkLoad } from './wrk.mjs';

const { values, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS } = wrkBenchArgs('lists.mjs', { crowd: { type: 'string', default: '10000' } });
const CROWD = Number(values.crowd);

const ADMIN_SECRET = randomBytes(24).toString('base64url');
const work = mkdtempSync(join(tmpdir(), 'ivsrt-bench-'));
/** wrk's run, with the server process's CPU microseconds per request. */
function measured(pid, url, body) {
  const cpu0 = cpuSeconds(pid);
  const run = wrkLoad(url, body, { seconds: SECONDS, connections: CONNECTIONS });
  return { ...run, cpuUsPerRequest: Math.round((1e6 * (cpuSeconds(pid) - cpu0)) / run.requests) };
}
const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** POSTs `body` to `url`; resolves with the status, headers and body bytes. */
function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const api = async (url, operation, input) => {
  const reply = await post(`${url}/${operation}`, JSON.stringify(input), { 'x-amz-date': '20260101T000000Z', authorization: AUTH });
  if (reply.status !== 200) throw new Error(`${operation}: ${reply.status} ${reply.body}`);
  return reply;
};
const admin = async (url, route, input) => {
  const reply = await post(`${url}/_ivsrt/${route}`, JSON.stringify(input), { 'x-ivsrt-admin-secret': ADMIN_SECRET });
  if (reply.status !== 200) throw new Error(`${route}: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body);
};

/** Runs `job(i)` for i < n, `CONNECTIONS` at a time. */
async function inParallel(n, job) {
  let next = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < n) await job(next++);
  }));
}

/** A bare node:http server answering every request with `reply`'s headers and body bytes. */
async function bareServer(reply) {
  const file = join(work, `reply-${randomBytes(4).toString('hex')}.json`);
  const headers = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'x-amzn-requestid'].includes(name)));
  writeFileSync(file, JSON.stringify({ headers, body: reply.body.toString('base64') }));
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bare-server.mjs', import.meta.url)), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { url, pid: child.pid, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** wrk on the emulator's `operation` with `input` and on a bare server with the same reply, interleaved. */
async function sideBySide(emuUrl, emuPid, operation, input) {
  const reply = await api(emuUrl, operation, input);
  const bare = await bareServer(reply);
  const body = JSON.stringify(input);
  const emu = [];
  const floor = [];
  try {
    wrkLoad(`${emuUrl}/${operation}`, body, { seconds: 1, connections: CONNECTIONS }); // warm-up
    wrkLoad(`${bare.url}/${operation}`, body, { seconds: 1, connections: CONNECTIONS });
    for (let round = 0; round < ROUNDS; round++) {
      floor.push(measured(bare.pid, `${bare.url}/${operation}`, body));
      emu.push(measured(emuPid, `${emuUrl}/${operation}`, body));
    }
  } finally {
    await bare.stop();
  }
  const summary = (runs) => ({
    perSecond: Math.round(median(runs.map((r) => r.perSecond))),
    p50: +median(runs.map((r) => r.p50)).toFixed(2),
    p99: +median(runs.map((r) => r.p99)).toFixed(2),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
    runs: runs.map((r) => r.perSecond),
  });
  const e = summary(emu);
  const b = summary(floor);
  return { bytes: reply.body.length, emulator: e, bare: b, ratio: +(e.perSecond / b.perSecond).toFixed(2), cpuRatio: +(b.cpuUsPerRequest / e.cpuUsPerRequest).toFixed(2) };
}

/** Every page of ListParticipants (maxResults 100), one request at a time: total and per-page times. */
async function walk(emuUrl, stageArn, sessionId, filter = {}) {
  const times = [];
  let nextToken;
  let seen = 0;
  const t0 = performance.now();
  do {
    const t = performance.now();
    const reply = JSON.parse((await api(emuUrl, 'ListParticipants', { stageArn, sessionId, maxResults: 100, nextToken, ...filter })).body);
    times.push(performance.now() - t);
    seen += reply.participants.length;
    nextToken = reply.nextToken;
  } while (nextToken);
  const totalMs = performance.now() - t0;
  const tenth = Math.max(1, Math.floor(times.length / 10));
  return {
    participants: seen,
    pages: times.length,
    totalMs: Math.round(totalMs),
    firstPagesMs: +median(times.slice(0, tenth)).toFixed(2),
    lastPagesMs: +median(times.slice(-tenth)).toFixed(2),
  };
}

const results = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, loadBefore: loadavg()[0] };
const { child, url } = await spawnEmulator([], { env: { ...process.env, IVSRT_ADMIN_SECRET: ADMIN_SECRET } });
try {
  // 100 stages with tags (a page of ListStages), one with 100 participants and one with the crowd.
  const arns = [];
  for (let i = 0; i < 100; i++) arns.push(JSON.parse((await api(url, 'CreateStage', { name: `bench-stage-${i}`, tags: { team: 'bench', index: String(i) } })).body).stage.arn);
  const join = async (stageArn, i) => admin(url, 'join', { stageArn, userId: `user-${i}`, publish: i < 2, attributes: { role: 'viewer' } });
  await inParallel(100, (i) => join(arns[0], i));
  await inParallel(CROWD, (i) => join(arns[1], i));
  const sessionOf = async (arn) => JSON.parse((await api(url, 'GetStage', { arn })).body).stage.activeSessionId;
  const small = { stageArn: arns[0], sessionId: await sessionOf(arns[0]) };
  const crowd = { stageArn: arns[1], sessionId: await sessionOf(arns[1]) };
  let middle;
  for (let page = 0; page < CROWD / 200; page++) middle = JSON.parse((await api(url, 'ListParticipants', { ...crowd, maxResults: 100, nextToken: middle })).body).nextToken;

  results.walk = await walk(url, crowd.stageArn, crowd.sessionId);
  results.walkConnected = await walk(url, crowd.stageArn, crowd.sessionId, { filterByState: 'CONNECTED' });
  results.participants100 = await sideBySide(url, child.pid, 'ListParticipants', { ...small, maxResults: 100 });
  results.participantsCrowdMiddle = await sideBySide(url, child.pid, 'ListParticipants', { ...crowd, maxResults: 100, nextToken: middle });
  results.stages100 = await sideBySide(url, child.pid, 'ListStages', { maxResults: 100 });
} finally {
  await new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); });
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
results.loadAfter = loadavg()[0];

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`node ${results.node}, ${results.cpus} CPU(s): ${results.cpu}; load average ${results.loadBefore.toFixed(1)} before, ${results.loadAfter.toFixed(1)} after`);
  console.log(`wrk -t1 -c${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${SECONDS}s each; medians`);
  const side = (r) => `${r.perSecond} req/s (p50 ${r.p50} ms, p99 ${r.p99} ms; ${r.cpuUsPerRequest} us CPU per request; runs ${r.runs.join(', ')})`;
  const row = (name, r) => console.log(`${name} (${r.bytes} bytes): emulator ${side(r.emulator)}, bare node:http ${side(r.bare)}: ${r.ratio}x the requests per second, ${r.cpuRatio}x by CPU per request`);
  row('ListParticipants, 100 of 100', results.participants100);
  row(`ListParticipants, 100 from the middle of ${CROWD}`, results.participantsCrowdMiddle);
  row('ListStages, 100 of 100', results.stages100);
  const w = (name, r) => console.log(`${name}: ${r.participants} participants in ${r.pages} pages, ${r.totalMs} ms; first tenth of the pages ${r.firstPagesMs} ms each, last tenth ${r.lastPagesMs} ms each (medians)`);
  w(`walk of ${CROWD} participants`, results.walk);
  w(`walk with filterByState CONNECTED`, results.walkConnected);
}
