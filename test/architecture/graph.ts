// The project's import graph as TypeScript sees it (static, type-only and dynamic imports alike), for
// the architecture tests. Module specifiers are read with the compiler's own pre-processor.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const SOURCE_DIRS = ['src', 'commands', 'bin'];

export interface Graph {
  /** Project file (path from the repository root) → project files it imports. */
  local: Map<string, string[]>;
  /** Project file → packages it imports (`ink`, `react/jsx-runtime`, `node:fs`). */
  packages: Map<string, string[]>;
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|tsx|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) return relative(ROOT, candidate);
    } catch {
      // not this one
    }
  }
  return undefined;
}

export function importGraph(files = SOURCE_DIRS.flatMap((d) => walk(join(ROOT, d), []))): Graph {
  const local = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const key = relative(ROOT, file);
    const mine: string[] = [];
    const theirs: string[] = [];
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith('.')) {
        const target = resolveLocal(file, fileName);
        // bin/ loads the built bundle (dist/), which is not source.
        if (target) mine.push(target);
      } else theirs.push(fileName);
    }
    local.set(key, mine);
    packages.set(key, theirs);
  }
  return { local, packages };
}

/** Every import cycle, each as the list of files around it (Tarjan's strongly connected components). */
export function cycles(edges: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) visit(node);
  return found;
}

/** The files `from` reaches through imports (itself excluded). */
export function reachable(edges: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(edges.get(from) ?? [])];
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(edges.get(next) ?? []));
  }
  return seen;
}
