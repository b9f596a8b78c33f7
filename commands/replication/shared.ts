import type { ArgSpec, OptionSpec } from '../../src/cli/command.js';
import { SHAPES } from '../../src/model/api.js';

export const replicatedParticipant: ArgSpec = { name: 'participant', description: 'id of the publishing participant in the source stage', field: 'participantId' };

export const fromOption = { flags: '--from <stage>', description: 'source stage (name, id or ARN) the participant publishes in', field: 'sourceStageArn', resource: 'stage' } as const satisfies OptionSpec;

export const toOption = { flags: '--to <stage>', description: 'destination stage (name, id or ARN) the replica appears in', field: 'destinationStageArn', resource: 'stage' } as const satisfies OptionSpec;

/**
 * Start/StopParticipantReplication answer with nothing but echoed HTTP headers (CORS, HSTS, ...): --json
 * shows them as the AWS CLI does, a person sees a done line instead.
 */
export function headerMembers(shapeName: string): () => string[] {
  const shape = SHAPES[shapeName];
  const names = shape?.type === 'structure' ? Object.entries(shape.members).filter(([, m]) => m.location === 'header').map(([name]) => name) : [];
  return () => names;
}
