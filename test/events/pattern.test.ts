import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern, PatternError } from '../../src/emulator/eventbridge/pattern.js';
import { envelopeOf, PATTERN_CASES } from './pattern-cases.js';

describe('event patterns: the documented table', () => {
  it.each(PATTERN_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(matchesPattern(c.pattern, envelopeOf(c.event))).toBe(c.matches);
  });
});

describe('event patterns: semantics beyond the table', () => {
  const event = { source: 'aws.ivs', detail: { n: 0, s: 'Value', list: [], obj: {}, v6: '2001:db8::1' } };

  it('an empty event array has no value to match, and is not absent', () => {
    expect(matchesPattern({ detail: { list: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { list: [{ exists: true }] } }, event)).toBe(false);
  });

  it('numbers compare by value, zero included', () => {
    expect(matchesPattern({ detail: { n: [0] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { n: [{ numeric: ['>=', 0, '<', 1] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { n: [false] } }, event)).toBe(false);
  });

  it('IPv6 cidr blocks', () => {
    expect(matchesPattern({ detail: { v6: [{ cidr: '2001:db8::/32' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { v6: [{ cidr: '2001:db9::/32' }] } }, event)).toBe(false);
  });

  it('a wildcard of only * matches any string, including the empty one', () => {
    expect(matchesPattern({ detail: { s: [{ wildcard: '*' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { s: [{ wildcard: 'V*e' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { s: [{ wildcard: 'v*e' }] } }, event)).toBe(false);
  });

  it('a pattern given as JSON text is the same pattern', () => {
    const compiled = compilePattern('{"source":["aws.ivs"],"detail":{"s":[{"prefix":"Val"}]}}');
    expect(compiled.matches(event)).toBe(true);
    expect(compiled.matches({ source: 'aws.ivs' })).toBe(false);
    expect(compiled.matches('not an event')).toBe(false);
  });
});

describe('event patterns: invalid patterns name the place and the rule', () => {
  const cases: [string, unknown, string][] = [
    ['not JSON', '{source', 'pattern: is not valid JSON'],
    ['not an object', ['aws.ivs'], 'pattern: must be a JSON object'],
    ['a bare value', { source: 'aws.ivs' }, 'source: must be an object or a list of conditions'],
    ['an empty list', { source: [] }, 'source: a list of conditions cannot be empty'],
    ['unknown operator', { detail: { a: [{ contains: 'x' }] } }, 'detail.a[0]: unknown operator "contains"'],
    ['two operators in one object', { a: [{ prefix: 'x', suffix: 'y' }] }, 'a[0]: a condition object has exactly one operator, got 2'],
    ['numeric operator', { a: [{ numeric: ['!=', 1] }] }, 'a[0]: numeric: unknown operator "!=" (use <, <=, =, >=, >)'],
    ['numeric bound', { a: [{ numeric: ['>', 'one'] }] }, 'a[0]: numeric: "one" must be a number from -5e9 to 5e9'],
    ['numeric range without a lower bound', { a: [{ numeric: ['<', 1, '<', 2] }] }, 'a[0]: numeric: a range needs one lower (> or >=) and one upper (< or <=) bound'],
    ['numeric odd length', { a: [{ numeric: ['>'] }] }, 'a[0]: numeric takes one or two [operator, number] pairs, e.g. [">", 0, "<=", 5]'],
    ['exists not boolean', { a: [{ exists: 'yes' }] }, 'a[0]: exists takes true or false'],
    ['anything-but mixed list', { a: [{ 'anything-but': ['x', 1] }] }, 'a[0]: anything-but takes strings only or numbers only'],
    ['anything-but unknown inner', { a: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'a[0]: anything-but: unknown operator "numeric"'],
    ['wildcard **', { a: [{ wildcard: 'a**b' }] }, 'a[0]: wildcard: consecutive * are not allowed'],
    ['wildcard bad escape', { a: [{ wildcard: 'a\\b' }] }, 'a[0]: wildcard: a backslash must escape * or \\'],
    ['prefix not a string', { a: [{ prefix: 5 }] }, 'a[0]: prefix takes a string'],
    ['$or with one alternative', { $or: [{ a: ['x'] }] }, '$or: $or takes a list of at least two sub-patterns'],
    ['cidr', { a: [{ cidr: '10.0.0.0' }] }, 'a[0]: cidr: "10.0.0.0" is not an address/prefix-length block'],
  ];
  it.each(cases)('%s', (_name, pattern, message) => {
    let caught: unknown;
    try {
      compilePattern(pattern);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PatternError);
    expect((caught as Error).message).toBe(message);
  });
});
