// The delivery worker against real HTTP receivers and real processes, with the emulator's own clock and
// an in-memory outbox standing in for the store: retries, back-off, dead letters, rules and faults.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/emulator/state/clock.js';
import { BEHIND_BACKLOG, DEFAULT_CONCURRENCY, DeliveryWorker, MAX_CONCURRENCY, REORDER_HOLD_MS, type DeadLetter } from '../../src/emulator/eventbridge/delivery.js';
import { parseFaults, type FaultPlan } from '../../src/emulator/eventbridge/faults.js';
import { compilePattern } from '../../src/emulator/eventbridge/pattern.js';
import { ALL_IVS_EVENTS, DEFAULT_RETRY, flagTargets, parseRules, target, type DeliveryConfig, type RetryPolicy } from '../../src/emulator/eventbridge/rules.js';
import { mountTmpfs } from '../helpers/mounts.js';
import { startReceiver, type Receiver } from './receiver.js';

interface Bed {
  clock: VirtualClock;
  outbox: Map<string, Record<string, unknown>>;
  worker: DeliveryWorker;
  log: string[];
  /** Resolves when a log line matches. */
  logged(pattern: RegExp): Promise<string>;
  /** Commits event number `n` and hands it to the worker. */
  emit(n: number, detail?: Record<string, unknown>): string;
  /** Resolves once the outbox is empty. */
  drained(): Promise<void>;
}

let dir: string;
const receivers: Receiver[] = [];
const beds: Bed[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ivsrt-delivery-'));
});

afterEach(async () => {
  for (const bed of beds.splice(0)) {
    bed.worker.close();
    bed.clock.clear();
  }
  for (const r of receivers.splice(0)) await r.close();
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

function event(n: number, detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    'detail-type': 'IVS Stage Update',
    source: 'aws.ivs',
    account: '123456789012',
    time: '2026-11-29T12:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGh1234'],
    detail: { event_name: 'Participant Published', n, ...detail },
  };
}

function bed(config: Partial<DeliveryConfig> & { targets: DeliveryConfig['targets'] }, faults?: FaultPlan): Bed {
  // A clock that all but stands still: time moves only when a test advances it, so delays and back-offs
  // come due in exactly the same order on every run.
  const clock = new VirtualClock({ speed: 1e-9 });
  const outbox = new Map<string, Record<string, unknown>>();
  const log: string[] = [];
  const watchers: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const drainWaiters: (() => void)[] = [];
  const worker = new DeliveryWorker(
    {
      clock,
      log: (line) => {
        log.push(line);
        for (const w of watchers.filter((w) => w.pattern.test(line))) w.resolve(line);
      },
      removeFromOutbox: async (key) => {
        outbox.delete(key);
        if (outbox.size === 0) for (const resolve of drainWaiters.splice(0)) resolve();
      },
    },
    // One delivery at a time: the order a receiver sees is then exactly the order of hand-over.
    { retry: DEFAULT_RETRY, deadLetterFile: join(dir, 'dead.ndjson'), concurrency: 1, ...config },
    faults,
  );
  const made: Bed = {
    clock,
    outbox,
    worker,
    log,
    logged: (pattern) => {
      const seen = log.find((line) => pattern.test(line));
      return seen ? Promise.resolve(seen) : new Promise((resolve) => watchers.push({ pattern, resolve }));
    },
    emit(n, detail) {
      const key = `${String(Math.floor(clock.now())).padStart(15, '0')}.${String(n).padStart(9, '0')}`;
      const e = event(n, detail);
      outbox.set(key, e);
      worker.enqueue(key, e);
      return key;
    },
    drained: () => (outbox.size === 0 ? Promise.resolve() : new Promise((resolve) => drainWaiters.push(resolve))),
  };
  beds.push(made);
  return made;
}

const deadLetters = (file = join(dir, 'dead.ndjson')): DeadLetter[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetter);

const retry = (policy: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY, ...policy });

