import { defineVerb } from '../../src/cli/command.js';
import { resourceArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Remove tags from any resource by key',
  order: 30,
  operation: 'UntagResource',
  description: 'Removes tags from a resource by key. Keys it does not have are ignored.',
  examples: [{ command: 'ivsrt tag remove demo --keys env' }, { command: 'ivsrt tag remove demo --keys team,env' }],
  args: [resourceArgument],
  options: [{ flags: '--keys <key,...>', description: 'keys of the tags to remove (repeatable)', field: 'tagKeys', parse: 'list' }],
  output: { done: (typed) => `Removed tags ${((typed.keys as string[] | undefined) ?? []).join(', ')} from ${String(typed.resource)}` },
});
