import { describe, expect, it } from 'vitest';
import { buildClaims, checkClaims, ClaimError, newParticipantId, stageIdFromArn, attributesSize, type ClaimRequest } from '../../src/tokens/claims.js';

const STAGE = 'arn:aws:ivs:us-west-2:123456789012:stage/WyGkzNFGwiwr';
const base: ClaimRequest = {
  stageArn: STAGE,
  eventsUrl: 'wss://global.events.live-video.net',
  whipUrl: 'https://1a2b3c4d5e6f.global-bm.whip.live-video.net',
  now: new Date('2025-01-01T00:00:00Z'),
};

function problemsOf(request: ClaimRequest): string[] {
  try {
    buildClaims(request);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ClaimError);
    return (err as ClaimError).problems;
  }
}

describe('buildClaims', () => {
  it('fills in every mandatory claim with the API defaults', () => {
    const claims = buildClaims({ ...base, participantId: 'p1' });
    expect(claims).toEqual({
      iat: 1735689600,
      exp: 1735689600 + 720 * 60,
      jti: 'p1',
      resource: STAGE,
      topic: 'WyGkzNFGwiwr',
      events_url: base.eventsUrl,
      whip_url: base.whipUrl,
      capabilities: { allow_publish: true, allow_subscribe: true },
      version: '1.0',
    });
  });

  it('sets only the granted capability flags and keeps user id and attributes', () => {
    const claims = buildClaims({ ...base, capabilities: ['SUBSCRIBE'], userId: 'ana', attributes: { seat: '3' } });
    expect(claims.capabilities).toEqual({ allow_subscribe: true });
    expect(claims.user_id).toBe('ana');
    expect(claims.attributes).toEqual({ seat: '3' });
  });

  it('generates a 12-character alphanumeric jti when none is given', () => {
    expect(buildClaims(base).jti).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(newParticipantId()).not.toBe(newParticipantId());
  });

  it('accepts exactly 14 days and refuses one minute more', () => {
    expect(buildClaims({ ...base, durationMinutes: 20160 }).exp - 1735689600).toBe(14 * 86400);
    expect(problemsOf({ ...base, durationMinutes: 20161 })).toEqual(['duration must be a whole number of minutes from 1 to 20160 (14 days), not 20161']);
    expect(problemsOf({ ...base, durationMinutes: 0 }).join()).toMatch(/duration/);
    expect(problemsOf({ ...base, durationMinutes: 1.5 }).join()).toMatch(/duration/);
  });

  it('enforces the jti limits', () => {
    expect(buildClaims({ ...base, participantId: 'a'.repeat(64) }).jti).toHaveLength(64);
    expect(problemsOf({ ...base, participantId: 'a'.repeat(65) })).toEqual(['jti must be at most 64 characters']);
    expect(problemsOf({ ...base, participantId: 'has space' })).toEqual(['jti may contain only letters, digits, "_" and "-"']);
    expect(problemsOf({ ...base, participantId: '' })).toEqual(['jti (the participant id) is required']);
  });

  it('counts user_id in characters, not bytes', () => {
    expect(buildClaims({ ...base, userId: 'é'.repeat(128) }).user_id).toHaveLength(128);
    expect(problemsOf({ ...base, userId: 'x'.repeat(129) })).toEqual(['user_id must be at most 128 characters']);
  });

  it('limits attributes to 1 KB of UTF-8 keys and values', () => {
    expect(attributesSize({ ab: 'é' })).toBe(4);
    expect(buildClaims({ ...base, attributes: { k: 'v'.repeat(1023) } }).attributes?.k).toHaveLength(1023);
    expect(problemsOf({ ...base, attributes: { k: 'v'.repeat(1024) } }).join()).toMatch(/1 KB .*not 1025/);
  });

  it('refuses an empty capability list, a bad stage ARN and missing endpoints, all at once', () => {
    const problems = problemsOf({ ...base, capabilities: [], stageArn: 'arn:aws:ivs:us-west-2:1:channel/x', eventsUrl: '', whipUrl: 'not a url' });
    expect(problems).toEqual([
      'resource must be a stage ARN (arn:aws:ivs:<region>:<account>:stage/<id>)',
      "events_url is required (the stage's endpoints from GetStage)",
      'whip_url must be a URL, not "not a url"',
      'capabilities must grant publish, subscribe or both',
    ]);
  });
});

describe('checkClaims', () => {
  it('finds nothing wrong with what buildClaims makes', () => {
    expect(checkClaims({ ...buildClaims(base) })).toEqual([]);
  });

  it('reports the rules a foreign payload breaks', () => {
    const claims = { ...buildClaims(base) } as Record<string, unknown>;
    expect(checkClaims({ ...claims, version: '0.0' })).toEqual(['version must be "1.0"']);
    expect(checkClaims({ ...claims, topic: 'other' })).toEqual(['topic must be the stage id "WyGkzNFGwiwr"']);
    expect(checkClaims({ ...claims, exp: claims.iat })).toEqual(['exp must be later than iat']);
    expect(checkClaims({ ...claims, exp: (claims.iat as number) + 14 * 86400 + 1 })).toEqual(['exp must be at most 14 days after iat']);
    expect(checkClaims({ ...claims, capabilities: { allow_publish: 'yes', admin: true } })).toEqual([
      'capabilities has unknown keys: admin',
      'capabilities values must be true or false',
    ]);
    expect(checkClaims({ ...claims, attributes: { a: 1 } })).toEqual(['attributes must map strings to strings']);
  });
});

describe('stageIdFromArn', () => {
  it('takes the last path segment of a stage ARN only', () => {
    expect(stageIdFromArn(STAGE)).toBe('WyGkzNFGwiwr');
    expect(stageIdFromArn('arn:aws:ivs:us-west-2:123456789012:composition/abc')).toBeUndefined();
  });
});
