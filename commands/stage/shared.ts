import type { Column, OptionSpec } from '../../src/cli/command.js';

export const stageColumns: Column[] = [
  { header: 'NAME', field: 'name' },
  { header: 'ARN', field: 'arn' },
  { header: 'ACTIVE SESSION', field: 'activeSessionId' },
  { header: 'TAGS', field: 'tags' },
];

export const tagsOption = { flags: '--tags <key=value,...>', description: 'tags to attach (repeatable)', field: 'tags', parse: 'keyValues' } as const satisfies OptionSpec;