describe('delivery to an HTTP target', () => {
  it('POSTs the envelope alone, as an API destination does, then removes the outbox entry', async () => {
    const r = await receiver();
    const b = bed({ targets: flagTargets([r.url]) });
    b.emit(1);
    const [got] = await r.waitFor(1);
    expect(got!.body).toEqual(event(1));
    expect(got!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got!.headers['user-agent']).toBe('Amazon/EventBridge/ApiDestinations');
    await b.drained();
    expect(b.worker.stats).toMatchObject({ delivered: 1, retried: 0, deadLettered: 0 });
  });

  it('with concurrencyPerTarget 1 and no faults, a target receives events in commit order', async () => {
    const r = await receiver();
    const b = bed({ targets: flagTargets([r.url]) });
    for (let n = 1; n <= 30; n++) b.emit(n);
    await r.waitFor(30);
    expect(r.received.map((x) => x.body.detail.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('retries a 503 and a 429 with back-off on the emulator clock, then delivers', async () => {
    const r = await receiver();
    r.answer(503, 429);
    const b = bed({ targets: flagTargets([r.url]) });
    b.emit(1);
    await b.logged(/failed \(HTTP 503\); retry 1 in/);
    b.clock.advance(60_000);
    await b.logged(/failed \(HTTP 429\); retry 2 in/);
    b.clock.advance(60_000);
    await r.waitFor(1);
    await b.drained();
    expect(r.requests()).toBe(3);
    expect(b.worker.stats).toMatchObject({ delivered: 1, retried: 2 });
  });

  it('dead-letters a 400 at once (not retryable)', async () => {
    const r = await receiver();
    r.answer(400);
    const b = bed({ targets: flagTargets([r.url]) });
    b.emit(7);
    await b.drained();
    expect(r.requests()).toBe(1);
    const [letter] = deadLetters();
    expect(letter).toMatchObject({ rule: 'event-target', target: `event-target:${r.url}`, errorCode: 'NON_RETRYABLE_ERROR', errorMessage: 'HTTP 400', retryAttempts: 0, event: event(7) });
  });

  it('dead-letters after maximumRetryAttempts', async () => {
    const r = await receiver();
    r.answer(500, 500, 500);
    const b = bed({ targets: flagTargets([r.url]), retry: retry({ maximumRetryAttempts: 2 }) });
    b.emit(1);
    for (let i = 1; i <= 2; i++) {
      await b.logged(new RegExp(`retry ${i} in`));
      b.clock.advance(60_000);
    }
    await b.drained();
    expect(r.requests()).toBe(3);
    expect(deadLetters()[0]).toMatchObject({ errorCode: 'RETRIES_EXHAUSTED', retryAttempts: 2, errorMessage: 'HTTP 500' });
  });

  it('dead-letters an event older than maximumEventAge instead of retrying it', async () => {
    const r = await receiver();
    r.answer(502);
    const b = bed({ targets: flagTargets([r.url]), retry: retry({ maximumEventAgeMs: 60_000 }) });
    b.emit(1);
    await b.logged(/retry 1 in/);
    b.clock.advance(59_500);
    r.answer(502);
    await b.drained();
    expect(deadLetters()[0]).toMatchObject({ errorCode: 'MAXIMUM_EVENT_AGE_EXCEEDED', retryAttempts: 1 });
  });

  it('retries a target that is down (connection refused)', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const b = bed({ targets: flagTargets([url]), retry: retry({ maximumRetryAttempts: 1 }) });
    b.emit(1);
    await b.logged(/failed \(ECONNREFUSED\); retry 1 in/);
    b.clock.advance(60_000);
    await b.drained();
    expect(deadLetters()[0]).toMatchObject({ errorCode: 'RETRIES_EXHAUSTED', errorMessage: 'ECONNREFUSED' });
  });

  it('by default several deliveries to one target are in flight at once', async () => {
    let open = 0;
    let most = 0;
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      open++;
      most = Math.max(most, open);
      req.resume();
      // Answer once a few are waiting, so the overlap does not depend on timing.
      setTimeout(() => {
        open--;
        res.end();
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const b = bed({ targets: flagTargets([`http://127.0.0.1:${(server.address() as { port: number }).port}/`]), concurrency: undefined });
    for (let n = 1; n <= 30; n++) b.emit(n);
    await b.drained();
    server.close();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(MAX_CONCURRENCY);
  });
});

/** A function target that holds every delivery until the test answers it: in flight is what it holds. */
function heldTarget() {
  const held: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const spec = { kind: 'function' as const, name: 'held', invoke: () => new Promise<void>((resolve, reject) => held.push({ resolve, reject })) };
  /** Answers the oldest held delivery (or fails it), then lets the worker react. */
  const answer = async (ok = true) => {
    const next = held.shift()!;
    if (ok) next.resolve();
    else next.reject(new Error('target failed'));
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { target: target('rule', spec, compilePattern(ALL_IVS_EVENTS)), held, answer };
}

describe('concurrency per target', () => {
  it('adapts: each answer while events wait lets one more go at a time, a failure halves it; a configured concurrency stays fixed', async () => {
    const adaptive = heldTarget();
    const b = bed({ targets: [adaptive.target], concurrency: undefined });
    for (let n = 1; n <= 40; n++) b.emit(n);
    await Promise.resolve();
    expect(adaptive.held).toHaveLength(DEFAULT_CONCURRENCY);
    for (let i = 0; i < 5; i++) await adaptive.answer();
    // five answered, each raising the limit by one: 15 in flight now
    expect(adaptive.held).toHaveLength(DEFAULT_CONCURRENCY + 5);
    expect(b.worker.backlog()).toEqual([{ target: adaptive.target.id, waiting: 40 - 5 - 15, inFlight: 15, concurrency: 15, behind: false }]);
    await adaptive.answer(false);
    expect(b.worker.backlog()[0]).toMatchObject({ concurrency: 7, inFlight: 14 });

    const fixed = heldTarget();
    const f = bed({ targets: [fixed.target], concurrency: 3 });
    for (let n = 1; n <= 10; n++) f.emit(n);
    await Promise.resolve();
    for (let i = 0; i < 4; i++) await fixed.answer();
    expect(fixed.held).toHaveLength(3);
    expect(f.worker.backlog()[0]).toMatchObject({ concurrency: 3, inFlight: 3, waiting: 3 });
  });

  it('a target that cannot keep up is reported behind, with its backlog, in the log and the backlog; then caught up', async () => {
    const slow = heldTarget();
    const b = bed({ targets: [slow.target], concurrency: 2 });
    for (let n = 1; n <= BEHIND_BACKLOG + 2; n++) b.emit(n);
    const line = await b.logged(/is behind/);
    expect(line).toMatch(new RegExp(`^events: ${slow.target.id} is behind: ${BEHIND_BACKLOG} event\\(s\\) waiting, 2 in flight \\(at most 2 at a time\\), \\d+/s to send, 0/s answered; nothing is lost`));
    expect(b.worker.backlog()[0]).toMatchObject({ waiting: BEHIND_BACKLOG, behind: true });
    // more events within the next ten seconds (emulator clock) do not repeat the line
    b.emit(BEHIND_BACKLOG + 3);
    expect(b.log.filter((l) => l.includes('is behind'))).toHaveLength(1);
    while (slow.held.length > 0) await slow.answer();
    await b.logged(/has caught up/);
    expect(b.worker.backlog()[0]).toMatchObject({ waiting: 0, inFlight: 0, behind: false });
  });
});

/**
 * A webhook that answers its first `bad` requests with `reply` (raw bytes, then `ending` the socket, or
 * leaving it open) and every later one with a whole 200; it counts the requests it read in full.
 */
async function brokenWebhook(bad: number, reply: string, ending: 'end' | 'reset' | 'hang'): Promise<{ url: string; requests: () => number; close: () => void }> {
  const { createServer } = await import('node:net');
  let requests = 0;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      const head = buffered.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(buffered)?.[1] ?? 0);
      if (head < 0 || buffered.length < head + 4 + length) return;
      buffered = buffered.slice(head + 4 + length);
      if (++requests > bad) return void socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      socket.write(reply);
      if (ending === 'end') socket.end();
      else if (ending === 'reset') socket.resetAndDestroy();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    requests: () => requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('an attempt always ends (a reply cut short never holds a delivery slot)', () => {
  const partial = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"par';
  it.each([
    ['closed mid-body', 'end' as const],
    ['reset mid-body (a socket error)', 'reset' as const],
  ])('a reply %s fails the attempt, which is retried; the events after it are delivered', async (_label, ending) => {
    const hook = await brokenWebhook(1, partial, ending);
    try {
      // One delivery at a time: a slot held for good would keep event 2 from ever being sent.
      const b = bed({ targets: flagTargets([hook.url]), concurrency: 1 });
      b.emit(1);
      b.emit(2);
      await b.logged(/failed \(the reply was cut short.*\); retry 1 in/);
      b.clock.advance(60_000);
      await b.drained();
      expect(hook.requests()).toBe(3);
      expect(b.worker.stats).toMatchObject({ delivered: 2, retried: 1, deadLettered: 0 });
    } finally {
      hook.close();
    }
  });

  it('a reply that stops mid-body and stays open is ended at the 5 s limit, logged as stuck, and retried', async () => {
    const hook = await brokenWebhook(1, partial, 'hang');
    try {
      const b = bed({ targets: flagTargets([hook.url]), concurrency: 1 });
      b.emit(1);
      expect(await b.logged(/stuck/)).toMatch(new RegExp(`events: an attempt to deliver to ${hook.url} is stuck: no complete reply within 5 s`));
      await b.logged(/failed \(no complete reply within 5 s\); retry 1 in/);
      b.clock.advance(60_000);
      await b.drained();
      expect(b.worker.stats).toMatchObject({ delivered: 1, retried: 1 });
    } finally {
      hook.close();
    }
  });

  it('a command whose output a detached child keeps open is ended past its timeout, logged as stuck, and retried', async () => {
    const b = bed({ targets: parseRules(JSON.stringify({ rules: [{ name: 'detached', targets: [{ command: 'setsid sleep 4 & exit 0', timeoutSeconds: 0.2 }] }] }), 'rules.json').targets });
    b.emit(1);
    // The shell must have detached its child before the 0.2 s kill, or the kill ends it all and the attempt
    // simply times out. Which one happened is read from the log, not guessed from the clock: an attempt
    // killed too early is retried until one outlives its limit.
    for (let retry = 1; ; retry++) {
      const failure = await b.logged(new RegExp(`failed \\(.*\\); retry ${retry} in`));
      if (failure.includes('(no outcome within 0.2 s)')) break;
      expect(failure).toContain('(timed out after 0.2 s)');
      b.clock.advance(60_000);
    }
    expect(await b.logged(/stuck/)).toMatch(/events: an attempt to deliver to exec:setsid sleep 4 & exit 0 is stuck: no outcome within 0.2 s/);
  });
});

describe('the dead-letter file on a full disk', () => {
  const disk = mountTmpfs('1m', 'dead-letter-disk');
  if (typeof disk === 'string') console.warn(`dead-letter full-disk test skipped: cannot mount a tmpfs here (${disk})`);

  it.skipIf(typeof disk === 'string')('a failed append leaves no torn line; the letters kept back are written, in order, once space is freed, without a restart', async () => {
    if (typeof disk === 'string') return;
    const r = await receiver();
    r.answer(...Array(10).fill(400)); // not retryable: each event goes straight to the dead-letter file
    const file = join(disk.dir, 'dead.ndjson');
    const b = bed({ targets: flagTargets([r.url]), deadLetterFile: file });
    // Letters of about 6 KB: bigger than what the first one leaves free in its last page.
    const padding = 'x'.repeat(6_000);
    b.emit(1, { padding });
    await b.drained();
    const lines = () => readFileSync(file, 'utf8');
    expect(lines().split('\n')).toHaveLength(2);
    // Fill the disk to the last byte it will take.
    const filler = join(disk.dir, 'filler');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) appendFileSync(filler, chunk);
    } catch {
      // full
    }
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(512));
    } catch {
      // full to the byte
    }
    b.emit(2, { padding });
    b.emit(3, { padding });
    await b.logged(/cannot write the dead-letter file .*; 2 letter\(s\) kept back, their events stay in the outbox/);
    // whole lines only: the one letter written before, nothing of the two kept back
    expect(lines().endsWith('\n')).toBe(true);
    expect(lines().trim().split('\n').map((line) => (JSON.parse(line) as DeadLetter).event)).toEqual([expect.objectContaining({ id: event(1).id })]);
    expect(b.outbox.size).toBe(2);
    rmSync(filler);
    await b.drained();
    expect(deadLetters(file).map((letter) => (letter.event as { detail: { n: number } }).detail.n)).toEqual([1, 2, 3]);
  });
});

describe('rules', () => {
  it('each target gets only the events its pattern matches; unmatched events leave the outbox', async () => {
    const published = await receiver();
    const everything = await receiver();
    const rules = parseRules(
      JSON.stringify({
        rules: [
          { name: 'published', pattern: { detail: { event_name: ['Participant Published'] } }, targets: [published.url] },
          { name: 'all', targets: [{ url: everything.url }] },
        ],
      }),
      'rules.json',
    );
    const b = bed({ targets: rules.targets });
    b.emit(1);
    b.emit(2, { event_name: 'Participant Unpublished' });
    b.emit(3, { event_name: 'Participant Published' });
    await everything.waitFor(3);
    await published.waitFor(2);
    await b.drained();
    expect(published.received.map((x) => x.body.detail.n)).toEqual([1, 3]);
    expect(everything.received.map((x) => x.body.detail.n)).toEqual([1, 2, 3]);
  });

  it('an event no rule matches is removed from the outbox without a delivery', async () => {
    const r = await receiver();
    const rules = parseRules(JSON.stringify({ rules: [{ pattern: { detail: { event_name: ['Recording End'] } }, targets: [r.url] }] }), 'rules.json');
    const b = bed({ targets: rules.targets });
    b.emit(1);
    await b.drained();
    expect(r.requests()).toBe(0);
  });
});

describe('command targets', () => {
  it('runs the command once per event with the envelope on stdin', async () => {
    const out = join(dir, 'got');
    const b = bed({ targets: flagTargets([`exec:cat >> '${out}'; echo >> '${out}'`]) });
    b.emit(1);
    b.emit(2);
    await b.drained();
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([event(1), event(2)]);
  });

  it('a failing command is retried; a command that outlives its timeout is killed and counts as failed', async () => {
    const marker = join(dir, 'ran');
    const script = join(dir, 'flaky.sh');
    // First run fails, second succeeds.
    writeFileSync(script, `if [ -e '${marker}' ]; then cat > /dev/null; exit 0; fi; touch '${marker}'; echo boom >&2; exit 3\n`);
    const rules = parseRules(
      JSON.stringify({ rules: [{ name: 'flaky', targets: [{ command: `sh '${script}'` }] }, { name: 'slow', targets: [{ command: 'sleep 30', timeoutSeconds: 0.2 }] }] }),
      'rules.json',
    );
    const b = bed({ targets: rules.targets, retry: retry({ maximumRetryAttempts: 1 }) });
    b.emit(1);
    await b.logged(/to flaky:exec:.*failed \(exit code 3\); retry 1 in/);
    expect(b.log.some((line) => line.includes('boom'))).toBe(true);
    await b.logged(/to slow:exec:sleep 30 failed \(timed out after 0.2 s\); retry 1 in/);
    b.clock.advance(60_000);
    await b.drained();
    expect(b.worker.stats.delivered).toBe(1);
    expect(deadLetters()).toMatchObject([{ rule: 'slow', errorCode: 'RETRIES_EXHAUSTED', errorMessage: 'timed out after 0.2 s' }]);
  });
});

describe('faults, reproducible under a seed', () => {
  const N = 40;

  /** Delivers N events with `faults` and returns the order the receiver saw them in. */
  async function run(faults: FaultPlan, advanceMs = 0): Promise<{ order: number[]; stats: DeliveryWorker['stats'] }> {
    const r = await receiver();
    const b = bed({ targets: flagTargets([r.url]) }, faults);
    for (let n = 1; n <= N; n++) b.emit(n);
    if (advanceMs > 0) b.clock.advance(advanceMs);
    await b.drained();
    return { order: r.received.map((x) => x.body.detail.n as number), stats: { ...b.worker.stats } };
  }

  it('duplicate: some events arrive twice, the same ones for the same seed', async () => {
    const first = await run(parseFaults('duplicate=0.25', 42));
    const again = await run(parseFaults('duplicate=0.25', 42));
    const other = await run(parseFaults('duplicate=0.25', 7));
    const twice = (order: number[]) => order.filter((n, i) => order.indexOf(n) !== i);
    expect(twice(first.order).length).toBeGreaterThan(0);
    expect(new Set(first.order).size).toBe(N);
    expect(again.order).toEqual(first.order);
    expect(twice(other.order)).not.toEqual(twice(first.order));
  });

  it('drop: some events never arrive, the same ones for the same seed', async () => {
    const first = await run(parseFaults('drop=0.2', 42));
    const again = await run(parseFaults('drop=0.2', 42));
    expect(first.order.length).toBeLessThan(N);
    expect(first.order.length).toBe(N - first.stats.dropped);
    expect(again.order).toEqual(first.order);
  });

  it('reorder: some events arrive after a later one, the same way for the same seed', async () => {
    const first = await run(parseFaults('reorder=0.3', 42), REORDER_HOLD_MS);
    const again = await run(parseFaults('reorder=0.3', 42), REORDER_HOLD_MS);
    const sorted = [...first.order].sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(first.order).not.toEqual(sorted);
    expect(again.order).toEqual(first.order);
  });

  it('delay: events wait on the emulator clock, and arrive once it has moved on', async () => {
    const first = await run(parseFaults('delay=5s', 42), 5_000);
    const again = await run(parseFaults('delay=5s', 42), 5_000);
    expect(first.stats.delayed).toBe(N);
    expect(first.order.length).toBe(N);
    expect(again.order).toEqual(first.order);
  });

  it('nothing is delivered before its delay has passed on the emulator clock', async () => {
    const r = await receiver();
    const b = bed({ targets: flagTargets([r.url]) }, parseFaults('delay=1h', 1));
    b.emit(1);
    // Let any (wrong) immediate delivery happen first: a round trip to the receiver that must not be one.
    await fetch(r.url.replace('/hook', '/probe'), { method: 'POST', body: '{}' });
    expect(r.received.map((x) => x.path)).toEqual(['/probe']);
    b.clock.advance(3_600_000);
    await r.waitFor(2);
    expect(r.received[1]!.body).toEqual(event(1));
  });
});
