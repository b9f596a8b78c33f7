import { defineVerb } from '../../src/cli/command.js';
import { resourceArgument } from './shared.js';

export const verb = defineVerb({
  summary: 'Add tags to any resource',
  order: 20,
  operation: 'TagResource',
  description: 'Adds tags to a resource, replacing the value of a key it already has. A resource has at most 50 tags.',
  examples: [
    { command: 'ivsrt tag add demo --tags team=video,env=prod' },
    { command: 'ivsrt tag add arn:aws:ivs:us-west-2:123456789012:encoder-configuration/abcdABCDefgh --tags "note=a\\,b"', description: 'a comma inside a value' },
  ],
  args: [resourceArgument],
  options: [{ flags: '--tags <key=value,...>', description: 'tags to add (keys up to 128 characters, values up to 256; repeatable)', field: 'tags', parse: 'keyValues' }],
  output: { done: (typed) => `Tagged ${String(typed.resource)}` },
});
