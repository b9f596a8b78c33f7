// The answer to `ivsrt __complete <words...>`, the cobra protocol that gh, kubectl and docker use: the
// shell scripts only pass the words typed so far and show what comes back, so every rule lives here
// and the scripts never go stale. Pure over (words, command tree, lookup) so that it is unit-testable;
// src/cli/completion/tree.ts builds the tree from the command registry, lookup.ts talks to the API.
import type { ResourceKind } from '../resources.js';

/** Bit flags after the candidates, with cobra's values so the scripts read like theirs. */
export const Directive = {
  Default: 0,
  Error: 1,
  NoSpace: 2,
  NoFileComp: 4,
  KeepOrder: 32,
} as const;

/** Things the completer can list live. `session` needs a stage, `participant` a stage (and a session). */
export type LookupKind = ResourceKind | 'session' | 'participant';

export interface CompletionOption {
  /** `--stage`. */
  long: string;
  /** `-s`. */
  short?: string;
  takesValue: boolean;
  description: string;
  choices?: readonly string[];
  /** The value is a comma-separated list of choices (`publish,subscribe`). */
  list?: boolean;
  resource?: LookupKind;
}

export interface CompletionArg {
  name: string;
  description: string;
  choices?: readonly string[];
  resource?: LookupKind;
}

export interface CompletionNode {
  name: string;
  description: string;
  hidden?: boolean;
  children: CompletionNode[];
  options: CompletionOption[];
  args: CompletionArg[];
}

export interface Candidate {
  value: string;
  description?: string;
}

/** Flags typed earlier on the line that decide where lookups go. */
export interface Connection {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  local?: boolean;
}

export interface LookupScope {
  connection: Connection;
  /** Whatever the user typed for the stage: ARN, id or name. */
  stage?: string;
  session?: string;
}

export interface Lookup {
  list(kind: LookupKind, scope: LookupScope): Promise<Candidate[]>;
}

export interface CompletionResult {
  candidates: Candidate[];
  directive: number;
}

interface Parsed {
  node: CompletionNode;
  /** What was typed for each option and argument, for the lookup scope. */
  values: Map<CompletionOption | CompletionArg, string>;
  used: Set<CompletionOption>;
  positionals: number;
  /** The option still waiting for its value when the line ends. */
  pending?: CompletionOption;
  /** Set after `--`: only positionals from here on. */
  endOfOptions: boolean;
}

/**
 * `words` are what follows the program name, the last one being the word under the cursor (possibly
 * ""). Options of the root node are global: they are accepted at every level, as commander does.
 */
export async function complete(words: readonly string[], root: CompletionNode, lookup: Lookup): Promise<CompletionResult> {
  const current = words.length > 0 ? words[words.length - 1]! : '';
  const parsed = parse(words.slice(0, -1), root);
  const available = (): CompletionOption[] => (parsed.node === root ? root.options : [...parsed.node.options, ...root.options]);

  if (parsed.pending) return completeValue(parsed.pending, current, '', parsed, root, lookup);

  if (!parsed.endOfOptions && current.startsWith('-')) {
    const eq = current.indexOf('=');
    if (current.startsWith('--') && eq > 0) {
      const option = available().find((o) => o.long === current.slice(0, eq) && o.takesValue);
      if (!option) return nothing();
      return completeValue(option, current.slice(eq + 1), current.slice(0, eq + 1), parsed, root, lookup);
    }
    const candidates = available()
      .filter((o) => !parsed.used.has(o))
      .map((o) => ({ value: o.long, description: o.description }))
      .filter((c) => c.value.startsWith(current));
    return { candidates, directive: Directive.NoFileComp };
  }

  const children = parsed.node.children.filter((c) => !c.hidden);
  if (children.length > 0 && parsed.positionals === 0) {
    return {
      candidates: children.map((c) => ({ value: c.name, description: c.description })).filter((c) => c.value.startsWith(current)),
      directive: Directive.NoFileComp,
    };
  }
  const arg = parsed.node.args[parsed.positionals];
  if (!arg) return nothing();
  return completeValue(arg, current, '', parsed, root, lookup);
}

function nothing(): CompletionResult {
  return { candidates: [], directive: Directive.NoFileComp };
}

