// The rules of what may import what (docs/architecture.md), each checked over the real import graph:
// static, type-only and dynamic imports of every file under src/, commands/ and bin/.
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, reachable } from './graph.js';

const { local, packages } = importGraph();
const files = [...local.keys()];
const under = (prefix: string) => files.filter((f) => f.startsWith(prefix));

/** Where the presentation lives: terminal colours and tables, the Ink view, and their libraries. */
const PRESENTATION_FILES = /^src\/(cli\/output\/|watch\/ui\/)/;
const PRESENTATION_PACKAGES = /^(ink|react|chalk|cli-table3)(\/|$)|^ink-/;

describe('import rules', () => {
  it('there are no import cycles', () => {
    expect(cycles(local)).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('the emulator, the model, tokens and the watch core never reach presentation', () => {
    const lower = [...under('src/emulator/'), ...under('src/model/'), ...under('src/tokens/'), ...under('src/watch/').filter((f) => !f.startsWith('src/watch/ui/'))];
    expect(lower.length).toBeGreaterThan(40);
    const offenders = lower.flatMap((file) => {
      const reached = [file, ...reachable(local, file)];
      return [
        ...reached.filter((f) => PRESENTATION_FILES.test(f)).map((f) => `${file} → ${f}`),
        ...reached.flatMap((f) => (packages.get(f) ?? []).filter((p) => PRESENTATION_PACKAGES.test(p)).map((p) => `${file} → ${f} → ${p}`)),
      ];
    });
    expect(offenders).toEqual([]);
  });

  it('only the watch view (src/watch/ui) loads ink and react', () => {
    const loaders = files.filter((f) => (packages.get(f) ?? []).some((p) => /^(ink|react)(\/|$)/.test(p)));
    expect(loaders.length).toBeGreaterThan(0);
    expect(loaders.filter((f) => !f.startsWith('src/watch/ui/'))).toEqual([]);
  });

  it('no verb imports the registry; only the composition root (src/cli/root.ts) does', () => {
    const importers = files.filter((f) => (local.get(f) ?? []).includes('commands/index.ts'));
    expect(importers).toEqual(['src/cli/root.ts']);
  });

  it('the framework (src/) never imports a verb; the registry does, lazily', () => {
    const offenders = under('src/').flatMap((f) => (local.get(f) ?? []).filter((t) => t.startsWith('commands/')).map((t) => `${f} → ${t}`));
    expect(offenders).toEqual(['src/cli/root.ts → commands/index.ts']);
  });

  it('the emulator and the `ivsrt/emulator` fixture never reach the CLI (src/cli), whose module state is the process\'s (io.ts: what a failed write to stdout does)', () => {
    const roots = [...under('src/emulator/'), ...under('src/fixture/')];
    expect(roots.length).toBeGreaterThan(40);
    const offenders = roots.flatMap((file) => [...reachable(local, file)].filter((f) => f.startsWith('src/cli/')).map((f) => `${file} → ${f}`));
    expect(offenders).toEqual([]);
  });

  it('bin/ stays tiny: it loads the built bundle only', () => {
    const sources = under('bin/').flatMap((f) => (local.get(f) ?? []).filter((t) => !t.startsWith('dist/')).map((t) => `${f} → ${t}`));
    expect(sources).toEqual([]);
  });
});
