// Signs a self-signed participant token. The only network-free way to give a participant access, so it
// checks everything it can locally: the claims (claims.ts), the key's curve and the kid's shape.
import type { KeyObject } from 'node:crypto';
import { signEs384 } from './jwt.js';
import { buildClaims, type ClaimRequest, type SelfSignedClaims } from './claims.js';

const PUBLIC_KEY_ARN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key\/[a-zA-Z0-9-]+$/;

export class SigningKeyError extends Error {}

export interface SignedToken {
  token: string;
  claims: SelfSignedClaims;
}

/** Throws SigningKeyError unless `key` is an EC private key on P-384, the curve ES384 needs. */
export function assertP384PrivateKey(key: KeyObject): void {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw new SigningKeyError('the signing key must be an EC private key on curve P-384 (secp384r1)');
  }
}

/** `publicKeyArn` goes into the header's kid: IVS uses it to find the imported public key. */
export function signParticipantToken(request: ClaimRequest, privateKey: KeyObject, publicKeyArn: string): SignedToken {
  if (!PUBLIC_KEY_ARN.test(publicKeyArn)) {
    throw new SigningKeyError(`"${publicKeyArn}" is not a public key ARN (arn:aws:ivs:<region>:<account>:public-key/<id>)`);
  }
  assertP384PrivateKey(privateKey);
  const claims = buildClaims(request);
  const token = signEs384({ alg: 'ES384', typ: 'JWT', kid: publicKeyArn }, { ...claims }, privateKey);
  return { token, claims };
}
