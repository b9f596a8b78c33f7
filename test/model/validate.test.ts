import { describe, expect, it } from 'vitest';
import { describeViolations, validateShape } from '../../src/model/validate.js';

describe('validateShape', () => {
  it('accepts a valid CreateStage request', () => {
    expect(validateShape('CreateStageRequest', { name: 'demo', tags: { team: 'a' }, participantTokenConfigurations: [{ duration: 60, capabilities: ['PUBLISH'] }] })).toEqual([]);
  });

  it('names the member and the rule for each kind of constraint', () => {
    const cases: [string, unknown, string, string][] = [
      ['CreateStageRequest', { name: 'bad name!' }, 'name', 'must match the pattern [a-zA-Z0-9-_]*'],
      ['CreateStageRequest', { name: 'x'.repeat(129) }, 'name', 'must be at most 128 characters long'],
      ['CreateParticipantTokenRequest', {}, 'stageArn', 'is required'],
      ['CreateParticipantTokenRequest', { stageArn: 'arn:aws:ivs:us-east-1:1:stage/a', duration: 20161 }, 'duration', 'must be at most 20160'],
      ['CreateParticipantTokenRequest', { stageArn: 'arn:aws:ivs:us-east-1:1:stage/a', duration: 1.5 }, 'duration', 'must be a whole number'],
      ['CreateParticipantTokenRequest', { stageArn: 'arn:aws:ivs:us-east-1:1:stage/a', capabilities: ['ADMIN'] }, 'capabilities[0]', 'must be one of PUBLISH, SUBSCRIBE'],
      ['CreateStageRequest', { participantTokenConfigurations: Array.from({ length: 13 }, () => ({})) }, 'participantTokenConfigurations', 'must have at most 12 item(s)'],
      ['CreateStageRequest', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'tags', 'must have at most 50 entries'],
      ['CreateStageRequest', { name: 7 }, 'name', 'must be a string, not a number'],
      ['ListStagesRequest', { maxResults: 0 }, 'maxResults', 'must be at least 1'],
      ['GetStageSessionRequest', { stageArn: 'arn:aws:ivs:us-east-1:1:stage/a', sessionId: 'st-short' }, 'sessionId', 'must be at least 16 characters long'],
    ];
    for (const [shape, value, path, rule] of cases) {
      expect(validateShape(shape, value), `${shape} ${JSON.stringify(value).slice(0, 60)}`).toContainEqual({ path, rule });
    }
  });

  it('reports unknown members only when asked', () => {
    expect(validateShape('GetStageRequest', { arn: 'arn:aws:ivs:us-east-1:1:stage/a', extra: 1 })).toEqual([]);
    const strict = validateShape('GetStageRequest', { arn: 'arn:aws:ivs:us-east-1:1:stage/a', extra: 1 }, { rejectUnknown: true });
    expect(strict).toHaveLength(1);
    expect(strict[0]!.path).toBe('extra');
  });

  it('prints violations on one line', () => {
    expect(describeViolations([{ path: 'name', rule: 'is required' }, { path: 'duration', rule: 'must be at most 1' }])).toBe('name is required; duration must be at most 1');
  });
});
