// A generated table kept as JSON text per entry and parsed when an entry is first read: a command reads a
// handful of the API's ~240 shapes, and making every one as an object literal cost each command's start-up
// about 4 million instructions and 30 page faults (docs/benchmarks.md, "a fourth pass").

/**
 * `raw`'s entries as values, each parsed from its JSON on its first read. The table's prototype does the
 * parsing and then defines the entry on the table itself, so every later read is a plain property read (the
 * emulator reads shapes on every request). Only entries read so far are the table's own: look names up
 * (reads and `in`), never list them (Object.keys and the like see only the entries read so far).
 */
export function parsedOnRead<T>(raw: Record<string, string>): Record<string, T> {
  const parser = new Proxy(raw, {
    get(entries, name, table: object) {
      if (typeof name !== 'string' || !Object.hasOwn(entries, name)) return undefined;
      const value = JSON.parse(entries[name]!) as T;
      Object.defineProperty(table, name, { value, enumerable: true });
      return value;
    },
    // `in` agrees with reads: a name is there if it is an entry, read yet or not, and no inherited name is.
    has: (entries, name) => typeof name === 'string' && Object.hasOwn(entries, name),
  });
  return Object.create(parser) as Record<string, T>;
}
