// The live event stream of the emulator: `POST /_ivsrt/events` answers with NDJSON, one EventBridge
// envelope per line, first the logged events from `since`, then (with `follow`) every event as it is
// committed, until the client goes away or the emulator stops. `ivsrt events tail` and watch read it
// through the admin client.
import type { ServerResponse } from 'node:http';
import type { StreamedReply, StreamRequest } from './admin-contract.js';
import { validationError } from '../state/errors.js';
import type { EventBus, LoggedEvent } from '../eventbridge/bus.js';
import { timeOrDuration } from '../eventbridge/faults.js';
import { compilePattern, PatternError, type CompiledPattern } from '../eventbridge/pattern.js';
import { describeTarget, parseTargetFlag } from '../eventbridge/rules.js';

/** An admin route's answer that writes the response itself. */
interface Streamed extends StreamedReply {
  pipe(res: ServerResponse): void;
}

export const isStreamed = (value: unknown): value is Streamed => typeof value === 'object' && value !== null && (value as Streamed).streamed === true;

/** The pattern that selects a stage's events: stage updates and recordings name it in `resources`, compositions in `detail.stage_arn`. */
export function stagePattern(stageArn: string): Record<string, unknown> {
  return { $or: [{ resources: [stageArn] }, { detail: { stage_arn: [stageArn] } }] };
}

/** `--since`: an ISO-8601 time or a duration back from `nowMs`; epoch ms. */
function sinceMs(text: string, nowMs: number): number {
  const ms = timeOrDuration(text, nowMs, -1);
  if (ms === undefined) throw validationError(`since must be an ISO-8601 time (2026-11-29T12:00:00Z) or a duration (10m, 2h), got "${text}"`);
  return ms;
}

function filterOf(request: StreamRequest): CompiledPattern | undefined {
  const patterns: unknown[] = [];
  if (request.stageArn !== undefined) patterns.push(stagePattern(request.stageArn));
  if (request.pattern !== undefined) patterns.push(request.pattern);
  try {
    const compiled = patterns.map((p) => compilePattern(p));
    if (compiled.length === 0) return undefined;
    return { source: {}, matches: (event) => compiled.every((c) => c.matches(event)) };
  } catch (error) {
    if (error instanceof PatternError) throw validationError(`pattern: ${error.message}`);
    throw error;
  }
}

export function readStreamRequest(body: Record<string, unknown>): StreamRequest {
  const { since, stageArn, pattern, follow, deliveredTo } = body;
  if (deliveredTo !== undefined && (typeof deliveredTo !== 'string' || deliveredTo === '')) throw validationError('1 validation error detected: deliveredTo must be a non-empty string');
  if (since !== undefined && typeof since !== 'string') throw validationError('1 validation error detected: since must be a string');
  if (stageArn !== undefined && (typeof stageArn !== 'string' || !stageArn.startsWith('arn:'))) throw validationError('1 validation error detected: stageArn must be a stage ARN');
  if (follow !== undefined && typeof follow !== 'boolean') throw validationError('1 validation error detected: follow must be true or false');
  return { since, stageArn, pattern, follow, deliveredTo: deliveredTo as string | undefined };
}

/** The ids of the bus's targets that `given` names: by URL or `exec:` command as configured, or by id. */
function targetIds(bus: EventBus, given: string): Set<string> {
  let described = given;
  try {
    described = describeTarget(parseTargetFlag(given));
  } catch {
    // not a URL or command: perhaps an id
  }
  const ids = new Set(bus.targets.filter((t) => t.id === given || describeTarget(t.spec) === described).map((t) => t.id));
  if (ids.size === 0) {
    const known = bus.targets.map((t) => describeTarget(t.spec));
    throw validationError(`deliveredTo: the emulator delivers to no target ${given} (its targets: ${known.length ? known.join(', ') : 'none'})`);
  }
  return ids;
}

/** Validates the request now (so a bad one gets a proper error reply) and returns the stream to send. */
export function openEventStream(bus: EventBus, nowMs: number, request: StreamRequest): Streamed {
  const filter = filterOf(request);
  const from = request.since === undefined ? undefined : sinceMs(request.since, nowMs);
  if (request.deliveredTo !== undefined) return openDeliveryStream(bus, targetIds(bus, request.deliveredTo), filter, from, request.follow !== false);
  return {
    streamed: true,
    pipe(res) {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      const write = ({ event }: LoggedEvent) => {
        if (!filter || filter.matches(event)) res.write(`${JSON.stringify(event)}\n`);
      };
      // History and subscription happen in the same turn, so no event falls between them.
      if (from !== undefined) for (const logged of bus.history(from)) write(logged);
      if (request.follow === false) {
        res.end();
        return;
      }
      // Flush the headers now, so the client knows the stream is open before the first event.
      res.flushHeaders();
      const unsubscribe = bus.subscribe(write, () => res.end());
      res.once('close', unsubscribe);
    },
  };
}

/** Events as the named targets acknowledge them: those already acknowledged (from `from`), then each as it is. */
function openDeliveryStream(bus: EventBus, ids: Set<string>, filter: CompiledPattern | undefined, from: number | undefined, follow: boolean): Streamed {
  return {
    streamed: true,
    pipe(res) {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      const sent = new Set<string>();
      const write = (key: string): void => {
        const event = bus.event(key);
        if (sent.has(key) || !event || (filter && !filter.matches(event))) return;
        sent.add(key);
        res.write(`${JSON.stringify(event)}\n`);
      };
      const acknowledged = (key: string) => [...bus.deliveries(key)].some(([id, status]) => ids.has(id) && status === 'delivered');
      if (from !== undefined) for (const { key } of bus.history(from)) if (acknowledged(key)) write(key);
      if (!follow) {
        res.end();
        return;
      }
      res.flushHeaders();
      const stopListening = bus.onDelivery(({ key, target, status }) => {
        if (status === 'delivered' && ids.has(target.id)) write(key);
      });
      const unsubscribe = bus.subscribe(() => {}, () => res.end());
      res.once('close', () => {
        stopListening();
        unsubscribe();
      });
    },
  };
}
