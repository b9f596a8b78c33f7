// The completion tree, built from the one command registry through the same commander set-up the CLI
// runs with (so implicit flags such as --input, --max-items and --yes are there too), enriched with
// what only the registry knows: which values are live resources, and the model's enums.
import { Command, type Option } from 'commander';
import type { AnyVerb, ArgSpec, OptionSpec, Registry } from '../command.js';
import { configureVerb } from '../configure.js';
import { addGlobalOptions } from '../program.js';
import { flagName } from '../request.js';
import { OPERATIONS, SHAPES } from '../../model/api.js';
import type { CompletionArg, CompletionNode, CompletionOption, LookupKind } from './engine.js';

export async function buildTree(registry: Registry): Promise<CompletionNode> {
  const program = new Command('ivsrt');
  addGlobalOptions(program);
  const root: CompletionNode = { name: 'ivsrt', description: '', children: [], options: program.options.map((o) => fromCommander(o)), args: [] };
  const nounNode = (name: string) => {
    let node = root.children.find((c) => c.name === name);
    if (!node) {
      const noun = registry.nouns.find((n) => n.name === name);
      node = { name, description: noun?.summary ?? '', children: [], options: [], args: [] };
      root.children.push(node);
    }
    return node;
  };
  const entries = registry.commands;
  const verbs = await Promise.all(entries.map(async (e) => (await e.load()).verb));
  entries.forEach((entry, i) => {
    const node = verbNode(entry.path.at(-1)!, entry.summary, verbs[i]!);
    const parent = entry.path.length === 2 ? nounNode(entry.path[0]!) : root;
    parent.children.push(node);
    // Aliases parse like the verb but are not offered, to keep the list short.
    for (const alias of entry.aliases ?? []) parent.children.push({ ...node, name: alias, hidden: true });
  });
  return root;
}

function verbNode(name: string, summary: string, verb: AnyVerb): CompletionNode {
  const command = new Command(name);
  configureVerb(command, verb);
  const specs = new Map((verb.options ?? []).map((s) => [flagName(s.flags), s]));
  return {
    name,
    description: summary,
    children: [],
    options: command.options.filter((o) => !o.hidden).map((o) => fromCommander(o, specs.get(o.long ?? ''), verb.operation)),
    args: (verb.args ?? []).map((a) => fromArg(a, verb.operation)),
  };
}

function fromCommander(option: Option, spec?: OptionSpec, operation?: string): CompletionOption {
  const out: CompletionOption = {
    long: option.long ?? option.short ?? '',
    ...(option.short ? { short: option.short } : {}),
    // An optional value (`--published [bool]`) is only taken in the `--flag=value` form, so the next word stays free.
    takesValue: option.required,
    description: option.description,
  };
  if (!spec) return out;
  const resource = resourceOf(spec.resource, spec.field);
  if (resource) return { ...out, resource };
  const fromModel = spec.field && operation ? enumAt(operation, spec.field) : undefined;
  const lower = spec.parse === 'upper' || spec.parse === 'upperList';
  const choices = spec.choices ?? (fromModel && (lower ? fromModel.values.map((v) => v.toLowerCase()) : fromModel.values));
  if (!choices) return out;
  return { ...out, choices, ...(spec.parse === 'list' || spec.parse === 'upperList' || fromModel?.list ? { list: true } : {}) };
}

function fromArg(arg: ArgSpec, operation?: string): CompletionArg {
  const resource = resourceOf(arg.resource, arg.field);
  const fromModel = !resource && arg.field && operation ? enumAt(operation, arg.field) : undefined;
  return {
    name: arg.name,
    description: arg.description,
    ...(resource ? { resource } : {}),
    ...(fromModel ? { choices: fromModel.values } : {}),
  };
}

/** Sessions and participants are not resolvable resources, but the request member they fill says what they are. */
function resourceOf(resource: ArgSpec['resource'], field: string | undefined): LookupKind | undefined {
  if (resource) return resource;
  const member = field?.split('.').at(-1);
  if (member === 'sessionId') return 'session';
  if (member === 'participantId') return 'participant';
  return undefined;
}

/** The enum values of the request member at `field` (a dot path), looking through lists. */
export function enumAt(operation: string, field: string): { values: string[]; list: boolean } | undefined {
  let shapeName = OPERATIONS[operation]?.input;
  for (const key of field.split('.')) {
    const shape = shapeName ? SHAPES[shapeName] : undefined;
    if (shape?.type !== 'structure') return undefined;
    shapeName = shape.members[key]?.shape;
  }
  let shape = shapeName ? SHAPES[shapeName] : undefined;
  const list = shape?.type === 'list';
  if (shape?.type === 'list') shape = SHAPES[shape.member];
  return shape?.type === 'string' && shape.enum ? { values: shape.enum, list } : undefined;
}
