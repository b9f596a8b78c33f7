import { SHAPES } from './api.js';
import type { Shape } from './types.js';

/** One broken rule: `path` is the member's path in the request (`participantTokenConfigurations[0].duration`). */
export interface Violation {
  path: string;
  rule: string;
}

export interface ValidateOptions {
  /** Report members the shape does not declare (the CLI does; the service ignores them). */
  rejectUnknown?: boolean;
  /** Also check the rules the service documents beyond the shapes (DOCUMENTED): the CLI does, before sending. */
  documented?: boolean;
}

/**
 * AWS's tagging rules, to which the model defers (the `tags` members' docs): keys beginning `aws:`, in any
 * case, belong to AWS and cannot be created, edited or deleted.
 */
export const isReservedTagKey = (key: string): boolean => key.toLowerCase().startsWith('aws:');

/** Rules on a string shape that its documentation states and its constraints do not carry. */
const DOCUMENTED: Record<string, (value: string) => string | undefined> = {
  TagKey: (key) => (isReservedTagKey(key) ? "must not start with 'aws:' (reserved for AWS's own tags)" : undefined),
};

const patternCache = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    // The model's patterns are written unanchored; the service matches them against the whole value.
    re = new RegExp(`^(?:${pattern})$`);
    patternCache.set(pattern, re);
  }
  return re;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Checks `value` against the named shape and returns every rule it breaks, in member order. */
export function validateShape(shapeName: string, value: unknown, options: ValidateOptions = {}, path = ''): Violation[] {
  const out: Violation[] = [];
  check(shapeName, value, path, options, out);
  return out;
}

function check(shapeName: string, value: unknown, path: string, options: ValidateOptions, out: Violation[]): void {
  const shape: Shape | undefined = SHAPES[shapeName];
  if (!shape) throw new Error(`unknown shape ${shapeName}`);
  const where = path || 'input';
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') {
        out.push({ path: where, rule: `must be a string, not ${typeName(value)}` });
        return;
      }
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) {
        out.push({ path: where, rule: shape.min === 1 ? 'must not be empty' : `must be at least ${shape.min} characters long` });
      }
      if (shape.max !== undefined && length > shape.max) {
        out.push({ path: where, rule: `must be at most ${shape.max} characters long` });
      }
      if (shape.enum && !shape.enum.includes(value)) {
        out.push({ path: where, rule: `must be one of ${shape.enum.join(', ')}` });
      }
      if (shape.pattern && !anchored(shape.pattern).test(value)) {
        out.push({ path: where, rule: `must match the pattern ${shape.pattern}` });
      }
      const documented = options.documented ? DOCUMENTED[shapeName]?.(value) : undefined;
      if (documented) out.push({ path: where, rule: documented });
      return;
    }
    case 'integer':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push({ path: where, rule: `must be a number, not ${typeName(value)}` });
        return;
      }
      if (shape.type === 'integer' && !Number.isInteger(value)) {
        out.push({ path: where, rule: 'must be a whole number' });
        return;
      }
      if (shape.min !== undefined && value < shape.min) out.push({ path: where, rule: `must be at least ${shape.min}` });
      if (shape.max !== undefined && value > shape.max) out.push({ path: where, rule: `must be at most ${shape.max}` });
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ path: where, rule: `must be true or false, not ${typeName(value)}` });
      return;
    case 'timestamp':
      if (!(typeof value === 'string' && !Number.isNaN(Date.parse(value))) && !(value instanceof Date)) {
        out.push({ path: where, rule: 'must be an ISO-8601 timestamp' });
      }
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        out.push({ path: where, rule: `must be a list, not ${typeName(value)}` });
        return;
      }
      if (shape.min !== undefined && value.length < shape.min) out.push({ path: where, rule: `must have at least ${shape.min} item(s)` });
      if (shape.max !== undefined && value.length > shape.max) out.push({ path: where, rule: `must have at most ${shape.max} item(s)` });
      value.forEach((item, i) => check(shape.member, item, join(path, i), options, out));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ path: where, rule: `must be a map of key/value pairs, not ${typeName(value)}` });
        return;
      }
      const entries = Object.entries(value);
      if (shape.min !== undefined && entries.length < shape.min) out.push({ path: where, rule: `must have at least ${shape.min} entries` });
      if (shape.max !== undefined && entries.length > shape.max) out.push({ path: where, rule: `must have at most ${shape.max} entries` });
      for (const [k, v] of entries) {
        const keyProblems = validateShape(shape.key, k, options, `${where} key "${k}"`);
        out.push(...keyProblems);
        check(shape.value, v, `${where}.${k}`, options, out);
      }
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        out.push({ path: where, rule: `must be an object, not ${typeName(value)}` });
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (record[name] === undefined || record[name] === null) out.push({ path: join(path, name), rule: 'is required' });
      }
      for (const [name, v] of Object.entries(record)) {
        // Own members only: a request member named `constructor` or `__proto__` is unknown, not Object's.
        const member = Object.hasOwn(shape.members, name) ? shape.members[name] : undefined;
        if (!member) {
          if (options.rejectUnknown) out.push({ path: join(path, name), rule: `is not a known member (known: ${Object.keys(shape.members).join(', ')})` });
          continue;
        }
        if (v === undefined || v === null) continue;
        check(member.shape, v, join(path, name), options, out);
      }
      return;
    }
  }
}

/** The one-line form the service and the CLI both print: `<path> <rule>`. */
export function describeViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.path} ${v.rule}`).join('; ');
}
