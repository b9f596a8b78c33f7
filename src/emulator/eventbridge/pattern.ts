// EventBridge's event-pattern language, as the EventBridge User Guide documents it ("Event patterns",
// "Comparison operators", "Matching on arrays", "Matching on null values"): a pattern mirrors the event's
// shape; each leaf is a list of conditions, any one of which may match; every named field must match;
// `$or` takes a list of alternative sub-patterns. Pure: no I/O, used by the emulator's rules, by
// `events.waitFor(pattern)` in the test fixture and by `ivsrt events tail`.
//
// Semantics worth knowing (each is covered by test/events/pattern*.test.ts):
// - A leaf of the event is a string, number, boolean or null, or an array of them. Objects are not
//   leaves: `exists: true` does not match an object, `exists: false` does ("Exists matching only
//   works on leaf nodes").
// - An array in the event matches when any of its elements matches; arrays of objects are searched
//   element by element, so all fields of one sub-pattern must match within the same element.
// - An absent field matches only `exists: false`; `null` is a value (matched by `[null]` and
//   `exists: true`).
// - Numbers compare by value (`[300]` matches 3.0e2); `numeric`, `prefix`, `suffix`, `wildcard` and
//   `equals-ignore-case` apply only to numbers or strings respectively.

export type EventPattern = { [field: string]: unknown };

