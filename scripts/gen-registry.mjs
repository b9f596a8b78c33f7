// Generates commands/index.ts, the one registry of commands, from the verb files: each
// commands/<noun>/<verb>.ts (and commands/<command>/index.ts for a top-level command such as `watch`)
// that exports `verb` declares its `summary`, `order` and `aliases` as literals, and this script copies
// them into the registry beside a lazy import of the file. So `--help`, completion and the docs list every
// verb without loading one, and a new verb is its file plus this script's run (`npm run gen`; that the
// committed file is what the verb files give is test/cli/registry.test.ts's to check).
// The files are read as syntax (the TypeScript parser), never run.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const COMMANDS = join(root, 'commands');
const OUT = join(COMMANDS, 'index.ts');

function parse(file) {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** A file as messages name it: from the checkout's root (a test's copy elsewhere, in full). */
const shown = (file) => (relative(root, file).startsWith('..') ? file : relative(root, file));

function fail(file, message) {
  throw new Error(`${shown(file)}: ${message}`);
}

/** The initializer of `export const <name> = ...` in a file, if it has one. */
function exported(source, name) {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const declaration = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
    if (declaration) return declaration.initializer;
  }
  return undefined;
}

function literal(file, node, what) {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  if (node && ts.isNumericLiteral(node)) return Number(node.text);
  return fail(file, `${what} must be written as a literal (the registry is generated from the file's text)`);
}

function property(object, name) {
  return object.properties.find((p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name)?.initializer;
}

/** The nouns' names, in the order of commands/nouns.ts. */
function nounNames(commands) {
  const file = join(commands, 'nouns.ts');
  const list = exported(parse(file), 'NOUNS');
  if (!list || !ts.isArrayLiteralExpression(list)) fail(file, 'exports no NOUNS list');
  return list.elements.map((element) => literal(file, ts.isObjectLiteralExpression(element) ? property(element, 'name') : undefined, "a noun's name"));
}

/** What a verb file declares for the registry: the object literal of its `verb`'s declaration that holds `summary`. */
function listing(file) {
  const initializer = exported(parse(file), 'verb');
  if (!initializer) return undefined;
  // `defineVerb({ ... })`, or a helper that takes the spec among its arguments (`getVerb('kind', { ... })`).
  const call = ts.isCallExpression(initializer) ? initializer : undefined;
  const spec = call?.arguments.find((a) => ts.isObjectLiteralExpression(a) && property(a, 'summary'));
  if (!spec) fail(file, 'its verb declares no `summary` in the object it passes to defineVerb (or to the helper that makes it)');
  const aliases = property(spec, 'aliases');
  if (aliases && !ts.isArrayLiteralExpression(aliases)) fail(file, '`aliases` must be written as a list of literals');
  const order = literal(file, property(spec, 'order'), '`order`');
  if (typeof order !== 'number') fail(file, '`order` must be a number');
  return { summary: literal(file, property(spec, 'summary'), '`summary`'), order, aliases: aliases?.elements.map((a) => literal(file, a, 'an alias')) };
}

/** Every verb: [noun, verb] from commands/<noun>/<verb>.ts, [command] from commands/<command>/index.ts. */
function entries(commands = COMMANDS) {
  const nouns = nounNames(commands);
  const found = [];
  for (const folder of readdirSync(commands, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const name of readdirSync(join(commands, folder)).filter((f) => f.endsWith('.ts')).sort()) {
      const file = join(commands, folder, name);
      const declared = listing(file);
      if (!declared) continue;
      const verb = name.slice(0, -'.ts'.length);
      const path = verb === 'index' ? [folder] : [folder, verb];
      if (path.length === 2 && !nouns.includes(folder)) fail(file, `its noun ${folder} is not in commands/nouns.ts`);
      if (path.length === 1 && nouns.includes(folder)) fail(file, `${folder} is a noun: name the verb's file after the verb`);
      found.push({ path, module: `./${folder}/${verb}.js`, file, ...declared });
    }
  }
  // The registry's order is the lists' order: by noun (top-level commands last), then by `order`.
  const rank = (e) => (e.path.length === 2 ? nouns.indexOf(e.path[0]) : nouns.length);
  found.sort((a, b) => rank(a) - rank(b) || a.order - b.order);
  for (let i = 1; i < found.length; i++) {
    const [a, b] = [found[i - 1], found[i]];
    if (rank(a) === rank(b) && a.order === b.order) fail(b.file, `order ${b.order} is also ${shown(a.file)}'s: each verb of a noun needs its own place`);
  }
  return found;
}

const quote = (text) => (text.includes("'") && !text.includes('"') ? JSON.stringify(text) : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

/** commands/index.ts as the verb files in `commands` (the project's, unless a test passes a copy) give it. */
export function registrySource(commands = COMMANDS) {
  const lines = entries(commands).map((e) => {
    const aliases = e.aliases ? ` aliases: [${e.aliases.map(quote).join(', ')}],` : '';
    return `  { path: [${e.path.map(quote).join(', ')}], summary: ${quote(e.summary)},${aliases} load: () => import('${e.module}') },`;
  });
  return [
    '// GENERATED by scripts/gen-registry.mjs from the verb files (`npm run gen`); do not edit. The one registry',
    '// of commands: it drives commander, help, completion and the docs (src/cli/root.ts hands it to them). Each',
    "// verb's summary, order and aliases come from its own file; its module is imported only when that verb",
    '// runs (or when help/completion needs every flag), which keeps start-up fast. No verb imports this file.',
    "import type { Entry, Registry } from '../src/cli/command.js';",
    "import { NOUNS } from './nouns.js';",
    '',
    'export const COMMANDS: Entry[] = [',
    ...lines,
    '];',
    '',
    'export const registry: Registry = { nouns: NOUNS, commands: COMMANDS };',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    writeFileSync(OUT, registrySource());
  } catch (error) {
    process.stderr.write(`gen-registry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
