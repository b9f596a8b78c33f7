import { defineVerb } from '../../src/cli/command.js';
import { stageColumns } from './shared.js';

export const verb = defineVerb({
  summary: 'List stages',
  order: 50,
  aliases: ['ls'],
  operation: 'ListStages',
  paginated: true,
  description: 'Lists every stage in the region, following all pages unless --max-items is given.',
  examples: [
    { command: 'ivsrt stage list' },
    { command: "ivsrt stage list --json --query 'stages[].arn'", description: 'only the ARNs' },
    { command: 'ivsrt stage list --max-items 10', description: 'the first ten; pass the printed NextToken to --starting-token for more' },
  ],
  output: { root: 'stages', columns: stageColumns },
});
