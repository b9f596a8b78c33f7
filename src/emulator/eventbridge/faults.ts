// The delivery faults AWS warns about ("events may be missing, hours late, or out of order"), each off
// by default: `--event-faults duplicate=0.2,reorder=0.3,delay=5s,drop=0.1 --event-seed 42`.
// Every decision is a hash of (seed, target, the event's ordinal for that target, fault), not a draw
// from a shared generator, so the same events reach a target with the same faults on every run,
// whatever the timing of other targets or retries.

export interface FaultPlan {
  /** Probability that an event is delivered twice. */
  duplicate: number;
  /** Probability that an event is held back and delivered after the next one. */
  reorder: number;
  /** Probability that an event is never delivered. */
  drop: number;
  /** Each event waits a random time up to this long (emulator clock, ms) before its first attempt. */
  delayMs: number;
  seed: number;
}

export const NO_FAULTS: FaultPlan = { duplicate: 0, reorder: 0, drop: 0, delayMs: 0, seed: 0 };

interface FaultDecision {
  drop: boolean;
  duplicate: boolean;
  reorder: boolean;
  delayMs: number;
}

export class FaultSpecError extends Error {}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `2m`, `1h` (a bare number is seconds). */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new FaultSpecError(`${what} must be a duration such as 500ms, 5s, 2m or 1h, got "${text}"`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? 's']!);
}

/** An ISO-8601 time, or a duration before (`sign` -1) or after (+1) `nowMs`; undefined when it is neither. */
export function timeOrDuration(text: string, nowMs: number, sign: 1 | -1): number | undefined {
  if (/^\d+(\.\d+)?(ms|s|m|h)?$/.test(text.trim())) return nowMs + sign * parseDuration(text, 'a duration');
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function probability(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new FaultSpecError(`--event-faults ${name} must be a probability from 0 to 1, got "${text}"`);
  return value;
}

/** Parses `duplicate=0.2,reorder=0.3,delay=5s,drop=0.1`. */
export function parseFaults(spec: string | undefined, seed = 0): FaultPlan {
  const plan: FaultPlan = { ...NO_FAULTS, seed };
  if (spec === undefined || spec.trim() === '') return plan;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1);
    switch (name) {
      case 'duplicate':
      case 'reorder':
      case 'drop':
        plan[name] = probability(name, value);
        break;
      case 'delay':
        plan.delayMs = parseDuration(value, '--event-faults delay');
        break;
      default:
        throw new FaultSpecError(`--event-faults: unknown fault "${name}" (use duplicate, reorder, delay, drop)`);
    }
  }
  return plan;
}

export function describeFaults(plan: FaultPlan): string {
  const parts = (['duplicate', 'reorder', 'drop'] as const).filter((k) => plan[k] > 0).map((k) => `${k}=${plan[k]}`);
  if (plan.delayMs > 0) parts.push(`delay=${plan.delayMs}ms`);
  return `${parts.join(',')}, seed ${plan.seed}`;
}

export const faultsActive = (plan: FaultPlan): boolean => plan.duplicate > 0 || plan.reorder > 0 || plan.drop > 0 || plan.delayMs > 0;

/** A uniform number in [0, 1) from the inputs (FNV-1a, then a murmur3 finaliser for spread). */
export function unit(seed: number, target: string, ordinal: number, fault: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of `${target}\u0000${ordinal}\u0000${fault}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** What happens to the `ordinal`-th event (0-based) delivered to `target`. */
export function decide(plan: FaultPlan, target: string, ordinal: number): FaultDecision {
  const roll = (fault: string, p: number) => p > 0 && unit(plan.seed, target, ordinal, fault) < p;
  return {
    drop: roll('drop', plan.drop),
    duplicate: roll('duplicate', plan.duplicate),
    reorder: roll('reorder', plan.reorder),
    delayMs: plan.delayMs > 0 ? Math.floor(unit(plan.seed, target, ordinal, 'delay') * plan.delayMs) : 0,
  };
}
