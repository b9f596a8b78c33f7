#!/usr/bin/env node
// Emulator benchmark (not a test): GetStage throughput and latency at 50 concurrent keep-alive
// connections; UpdateStage memory-only and with a durable data dir side by side; data-dir size and restart
// time after 30,000 updates and with 1,000 stages x 100 participants; resident memory holding the latter.
// The emulator runs as its own process (`ivsrt local start`), the load generator here, so each gets one
// of the machine's cores.
//
//   node bench/emulator.mjs [--seconds 10] [--connections 50] [--stages 1000] [--participants 100] [--updates 30000] [--json] [--no-wrk]
//
// The GetStage load comes from wrk when it is installed (one thread: it needs far less CPU than a Node
// client, which on two cores would steal the emulator's); otherwise from the Node load generator below.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnEmulator } from './spawn-emulator.mjs';
import { AUTH, hasWrk as wrkInstalled, wrkLoad as wrk } from './wrk.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    stages: { type: 'string', default: '1000' },
    participants: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
    'no-wrk': { type: 'boolean', default: false },
    updates: { type: 'string', default: '30000' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const STAGES = Number(values.stages);
const PARTICIPANTS = Number(values.participants);
const UPDATES = Number(values.updates);
// The bench's own admin secret, handed to the emulators it starts, for the /_ivsrt/ routes.
const ADMIN_SECRET = randomBytes(24).toString('base64url');

const work = mkdtempSync(join(tmpdir(), 'ivsrt-bench-'));
// The real CLI entry (run `npm run build` first), exactly as a user starts the emulator.

async function startEmulator(args) {
  const { child, url, log } = await spawnEmulator(args, { env: { ...process.env, IVSRT_ADMIN_SECRET: ADMIN_SECRET } });
  // The emulator's own count of opening and loading its data dir.
  const loadMs = Number(/storage: loaded \d+ record\(s\) .* in (\d+) ms/.exec(log())?.[1] ?? NaN);
  return { child, url, loadMs, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function call(url, path, body, signed = true) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amz-date': '20260101T000000Z' };
    if (signed) headers.authorization = AUTH;
    else headers['x-ivsrt-admin-secret'] = ADMIN_SECRET;
    const req = request(url + path, { method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks)}`));
        else resolve(Buffer.concat(chunks));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `op` from `CONNECTIONS` concurrent loops for `seconds`; returns throughput and latency percentiles. */
async function load(seconds, op) {
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await op();
      latencies.push(performance.now() - t0);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { requests: latencies.length, perSecond: Math.round(latencies.length / seconds), p50: +at(0.5).toFixed(2), p99: +at(0.99).toFixed(2), max: +latencies.at(-1).toFixed(2) };
}

const hasWrk = () => !values['no-wrk'] && wrkInstalled();
const wrkLoad = (url, path, body, seconds) => wrk(url + path, body, { seconds, connections: CONNECTIONS });

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024);
}

const results = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, connections: CONNECTIONS, seconds: SECONDS };

// 1. GetStage, memory only
{
  const emu = await startEmulator([]);
  const created = JSON.parse(await call(emu.url, '/CreateStage', JSON.stringify({ name: 'bench', tags: { a: 'b' } })));
  const body = JSON.stringify({ arn: created.stage.arn });
  await load(2, () => call(emu.url, '/GetStage', body)); // warm-up
  results.getStage = hasWrk()
    ? wrkLoad(emu.url, '/GetStage', body, SECONDS)
    : { tool: 'node load generator', ...(await load(SECONDS, () => call(emu.url, '/GetStage', body))) };
  await emu.stop();
}

// 2. UpdateStage, memory only and with a durable data dir, side by side (with --data-dir every reply waits
//    for the lmdb transaction holding its change to be synced to disk; concurrent writes share one)
for (const [key, args] of [['updateStageMemory', []], ['updateStageDurable', ['--data-dir', join(work, 'update')]]]) {
  const emu = await startEmulator(args);
  const { stage } = JSON.parse(await call(emu.url, '/CreateStage', JSON.stringify({ name: 'durable' })));
  const body = JSON.stringify({ arn: stage.arn, name: 'renamed' });
  await load(2, () => call(emu.url, '/UpdateStage', body)); // warm-up
  results[key] = hasWrk()
    ? wrkLoad(emu.url, '/UpdateStage', body, SECONDS)
    : { tool: 'node load generator', ...(await load(SECONDS, () => call(emu.url, '/UpdateStage', body))) };
  await emu.stop();
}

/** Starts `ivsrt local start --data-dir dir`; how long until it listened, by the clock and by the emulator's own log. */
async function timedStart(dataDir) {
  const t0 = performance.now();
  const emu = await startEmulator(['--data-dir', dataDir]);
  return { emu, startMs: Math.round(performance.now() - t0), loadMs: emu.loadMs };
}

function dirMb(dir) {
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const s = statSync(join(dir, name));
    if (s.isFile()) bytes += s.size;
  }
  return +(bytes / 2 ** 20).toFixed(2);
}

// 3. Long use: UPDATES (30,000) UpdateStage calls on one stage (50 at a time), then a restart
{
  const dataDir = join(work, 'long-use');
  const emu = await startEmulator(['--data-dir', dataDir]);
  const { stage } = JSON.parse(await call(emu.url, '/CreateStage', JSON.stringify({ name: 'busy' })));
  let next = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < UPDATES) await call(emu.url, '/UpdateStage', JSON.stringify({ arn: stage.arn, name: `busy-${next++}` }));
  }));
  await emu.stop();
  const again = await timedStart(dataDir);
  await again.emu.stop();
  results.longUse = { updates: UPDATES, dataDirMb: dirMb(dataDir), startMs: again.startMs, loadMs: again.loadMs };
}

// 4. STAGES x PARTICIPANTS connected participants: memory only (resident memory), then with a data dir
//    (data-dir size and the time to start again on it)
for (const durable of [false, true]) {
  const dataDir = join(work, 'crowd');
  const emu = await startEmulator(durable ? ['--data-dir', dataDir] : []);
  const baseline = rssMb(emu.child.pid);
  const arns = [];
  for (let i = 0; i < STAGES; i++) arns.push(JSON.parse(await call(emu.url, '/CreateStage', JSON.stringify({ name: `m${i}` }))).stage.arn);
  const jobs = [];
  for (const stageArn of arns) for (let p = 0; p < PARTICIPANTS; p++) jobs.push(JSON.stringify({ stageArn, userId: `user-${p}`, publish: p < 2, attributes: { role: p < 2 ? 'host' : 'viewer' } }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (next < jobs.length) await call(emu.url, '/_ivsrt/join', jobs[next++], false);
  }));
  const joinSeconds = (performance.now() - t0) / 1000;
  const status = JSON.parse(await new Promise((resolve, reject) => {
    request(emu.url + '/_ivsrt/status', { agent, headers: { 'x-ivsrt-admin-secret': ADMIN_SECRET } }, (res) => { const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => resolve(Buffer.concat(c))); }).on('error', reject).end();
  }));
  if (durable) {
    await emu.stop();
    const again = await timedStart(dataDir);
    await again.emu.stop();
    results.crowdDurable = { stages: STAGES, participantsPerStage: PARTICIPANTS, joinsPerSecond: Math.round(jobs.length / joinSeconds), dataDirMb: dirMb(dataDir), startMs: again.startMs, loadMs: again.loadMs };
    continue;
  }
  await new Promise((r) => setTimeout(r, 1000));
  results.memory = {
    stages: STAGES,
    participantsPerStage: PARTICIPANTS,
    connectedParticipants: status.counts.connectedParticipants,
    baselineRssMb: baseline,
    rssMb: rssMb(emu.child.pid),
    heapUsedMb: Math.round(status.memory.heapUsedBytes / 2 ** 20),
    joinsPerSecond: Math.round(jobs.length / joinSeconds),
  };
  await emu.stop();
}

agent.destroy();
rmSync(work, { recursive: true, force: true });

if (values.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const g = results.getStage;
  const w = results.updateStageDurable;
  const u = results.updateStageMemory;
  const m = results.memory;
  const l = results.longUse;
  const c = results.crowdDurable;
  console.log(`node ${results.node}, ${results.cpus} CPU(s): ${results.cpu}`);
  console.log(`GetStage (${g.tool}), ${CONNECTIONS} keep-alive connections, ${SECONDS}s: ${g.perSecond} req/s, p50 ${g.p50} ms, p99 ${g.p99} ms, max ${g.max} ms (${g.requests} requests)`);
  console.log(`UpdateStage (${u.tool}), memory only: ${u.perSecond} req/s, p50 ${u.p50} ms, p99 ${u.p99} ms`);
  console.log(`UpdateStage (${w.tool}), --data-dir (each reply after its synced lmdb commit): ${w.perSecond} req/s, p50 ${w.p50} ms, p99 ${w.p99} ms`);
  console.log(`after ${l.updates} updates to one stage: data dir ${l.dataDirMb} MB, restart ${l.startMs} ms to listening (data dir opened and loaded in ${l.loadMs} ms)`);
  console.log(`${c.stages} stages x ${c.participantsPerStage} participants with --data-dir: ${c.joinsPerSecond} joins/s, data dir ${c.dataDirMb} MB, restart ${c.startMs} ms to listening (loaded in ${c.loadMs} ms)`);
  console.log(`${m.stages} stages x ${m.participantsPerStage} participants (${m.connectedParticipants} connected): RSS ${m.rssMb} MB, heap used ${m.heapUsedMb} MB (empty emulator: RSS ${m.baselineRssMb} MB); ${m.joinsPerSecond} joins/s`);
}
