// The generated shape table is JSON text per entry, parsed on first read (src/model/parsed-on-read.ts).
import { describe, expect, it } from 'vitest';
import { SHAPES } from '../../src/model/api.js';
import { parsedOnRead } from '../../src/model/parsed-on-read.js';

describe('parsedOnRead', () => {
  it('gives each entry parsed from its JSON, the same object on every read', () => {
    const table = parsedOnRead<{ n: number }>({ one: '{"n": 1}', two: '{"n": 2}' });
    expect(table.one).toEqual({ n: 1 });
    expect(table.two).toEqual({ n: 2 });
    expect(table.one).toBe(table.one);
    // Read once, an entry is the table's own: no parsing, no trap, on any later read.
    expect(Object.getOwnPropertyDescriptor(table, 'one')).toMatchObject({ value: { n: 1 }, writable: false });
    expect(Object.keys(table)).toEqual(['one', 'two']);
  });

  it('has nothing under a name it does not hold, inherited ones included', () => {
    const table = parsedOnRead<unknown>({ one: '1' });
    expect(table.missing).toBeUndefined();
    expect(table.toString).toBeUndefined();
    expect(table.constructor).toBeUndefined();
    // `in` says the same, for an entry not read yet too.
    expect(['one' in table, 'missing' in table, 'toString' in table, 'constructor' in table, '__proto__' in table]).toEqual([true, false, false, false, false]);
  });

  it('serves the API table: a pattern with escapes reads back as the model has it', () => {
    expect(SHAPES.ParticipantTokenCapability).toMatchObject({ type: 'string', enum: ['PUBLISH', 'SUBSCRIBE'] });
    expect((SHAPES.ParticipantClientAttribute as { pattern: string }).pattern).toBe('[a-zA-Z0-9-_.,:;\\s]*');
  });
});
