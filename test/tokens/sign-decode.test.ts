import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { signParticipantToken, SigningKeyError } from '../../src/tokens/sign.js';
import { inspectToken, describeTimeLeft } from '../../src/tokens/decode.js';
import { decodeJwt, verifyEs384, base64url } from '../../src/tokens/jwt.js';
import { generateKeyPair } from '../../src/keys/keypair.js';
import { ClaimError } from '../../src/tokens/claims.js';

const STAGE = 'arn:aws:ivs:us-west-2:123456789012:stage/WyGkzNFGwiwr';
const KEY_ARN = 'arn:aws:ivs:us-west-2:123456789012:public-key/abcdABC1efg2';
const request = {
  stageArn: STAGE,
  eventsUrl: 'wss://global.events.live-video.net',
  whipUrl: 'https://1a2b3c4d5e6f.global-bm.whip.live-video.net',
  now: new Date('2025-01-01T00:00:00Z'),
};

describe('signParticipantToken', () => {
  const pair = generateKeyPair();
  const privateKey = createPrivateKey(pair.privateKeyPem);

  it('signs with ES384 under the public key ARN, verifiable with the public half', () => {
    const { token, claims } = signParticipantToken(request, privateKey, KEY_ARN);
    const decoded = decodeJwt(token);
    expect(decoded.header).toEqual({ alg: 'ES384', typ: 'JWT', kid: KEY_ARN });
    expect(decoded.payload).toEqual(claims);
    expect(decoded.signature).toHaveLength(96);
    expect(verifyEs384(decoded, createPublicKey(pair.publicKeyPem))).toBe(true);
    const other = generateKeyPair();
    expect(verifyEs384(decoded, createPublicKey(other.publicKeyPem))).toBe(false);
  });

  it('refuses a kid that is not a public key ARN', () => {
    expect(() => signParticipantToken(request, privateKey, 'my-key')).toThrow(SigningKeyError);
  });

  it('refuses keys on other curves', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    expect(() => signParticipantToken(request, p256, KEY_ARN)).toThrow(/P-384/);
  });

  it('refuses bad claims before signing', () => {
    expect(() => signParticipantToken({ ...request, durationMinutes: 99999 }, privateKey, KEY_ARN)).toThrow(ClaimError);
  });
});

describe('inspectToken', () => {
  const privateKey = createPrivateKey(generateKeyPair().privateKeyPem);
  const { token } = signParticipantToken({ ...request, durationMinutes: 60 }, privateKey, KEY_ARN);

  it('reports times and no problems for a fresh self-signed token', () => {
    const report = inspectToken(token, new Date('2025-01-01T00:15:00Z'));
    expect(report.kind).toBe('self-signed');
    expect(report.issuedAt).toBe('2025-01-01T00:00:00.000Z');
    expect(report.expiresAt).toBe('2025-01-01T01:00:00.000Z');
    expect(report.secondsLeft).toBe(45 * 60);
    expect(report.expired).toBe(false);
    expect(report.problems).toEqual([]);
  });

  it('flags an expired token', () => {
    const report = inspectToken(token, new Date('2025-01-01T03:00:00Z'));
    expect(report.expired).toBe(true);
    expect(report.secondsLeft).toBe(-2 * 3600);
  });

  it('reads service (KMS) tokens without judging them by the self-signed rules', () => {
    const payload = { exp: 1735732800, iat: 1735689600, jti: 'tU06DT5jCJeb', resource: STAGE, version: '0.0', capabilities: { allow_subscribe: true } };
    const kms = `${base64url(JSON.stringify({ alg: 'KMS', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.MGQC`;
    const report = inspectToken(kms, new Date('2025-01-01T00:00:00Z'));
    expect(report.kind).toBe('service');
    expect(report.claims.jti).toBe('tU06DT5jCJeb');
    expect(report.problems).toEqual([]);
  });

  it('points at self-signed rules a hand-made token breaks', () => {
    const payload = { ...decodeJwt(token).payload, version: '0.0' };
    const bad = `${base64url(JSON.stringify({ alg: 'ES384', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}.AAAA`;
    expect(inspectToken(bad).problems).toEqual(['header kid must be the ARN of the imported public key', 'version must be "1.0"']);
  });

  it('rejects what is not a JWT', () => {
    expect(() => inspectToken('hello')).toThrow(/not a JWT/);
  });
});

describe('describeTimeLeft', () => {
  it('keeps the two largest units', () => {
    expect(describeTimeLeft(2 * 86400 + 3 * 3600 + 59)).toBe('2d 3h left');
    expect(describeTimeLeft(14 * 60 + 5)).toBe('14m 5s left');
    expect(describeTimeLeft(3600)).toBe('1h left');
    expect(describeTimeLeft(-3 * 3600)).toBe('expired 3h ago');
    expect(describeTimeLeft(0)).toBe('expired 0s ago');
  });
});
