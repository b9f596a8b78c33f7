// Turns two snapshots into kubectl-style watch events. Pure: the same inputs always give the same list.
import {
  CHANGE_KINDS,
  type Change,
  type ChangeKind,
  type Collections,
  type KindObjects,
} from './model.js';

/** Participant events are a log: entries only ever appear, and dropping old ones is not news. */
const APPEND_ONLY: ReadonlySet<ChangeKind> = new Set(['event']);

export function diffSnapshots(previous: Collections, next: Collections, timestamp: string): Change[] {
  return CHANGE_KINDS.flatMap((kind) => diffKind(kind, previous[kind], next[kind], timestamp));
}

function diffKind<K extends ChangeKind>(
  kind: K,
  before: ReadonlyMap<string, KindObjects[K]>,
  after: ReadonlyMap<string, KindObjects[K]>,
  timestamp: string,
): Change[] {
  const changes: Change[] = [];
  for (const [key, object] of after) {
    const old = before.get(key);
    if (old === undefined) changes.push({ type: 'ADDED', kind, object, timestamp } as Change);
    else if (!sameValue(old, object)) changes.push({ type: 'MODIFIED', kind, object, previous: old, timestamp } as Change);
  }
  if (!APPEND_ONLY.has(kind)) {
    for (const [key, object] of before) {
      if (!after.has(key)) changes.push({ type: 'REMOVED', kind, object, timestamp } as Change);
    }
  }
  return changes;
}

/**
 * Structural equality over what the SDK returns: plain objects, arrays, Dates and primitives. A key whose
 * value is undefined counts as absent. Allocates nothing: a poll compares every participant of a session.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    defined++;
    if (!sameValue(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) defined--;
  return defined === 0;
}
