import type { ArgSpec, Column } from '../../src/cli/command.js';
import { idOf } from '../shared/config-verbs.js';

/** `2pBRKrNgX1ff ACTIVE, 9xQmL0pRtZa1 STARTING`: every destination with its own state. */
function destinationStates(row: Record<string, unknown>): string | undefined {
  const destinations = row.destinations as { id?: string; state?: string }[] | undefined;
  return destinations?.map((d) => `${d.id ?? '?'} ${d.state ?? '?'}`).join(', ');
}

export const compositionColumns: Column[] = [
  { header: 'ID', field: 'arn', value: (row) => idOf(row.arn) },
  { header: 'STAGE', field: 'stageArn', value: (row) => idOf(row.stageArn) },
  { header: 'STATE', field: 'state', format: 'state' },
  { header: 'DESTINATIONS', field: 'destinations', value: destinationStates },
  { header: 'START', field: 'startTime' },
];

export const compositionArgument: ArgSpec = { name: 'composition', description: 'composition ARN or id', field: 'arn', resource: 'composition' };
