#!/usr/bin/env node
// Watch frame benchmark (not a test): the CPU time of the full screen's work per poll, in one process
// with nothing else running: no emulator, no requests, no terminal. The real WatchStore and App (Ink,
// React, drawn through the component tests' renderAt) show a 140x50 screen in 256 colours for a scripted
// poller that lands polls of a churning session (the shape bench/watch.mjs produces: about 1,000
// connected and 1,000 who left, 200 joining and 200 leaving between two polls, 8 publishers). It counts
// the CPU of diffing the two snapshots, the store's update and the frame Ink draws, so it isolates the
// view from the machine's load better than bench/watch.mjs can.
//
//   node bench/watch-frames.mjs [--polls 200] [--warmup 30] [--connected 1000] [--churn 200] [--json]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({
  options: {
    polls: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '30' },
    connected: { type: 'string', default: '1000' },
    churn: { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The scripted poller and the screen, bundled from the sources (Ink, React and the SDK stay packages).
const entry = `
import chalk from 'chalk';
import { createElement } from 'react';
import { diffSnapshots } from './src/watch/diff.js';
import { emptySnapshot } from './src/watch/model.js';
import { Poller } from './src/watch/poller.js';
import { App } from './src/watch/ui/App.js';
import { WatchStore } from './src/watch/ui/store.js';
import { renderAt } from './test/watch/ink-render.js';

export { emptySnapshot };

class ScriptedPoller extends Poller {
  last;
  constructor(stageArn) {
    super({ client: { send: () => Promise.reject(new Error('scripted')) }, stageArn, intervalMs: 2000 });
    this.last = emptySnapshot(stageArn);
  }
  land(snapshot) {
    const changes = diffSnapshots(this.last, snapshot, new Date().toISOString());
    this.last = snapshot;
    this.emit('poll', { snapshot, changes });
    this.emit('status', { state: 'ok', lastSuccessAt: Date.now(), consecutiveFailures: 0 });
  }
}

export function screen(stageArn) {
  chalk.level = 2;
  const poller = new ScriptedPoller(stageArn);
  const store = new WatchStore(poller);
  const view = renderAt(createElement(App, { root: store, readonly: false, onExit: () => undefined }), { columns: 140, rows: 50 });
  return { poller, frames: view.frameCount, stop: () => { view.unmount(); store.dispose(); } };
}
`;
// Bundled beside package.json, so that its packages resolve from the repository's node_modules.
const outfile = join(ROOT, `.watch-frames-${process.pid}.mjs`);
await build({
  stdin: { contents: entry, resolveDir: ROOT, loader: 'tsx', sourcefile: 'frames-entry.tsx' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  outfile,
  logLevel: 'error',
  define: { 'process.env.NODE_ENV': '"production"' },
});
process.env.NODE_ENV = 'production';
let mod;
try {
  mod = await import(outfile);
} finally {
  rmSync(outfile, { force: true });
}

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/frames';
const SESSION = 'st-frames';
const CONNECTED = Number(values.connected);
const CHURN = Number(values.churn);
const POLLS = Number(values.polls);
const WARMUP = Number(values.warmup);
const t0 = Date.UTC(2026, 0, 1, 12);

// The session as the roster holds it: connected participants and the most recent who left (the
// emulator keeps 1,000), each an object that stays the same while nothing about it changes.
let serial = 0;
const connected = new Map();
const left = new Map();
const arrive = () => {
  const n = serial++;
  const id = `p${String(n).padStart(11, '0')}`;
  const p = { participantId: id, userId: n % 125 === 0 ? `pub-${n}` : `crowd-${n}`, state: 'CONNECTED', published: n % 125 === 0, firstJoinTime: new Date(t0 + n * 10), recordingState: 'DISABLED' };
  connected.set(id, p);
};
for (let i = 0; i < CONNECTED; i++) arrive();
function churn() {
  const leaving = [...connected.keys()].slice(0, CHURN);
  for (const id of leaving) {
    const p = connected.get(id);
    connected.delete(id);
    left.set(id, { ...p, state: 'DISCONNECTED' });
  }
  for (const id of [...left.keys()].slice(0, Math.max(0, left.size - 1000))) left.delete(id);
  for (let i = 0; i < CHURN; i++) arrive();
}
function snapshot(poll) {
  const stage = { arn: STAGE, name: 'frames', activeSessionId: SESSION };
  const session = { sessionId: SESSION, startTime: new Date(t0) };
  return {
    ...mod.emptySnapshot(STAGE),
    sessionId: SESSION,
    rosterComplete: true,
    headcounts: new Map([[SESSION, { count: connected.size + left.size, more: false }]]),
    stage: new Map([[STAGE, stage]]),
    session: new Map([[SESSION, session]]),
    participant: new Map([...left, ...connected]),
    poll,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 40)); // past Ink's 30 fps throttle
// As the full-screen watch sizes V8 for memory when it starts (src/watch/ui/main.tsx).
(await import('node:v8')).setFlagsFromString('--optimize-for-size');
const view = mod.screen(STAGE);
const samples = [];
let frames0 = 0;
for (let poll = 0; poll < WARMUP + POLLS; poll++) {
  churn();
  const next = snapshot(poll);
  if (poll === WARMUP) {
    frames0 = view.frames();
  }
  const cpu = process.cpuUsage();
  view.poller.land(next);
  await settle();
  const used = process.cpuUsage(cpu);
  if (poll >= WARMUP) samples.push((used.user + used.system) / 1000);
}
view.stop();
const sorted = [...samples].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const result = {
  node: process.version,
  polls: POLLS,
  participants: CONNECTED + 1000,
  churnPerPoll: CHURN,
  cpuMsPerPoll: { mean: +(samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(2), median: +at(0.5).toFixed(2), p90: +at(0.9).toFixed(2) },
  framesPerPoll: +((view.frames() - frames0) / POLLS).toFixed(2),
  rssMb: Math.round(process.memoryUsage().rss / 1048576),
};
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  process.stdout.write(
    `node ${result.node}; ${result.participants} participants listed, ${CHURN} join and ${CHURN} leave per poll; ${POLLS} polls after ${WARMUP} to warm up\n` +
      `CPU per poll (diff, store, React, Ink's frame): mean ${result.cpuMsPerPoll.mean} ms, median ${result.cpuMsPerPoll.median} ms, p90 ${result.cpuMsPerPoll.p90} ms\n` +
      `frames per poll ${result.framesPerPoll}; RSS ${result.rssMb} MB\n`,
  );
}
process.exit(0);
