// Which folder may import which (docs/architecture.md, "The folders"): one table, checked over every
// import (static, type-only and dynamic) of every file under src/, commands/ and bin/. A folder not in the
// table, or an import the table does not allow, fails; so does a table in which two folders could reach
// each other. The file-level rules are in imports.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './graph.js';

/**
 * A file's folder as the table names it: bin/, commands/ (the verbs, one folder of the registry's), each
 * folder of src/ with what is under it, and each layer of the emulator (src/emulator/<layer>) on its own.
 * Files at src/'s root (clock.ts, version.ts) are the folder `src`, src/emulator/assemble.ts `src/emulator`.
 */
export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  if (parts[1] === 'emulator') return parts.length > 3 ? `src/emulator/${parts[2]}` : 'src/emulator';
  return parts.length > 2 ? `src/${parts[1]}` : 'src';
}

const EMULATOR_LAYERS = ['src/emulator/http', 'src/emulator/domain', 'src/emulator/media', 'src/emulator/eventbridge', 'src/emulator/state'];

/** Folder → the folders it may import. Read top-down: nothing imports upwards. */
const ALLOWED: Record<string, readonly string[]> = {
  bin: ['dist'],
  // The verbs: the CLI framework and any library a verb family needs.
  commands: [
    'src/cli',
    'src/composition',
    'src/demo',
    'src/events',
    'src/keys',
    'src/local',
    'src/model',
    'src/open',
    'src/publish',
    'src/subscribe',
    'src/tokens',
    'src/watch',
    // `local start` parses the emulator's flags with the emulator's own parsers (clock, ids, SigV4 keys, event rules).
    'src/emulator/domain',
    'src/emulator/eventbridge',
    'src/emulator/http',
    'src/emulator/state',
  ],
  // CLI features, each over the framework and the local emulator's client.
  'src/demo': ['src/cli', 'src/local'],
  'src/events': ['src/cli', 'src/local', 'src/emulator/http', 'src/emulator/eventbridge'],
  'src/watch': ['src', 'src/api', 'src/cli', 'src/events', 'src/local', 'src/model', 'src/emulator/http'],
  // The CLI framework (with completion): the service's API, the model, and the local emulator's client.
  'src/cli': ['src', 'src/api', 'src/local', 'src/model', 'src/emulator/http'],
  // The local emulator as the CLI runs and reaches it: the assembly, and the admin contract and client side.
  'src/local': ['src', 'src/emulator', 'src/emulator/domain', 'src/emulator/http'],
  // The test fixture (`ivsrt/emulator`): the emulator on the test's thread, and its public types.
  'src/fixture': ['src', 'src/emulator', 'src/emulator/domain', 'src/emulator/eventbridge', 'src/emulator/http', 'src/emulator/state', 'src/local', 'src/media'],
  // The emulator: assemble.ts over its layers; each layer over those below it.
  'src/emulator': ['src', ...EMULATOR_LAYERS],
  'src/emulator/http': ['src/emulator/domain', 'src/emulator/media', 'src/emulator/eventbridge', 'src/emulator/state', 'src/model', 'src/open'],
  'src/emulator/media': ['src/emulator/domain', 'src/emulator/state', 'src/media', 'src/composition', 'src/publish'],
  'src/emulator/domain': ['src/emulator/eventbridge', 'src/emulator/state', 'src/model', 'src/tokens'],
  'src/emulator/eventbridge': ['src/emulator/state'],
  'src/emulator/state': ['src', 'src/model'],
  // Shared libraries.
  'src/publish': ['src/media'],
  'src/subscribe': ['src/media'],
  'src/keys': ['src/tokens'],
  'src/tokens': ['src/model'],
  'src/api': ['src/model'],
  'src/open': [],
  'src/composition': [],
  'src/media': [],
  'src/model': [],
  'src/boot': ['src'],
  src: [],
};

/** Imports against the table, each with its reason. */
const EXCEPTIONS: Record<string, string> = {
  // The composition root hands the registry to the CLI (imports.test.ts checks it is the only importer).
  'src/cli/root.ts → commands/index.ts': 'the composition root',
};

/** Each import from one folder into another that the table does not allow. */
export function forbidden(local: Map<string, string[]>, allowed: Record<string, readonly string[]>): string[] {
  const offenders: string[] = [];
  for (const [file, targets] of local) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (to === from || allowed[from]?.includes(to) || EXCEPTIONS[`${file} → ${target}`]) continue;
      offenders.push(`${file} → ${target} (${from} → ${to})`);
    }
  }
  return offenders;
}

const { local } = importGraph();

describe('folder rules', () => {
  it('every folder has its place in the table', () => {
    const folders = new Set([...local.keys()].map(folderOf));
    expect(folders.size).toBeGreaterThan(20);
    expect([...folders].filter((f) => !(f in ALLOWED)).sort()).toEqual([]);
  });

  it('every import between folders is one the table allows', () => {
    expect(forbidden(local, ALLOWED)).toEqual([]);
  });

  it('the table has no cycle: no two folders can reach each other', () => {
    const edges = new Map(Object.entries(ALLOWED).map(([from, to]) => [from, [...to]]));
    expect(cycles(edges)).toEqual([]);
  });

  it('docs/architecture.md lists the table as it is ("The folders")', () => {
    const text = readFileSync(new URL('../../docs/architecture.md', import.meta.url), 'utf8');
    const block = /folders\.test\.ts checks that this list is the table[\s\S]*?```text\n([\s\S]*?)```/.exec(text)?.[1];
    expect(block, 'the list in docs/architecture.md').toBeDefined();
    const listed = Object.fromEntries(
      block!
        .trim()
        .split('\n')
        .map((line) => line.replace(/\s+#.*$/, '').split('→'))
        .map(([from, to]) => [from!.trim(), to!.split(',').map((f) => f.trim()).filter(Boolean).sort()]),
    );
    expect(listed).toEqual(Object.fromEntries(Object.entries(ALLOWED).map(([from, to]) => [from, [...to].sort()])));
  });

  it('the emulator layers import downwards only: state imports no layer, http none above it', () => {
    for (const layer of EMULATOR_LAYERS) expect(ALLOWED[layer]).not.toContain('src/emulator');
    expect(ALLOWED['src/emulator/state']!.filter((f) => f.startsWith('src/emulator'))).toEqual([]);
    for (const layer of EMULATOR_LAYERS.filter((l) => l !== 'src/emulator/http')) expect(ALLOWED[layer]).not.toContain('src/emulator/http');
  });

  it('finds a forbidden import: the store reaching up into a handler, a layer importing the assembly', () => {
    const graph = new Map([
      ['src/emulator/state/store.ts', ['src/emulator/http/handlers/stages.ts', 'src/model/api.ts']],
      ['src/emulator/domain/seed.ts', ['src/emulator/assemble.ts', 'src/emulator/state/store.ts']],
      ['src/cli/root.ts', ['commands/index.ts']],
    ]);
    expect(forbidden(graph, ALLOWED)).toEqual([
      'src/emulator/state/store.ts → src/emulator/http/handlers/stages.ts (src/emulator/state → src/emulator/http)',
      'src/emulator/domain/seed.ts → src/emulator/assemble.ts (src/emulator/domain → src/emulator)',
    ]);
  });
});