/** A pattern that breaks the language's rules; `path` names where (e.g. `detail.state[0]`). */
export class PatternError extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path || 'pattern'}: ${rule}`);
    this.name = 'PatternError';
  }
}

type Leaf = string | number | boolean | null;
type Condition = (value: Leaf) => boolean;

interface LeafMatcher {
  /** Field absent from the event. */
  absent: boolean;
  /** Field present but not a leaf (an object): only `exists: false` matches it. */
  conditions: Condition[];
}

type Node = { kind: 'leaf'; field: string; matcher: LeafMatcher } | { kind: 'object'; field: string; children: Node[] } | { kind: 'or'; alternatives: Node[][] };

export interface CompiledPattern {
  readonly source: EventPattern;
  matches(event: unknown): boolean;
}

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>=', '>']);
/** The documented range of numeric matching (EventBridge User Guide, "Numeric matching"). */
const NUMERIC_LIMIT = 5e9;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLeaf = (v: unknown): v is Leaf => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function where(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

function stringsOf(value: unknown, path: string, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string')) throw new PatternError(path, `${what} takes a string${Array.isArray(value) ? ' list' : ''}`);
  return list as string[];
}

function stringOf(value: unknown, path: string, what: string): string {
  if (typeof value !== 'string') throw new PatternError(path, `${what} takes a string`);
  return value;
}

/** `*` is any run of characters, `\*` a literal star and `\\` a literal backslash. */
function wildcard(pattern: string, path: string): (s: string) => boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new PatternError(path, 'wildcard: a backslash must escape * or \\');
      regex += next === '*' ? '\\*' : '\\\\';
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') throw new PatternError(path, 'wildcard: consecutive * are not allowed');
      regex += '[\\s\\S]*';
    } else {
      regex += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const compiled = new RegExp(`^${regex}$`);
  return (s) => compiled.test(s);
}

/** prefix / suffix: a string, or `{ "equals-ignore-case": string }`. */
function affix(value: unknown, path: string, name: 'prefix' | 'suffix'): (s: string) => boolean {
  const test = name === 'prefix' ? (s: string, a: string) => s.startsWith(a) : (s: string, a: string) => s.endsWith(a);
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') throw new PatternError(path, `${name} takes a string or {"equals-ignore-case": string}`);
    const folded = stringOf(value['equals-ignore-case'], path, `${name} equals-ignore-case`).toLowerCase();
    return (s) => test(s.toLowerCase(), folded);
  }
  const text = stringOf(value, path, name);
  return (s) => test(s, text);
}

function numeric(value: unknown, path: string): (n: number) => boolean {
  if (!Array.isArray(value) || value.length === 0 || value.length % 2 !== 0 || value.length > 4) {
    throw new PatternError(path, 'numeric takes one or two [operator, number] pairs, e.g. [">", 0, "<=", 5]');
  }
  const checks: ((n: number) => boolean)[] = [];
  for (let i = 0; i < value.length; i += 2) {
    const op = value[i];
    const bound = value[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) throw new PatternError(path, `numeric: unknown operator ${JSON.stringify(op)} (use <, <=, =, >=, >)`);
    if (typeof bound !== 'number' || Math.abs(bound) > NUMERIC_LIMIT) throw new PatternError(path, `numeric: ${JSON.stringify(bound)} must be a number from -5e9 to 5e9`);
    if (op === '=' && value.length > 2) throw new PatternError(path, 'numeric: "=" cannot be combined with another operator');
    checks.push(
      op === '<' ? (n) => n < bound : op === '<=' ? (n) => n <= bound : op === '=' ? (n) => n === bound : op === '>=' ? (n) => n >= bound : (n) => n > bound,
    );
  }
  if (checks.length === 2) {
    const lower = value.filter((_, i) => i % 2 === 0).filter((op) => op === '>' || op === '>=').length;
    if (lower !== 1) throw new PatternError(path, 'numeric: a range needs one lower (> or >=) and one upper (< or <=) bound');
  }
  return (n) => checks.every((check) => check(n));
}

function sameLeaf(a: Leaf, b: Leaf): boolean {
  return a === b;
}

/** The negated matcher inside `anything-but`: a value, a list, or one of prefix/suffix/equals-ignore-case/wildcard. */
function anythingBut(value: unknown, path: string): Condition {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1) throw new PatternError(path, 'anything-but takes a value, a list, or one of prefix, suffix, equals-ignore-case, wildcard');
    const [name] = keys as [string];
    const inner = value[name];
    let excluded: (s: string) => boolean;
    if (name === 'prefix' || name === 'suffix') excluded = affix(stringOf(inner, path, `anything-but ${name}`), path, name);
    else if (name === 'equals-ignore-case') {
      const folded = new Set(stringsOf(inner, path, 'anything-but equals-ignore-case').map((s) => s.toLowerCase()));
      excluded = (s) => folded.has(s.toLowerCase());
    } else if (name === 'wildcard') {
      const tests = stringsOf(inner, path, 'anything-but wildcard').map((w) => wildcard(w, path));
      excluded = (s) => tests.some((t) => t(s));
    } else throw new PatternError(path, `anything-but: unknown operator "${name}"`);
    return (v) => typeof v === 'string' && !excluded(v);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new PatternError(path, 'anything-but needs at least one value');
  const allStrings = list.every((v) => typeof v === 'string');
  const allNumbers = list.every((v) => typeof v === 'number');
  if (!allStrings && !allNumbers) throw new PatternError(path, 'anything-but takes strings only or numbers only');
  return (v) => !list.some((x) => sameLeaf(x as Leaf, v));
}

function condition(spec: unknown, path: string): { exists?: boolean; test?: Condition } {
  if (isLeaf(spec)) {
    if (typeof spec === 'number' && Math.abs(spec) > NUMERIC_LIMIT) throw new PatternError(path, `${spec} is outside the matchable range -5e9 to 5e9`);
    return { test: (v) => sameLeaf(spec, v) };
  }
  if (!isObject(spec)) throw new PatternError(path, 'a condition is a value or an object such as {"prefix": "..."}');
  const keys = Object.keys(spec);
  if (keys.length !== 1) throw new PatternError(path, `a condition object has exactly one operator, got ${keys.length}`);
  const [name] = keys as [string];
  const value = spec[name];
  switch (name) {
    case 'exists':
      if (typeof value !== 'boolean') throw new PatternError(path, 'exists takes true or false');
      return { exists: value };
    case 'prefix':
    case 'suffix': {
      const test = affix(value, path, name);
      return { test: (v) => typeof v === 'string' && test(v) };
    }
    case 'equals-ignore-case': {
      const folded = stringOf(value, path, 'equals-ignore-case').toLowerCase();
      return { test: (v) => typeof v === 'string' && v.toLowerCase() === folded };
    }
    case 'wildcard': {
      const test = wildcard(stringOf(value, path, 'wildcard'), path);
      return { test: (v) => typeof v === 'string' && test(v) };
    }
    case 'numeric': {
      const test = numeric(value, path);
      return { test: (v) => typeof v === 'number' && test(v) };
    }
    case 'anything-but':
      return { test: anythingBut(value, path) };
    case 'cidr': {
      const test = cidr(stringOf(value, path, 'cidr'), path);
      return { test: (v) => typeof v === 'string' && test(v) };
    }
    default:
      throw new PatternError(path, `unknown operator "${name}"`);
  }
}

function ipv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function ipv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** IP address matching: `{"cidr": "10.0.0.0/24"}` (IPv4 or IPv6). */
function cidr(block: string, path: string): (s: string) => boolean {
  const [address = '', bitsText] = block.split('/');
  const v4 = ipv4(address);
  const base = v4 ?? ipv6(address);
  const width = v4 !== undefined ? 32 : 128;
  const bits = Number(bitsText);
  if (base === undefined || bitsText === undefined || !/^\d+$/.test(bitsText) || bits > width) throw new PatternError(path, `cidr: "${block}" is not an address/prefix-length block`);
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return (s) => {
    const ip = v4 !== undefined ? ipv4(s) : ipv6(s);
    return ip !== undefined && (ip & mask) === (base & mask);
  };
}

function compileLeaf(specs: unknown[], path: string): LeafMatcher {
  if (specs.length === 0) throw new PatternError(path, 'a list of conditions cannot be empty');
  const matcher: LeafMatcher = { absent: false, conditions: [] };
  specs.forEach((spec, i) => {
    const { exists, test } = condition(spec, `${path}[${i}]`);
    if (exists === false) matcher.absent = true;
    else if (exists === true) matcher.conditions.push(() => true);
    else matcher.conditions.push(test!);
  });
  return matcher;
}

function compileObject(pattern: Record<string, unknown>, path: string): Node[] {
  const nodes: Node[] = [];
  for (const [field, spec] of Object.entries(pattern)) {
    const at = where(path, field);
    if (field === '$or') {
      if (!Array.isArray(spec) || spec.length < 2 || !spec.every(isObject)) throw new PatternError(at, '$or takes a list of at least two sub-patterns');
      nodes.push({ kind: 'or', alternatives: spec.map((alt, i) => compileObject(alt, `${at}[${i}]`)) });
    } else if (Array.isArray(spec)) nodes.push({ kind: 'leaf', field, matcher: compileLeaf(spec, at) });
    else if (isObject(spec)) nodes.push({ kind: 'object', field, children: compileObject(spec, at) });
    else throw new PatternError(at, 'must be an object or a list of conditions');
  }
  return nodes;
}

/** Does any leaf value (the value itself, or an element of an array) satisfy a condition? */
function leafMatches(matcher: LeafMatcher, value: unknown): boolean {
  if (value === undefined) return matcher.absent;
  const values = Array.isArray(value) ? value : [value];
  // Objects (and arrays holding only objects) are not leaves: to exists matching they count as absent.
  const leaves = values.filter(isLeaf);
  if (leaves.length === 0 && values.length > 0) return matcher.absent;
  return leaves.some((v) => matcher.conditions.some((c) => c(v)));
}

function nodesMatch(nodes: Node[], event: Record<string, unknown>): boolean {
  return nodes.every((node) => {
    if (node.kind === 'or') return node.alternatives.some((alt) => nodesMatch(alt, event));
    const value = event[node.field];
    if (node.kind === 'leaf') return leafMatches(node.matcher, value);
    // A nested pattern over an array of objects matches when one element matches it whole.
    const objects = (Array.isArray(value) ? value : [value]).filter(isObject);
    if (objects.length === 0) return nodesMatch(node.children, {});
    return objects.some((o) => nodesMatch(node.children, o));
  });
}

/** Validates a pattern (object or JSON text) and returns its matcher; throws PatternError naming the fault. */
export function compilePattern(pattern: unknown): CompiledPattern {
  let source = pattern;
  if (typeof pattern === 'string') {
    try {
      source = JSON.parse(pattern);
    } catch {
      throw new PatternError('', 'is not valid JSON');
    }
  }
  if (!isObject(source)) throw new PatternError('', 'must be a JSON object');
  const nodes = compileObject(source, '');
  return {
    source: source as EventPattern,
    matches: (event) => isObject(event) && nodesMatch(nodes, event),
  };
}

/** One-off match; compile once with compilePattern when matching many events. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}
