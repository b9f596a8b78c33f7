// The files and folders of this repository that README.md and docs/*.md name exist: a module moved or
// renamed leaves no stale path in the docs. A paragraph that cites a commit (`1d33c1d`) tells history
// (what a change touched then), so its paths are as of that commit and are not checked.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** A path under one of the repository's top-level folders, not inside another path (`/bin/sh`, `node_modules/jest/bin/...`). */
const PATH = /(?<![\w./-])(?:src|test|commands|scripts|bench|bin|completions|docs|\.ci)\/[\w./-]*[\w/]/g;
const CITES_COMMIT = /`[0-9a-f]{7,40}`/;

/** The paths a text names, outside paragraphs that cite a commit; patterns (`<noun>`, `*`) are left out. */
function namedPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (CITES_COMMIT.test(paragraph)) continue;
    for (const match of paragraph.matchAll(PATH)) {
      const next = paragraph[match.index + match[0].length];
      if (next === '<' || next === '*' || next === '{') continue;
      paths.add(match[0].replace(/\.$/, ''));
    }
  }
  return [...paths];
}

describe('paths named in the docs', () => {
  it('exist in the repository', () => {
    const missing = DOCS.flatMap((file) => namedPaths(readFileSync(join(ROOT, file), 'utf8')).filter((path) => !existsSync(join(ROOT, path))).map((path) => `${file}: ${path}`));
    expect(missing).toEqual([]);
  });

  it('are found where the docs name them, but not in history or inside other paths', () => {
    expect(namedPaths('the renderer (`src/emulator/media/composition/`), test/docs/readme.test.ts.\n\nruns under `/bin/sh`; node_modules/jest/bin/jest.js; `commands/<noun>/<verb>.ts`')).toEqual(['src/emulator/media/composition/', 'test/docs/readme.test.ts']);
    expect(namedPaths('commit `c48caaf` added it in `src/emulator/store.ts`')).toEqual([]);
  });
});
