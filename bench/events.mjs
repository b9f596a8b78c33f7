#!/usr/bin/env node
// Event delivery benchmark (not a test): a churning crowd of simulated participants (default 1,000:
// 100 stages x 10) publishes and unpublishes through the emulator's admin routes, and a local webhook
// (`--event-target`) receives the events. It reports, per event, the time from the reply to the admin
// call that caused it to the webhook's receipt (p50/p95/p99/max), and the events per second delivered.
// The emulator runs as its own process (`ivsrt local start`, durable --data-dir), as a user starts it.
//
//   node bench/events.mjs [--seconds 10] [--stages 100] [--per-stage 10] [--rate 200] [--concurrency 16] [--json]
//
// --rate sets the churn (publish/unpublish flips per second across the crowd, open loop); --rate 0 flips
// as fast as the emulator answers, which measures the events per second it sustains.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnEmulator } from './spawn-emulator.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    stages: { type: 'string', default: '100' },
    'per-stage': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const STAGES = Number(values.stages);
const PER_STAGE = Number(values['per-stage']);
const CONCURRENCY = Number(values.concurrency);
/** Flips per second across the crowd; 0 flips as fast as the emulator answers (saturation). */
const RATE = Number(values.rate);
const ADMIN_SECRET = randomBytes(24).toString('base64url');
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/ivs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=' + 'f'.repeat(64);
const work = mkdtempSync(join(tmpdir(), 'ivsrt-bench-events-'));
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 4 });

// The webhook: when each event arrived, by participant and event name (FIFO per key).
const arrivals = new Map();
let received = 0;
let firstArrival = 0;
let lastArrival = 0;
const hook = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.now();
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const key = `${event.detail.participant_id}|${event.detail.event_name}`;
    (arrivals.get(key) ?? arrivals.set(key, []).get(key)).push(at);
    received++;
    firstArrival ||= at;
    lastArrival = at;
    res.writeHead(200).end();
  });
});
await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${hook.address().port}/events`;

const { child, url } = await spawnEmulator(['--data-dir', join(work, 'data'), '--event-target', hookUrl], {
  env: { ...process.env, IVSRT_ADMIN_SECRET: ADMIN_SECRET, IVSRT_HOME: work },
  stderr: 'inherit',
});

function call(path, body, admin) {
  const text = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (admin) headers['x-ivsrt-admin-secret'] = ADMIN_SECRET;
  else headers.authorization = AUTH;
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const at = performance.now();
        const reply = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${reply}`));
        else resolve({ at, body: JSON.parse(reply) });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

// The crowd: STAGES stages of PER_STAGE participants, all joined, none publishing yet.
const crowd = [];
for (let s = 0; s < STAGES; s++) {
  const { body } = await call('/CreateStage', { name: `bench-${s}` }, false);
  for (let p = 0; p < PER_STAGE; p++) {
    const joined = await call('/_ivsrt/join', { stageArn: body.stage.arn, userId: `u${s}-${p}`, capabilities: ['PUBLISH', 'SUBSCRIBE'] }, true);
    crowd.push({ stageArn: body.stage.arn, participantId: joined.body.participant.participantId, publishing: false, busy: false });
  }
}

// Churn: each worker picks an idle participant and flips it, publish <-> unpublish; every flip emits
// one event. The reply time of each flip is kept under the event it causes.
const replies = new Map();
let actions = 0;
let random = 42;
const next = () => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) / 2 ** 32);
const ends = performance.now() + SECONDS * 1000;
const started = performance.now();
let scheduled = 0;
async function worker() {
  while (performance.now() < ends) {
    if (RATE > 0) {
      // Open loop: flip number n is due at n/RATE seconds, whenever the previous ones finished.
      const due = started + (scheduled++ * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (performance.now() >= ends) break;
    }
    const member = crowd[Math.floor(next() * crowd.length)];
    if (member.busy) continue;
    member.busy = true;
    const publish = !member.publishing;
    const { at } = await call(publish ? '/_ivsrt/publish' : '/_ivsrt/unpublish', { stageArn: member.stageArn, participantId: member.participantId }, true);
    member.publishing = publish;
    member.busy = false;
    actions++;
    const key = `${member.participantId}|${publish ? 'Participant Published' : 'Participant Unpublished'}`;
    (replies.get(key) ?? replies.set(key, []).get(key)).push(at);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const churnSeconds = (performance.now() - started) / 1000;

// Wait for the webhook to have everything the churn caused (the join phase caused no events).
const deadline = performance.now() + 30_000;
while (received < actions && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

const latencies = [];
let early = 0;
for (const [key, times] of replies) {
  const got = arrivals.get(key) ?? [];
  times.forEach((reply, i) => {
    if (got[i] === undefined) return;
    const ms = got[i] - reply;
    // Delivery starts at the commit, the reply goes out after it: a webhook can be first.
    if (ms < 0) early++;
    latencies.push(Math.max(0, ms));
  });
}
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const result = {
  participants: crowd.length,
  stages: STAGES,
  concurrency: CONCURRENCY,
  rate: RATE || 'max',
  seconds: Number(churnSeconds.toFixed(1)),
  actions,
  eventsDelivered: received,
  eventsMissing: actions - latencies.length,
  eventsPerSecond: Math.round(received / ((lastArrival - firstArrival) / 1000 || 1)),
  replyToWebhookMs: { p50: +pct(50).toFixed(2), p95: +pct(95).toFixed(2), p99: +pct(99).toFixed(2), max: +pct(100).toFixed(2) },
  webhookBeforeReply: early,
};

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
hook.close();
agent.destroy();
rmSync(work, { recursive: true, force: true });
if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`crowd: ${result.participants} participants on ${STAGES} stages, publish/unpublish flips at ${RATE ? `${RATE}/s` : 'full speed'} (${CONCURRENCY} at a time) for ${result.seconds} s`);
  console.log(`events delivered: ${result.eventsDelivered} of ${actions} caused (${result.eventsMissing} missing), ${result.eventsPerSecond} events/s`);
  console.log(`reply -> webhook: p50 ${result.replyToWebhookMs.p50} ms, p95 ${result.replyToWebhookMs.p95} ms, p99 ${result.replyToWebhookMs.p99} ms, max ${result.replyToWebhookMs.max} ms (webhook first ${early} times)`);
}
