import { listVerb } from '../shared/config-verbs.js';
import { ingestColumns } from './shared.js';

export const verb = listVerb({
  summary: 'List ingest configurations, by stage or by state',
  order: 50,
  aliases: ['ls'],
  operation: 'ListIngestConfigurations',
  description: 'Lists the ingest configurations in the region, optionally those of one stage (--stage) or in one state (--state); the service takes one filter at a time. Summaries carry no stream keys.',
  examples: [
    { command: 'ivsrt ingest-config list' },
    { command: 'ivsrt ingest-config list --stage demo' },
    { command: 'ivsrt ingest-config list --state active', description: 'the ones an encoder is publishing with now' },
  ],
  options: [
    { flags: '--stage <stage>', description: 'only those attached to this stage (name, id or ARN)', field: 'filterByStageArn', resource: 'stage' },
    { flags: '--state <state>', description: 'only those in this state: ACTIVE (publishing) or INACTIVE', field: 'filterByState', parse: 'upper', choices: ['ACTIVE', 'INACTIVE'] },
  ],
  validate(request) {
    if (request.filterByStageArn !== undefined && request.filterByState !== undefined) {
      return [{ path: 'filterByState', rule: 'cannot be combined with --stage: the service takes one filter at a time' }];
    }
    return [];
  },
  output: { root: 'ingestConfigurations', columns: ingestColumns },
});
