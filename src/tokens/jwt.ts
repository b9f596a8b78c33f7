// JWS compact serialisation, the shape of every IVS participant token. ES384 signatures travel in the
// JOSE form (raw r||s, 96 bytes), which node:crypto produces and checks with dsaEncoding 'ieee-p1363'.
import { createSign, createVerify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: string;
  typ?: string;
  kid?: string;
  [key: string]: unknown;
}

export interface DecodedJwt {
  header: JwtHeader;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export class JwtFormatError extends Error {}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Splits and parses a token without checking its signature. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new JwtFormatError('not a JWT: expected three base64url parts separated by "."');
  }
  const parse = (part: string, what: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
      return value as Record<string, unknown>;
    } catch {
      throw new JwtFormatError(`not a JWT: the ${what} is not a JSON object`);
    }
  };
  const header = parse(parts[0]!, 'header') as JwtHeader;
  if (typeof header.alg !== 'string') throw new JwtFormatError('not a JWT: the header has no "alg"');
  return {
    header,
    payload: parse(parts[1]!, 'payload'),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2]!, 'base64url'),
  };
}

export function signEs384(header: JwtHeader, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('SHA384').update(signingInput).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}

export function verifyEs384(decoded: DecodedJwt, publicKey: KeyObject): boolean {
  try {
    return createVerify('SHA384').update(decoded.signingInput).verify({ key: publicKey, dsaEncoding: 'ieee-p1363' }, decoded.signature);
  } catch {
    return false;
  }
}