function parse(words: readonly string[], root: CompletionNode): Parsed {
  const parsed: Parsed = { node: root, values: new Map(), used: new Set(), positionals: 0, endOfOptions: false };
  const find = (flag: string) => {
    const scope = parsed.node === root ? root.options : [...parsed.node.options, ...root.options];
    return scope.find((o) => o.long === flag || o.short === flag);
  };
  for (const word of words) {
    if (parsed.pending) {
      parsed.values.set(parsed.pending, word);
      parsed.pending = undefined;
      continue;
    }
    if (!parsed.endOfOptions && word === '--') {
      parsed.endOfOptions = true;
      continue;
    }
    if (!parsed.endOfOptions && word.startsWith('-') && word !== '-') {
      const eq = word.indexOf('=');
      const option = find(eq > 0 ? word.slice(0, eq) : word);
      if (!option) continue;
      parsed.used.add(option);
      if (eq > 0) parsed.values.set(option, word.slice(eq + 1));
      else if (option.takesValue) parsed.pending = option;
      continue;
    }
    const child = parsed.positionals === 0 ? parsed.node.children.find((c) => c.name === word) : undefined;
    if (child) {
      parsed.node = child;
      continue;
    }
    const arg = parsed.node.args[parsed.positionals];
    if (arg) parsed.values.set(arg, word);
    parsed.positionals++;
  }
  return parsed;
}

async function completeValue(
  target: CompletionOption | CompletionArg,
  typed: string,
  prefix: string,
  parsed: Parsed,
  root: CompletionNode,
  lookup: Lookup,
): Promise<CompletionResult> {
  const withPrefix = (candidates: Candidate[], directive: number): CompletionResult => ({
    candidates: candidates.map((c) => ({ ...c, value: prefix + c.value })),
    directive,
  });

  if (target.choices) {
    if ('list' in target && target.list) {
      // Complete the item after the last comma and keep the ones before it; offer only unused items.
      const cut = typed.lastIndexOf(',') + 1;
      const done = typed.slice(0, cut);
      const taken = new Set(done.split(',').filter(Boolean));
      const items = target.choices.filter((c) => !taken.has(c) && c.startsWith(typed.slice(cut)));
      return withPrefix(items.map((c) => ({ value: done + c })), Directive.NoSpace | Directive.NoFileComp);
    }
    return withPrefix(target.choices.filter((c) => c.startsWith(typed)).map((c) => ({ value: c })), Directive.NoFileComp);
  }

  if (!target.resource) {
    // A free value (a name, a file, a number): the shell's own file completion is the better guess.
    return { candidates: [], directive: 'takesValue' in target ? Directive.Default : Directive.NoFileComp };
  }

  const scope: LookupScope = { connection: connectionOf(parsed, root) };
  for (const [where, value] of parsed.values) {
    if (where.resource === 'stage') scope.stage = value;
    if (where.resource === 'session') scope.session = value;
  }
  if ((target.resource === 'session' || target.resource === 'participant') && scope.stage === undefined) return nothing();

  let found: Candidate[];
  try {
    found = await lookup.list(target.resource, scope);
  } catch {
    // A completion must never print an error into the user's command line.
    return nothing();
  }
  return withPrefix(found.filter((c) => c.value.startsWith(typed)), Directive.NoFileComp | Directive.KeepOrder);
}

function connectionOf(parsed: Parsed, root: CompletionNode): Connection {
  const valueOf = (long: string) => {
    const option = root.options.find((o) => o.long === long);
    return option ? parsed.values.get(option) : undefined;
  };
  const localOption = root.options.find((o) => o.long === '--local');
  return {
    region: valueOf('--region'),
    profile: valueOf('--profile'),
    endpointUrl: valueOf('--endpoint-url'),
    local: localOption !== undefined && parsed.used.has(localOption),
  };
}

/** The wire form the scripts read: `value<TAB>description` lines, then `:<directive>`. */
export function formatResult(result: CompletionResult): string {
  const lines = result.candidates.map((c) => {
    const value = c.value.replace(/[\t\n]/g, ' ');
    return c.description ? `${value}\t${c.description.replace(/[\t\n]/g, ' ')}` : value;
  });
  lines.push(`:${result.directive}`);
  return `${lines.join('\n')}\n`;
}
