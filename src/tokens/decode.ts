// What a participant token says about itself, without verifying it: tokens are bearer secrets and only
// IVS (or the emulator) holds the keys that can check them. Works for self-signed tokens (alg ES384),
// for the API's own tokens (alg KMS) and for the emulator's, which copy the API's form.
import { decodeJwt, type JwtHeader } from './jwt.js';
import { checkClaims } from './claims.js';

export type TokenKind = 'self-signed' | 'service' | 'unknown';

export interface TokenReport {
  kind: TokenKind;
  header: JwtHeader;
  claims: Record<string, unknown>;
  issuedAt?: string;
  expiresAt?: string;
  /** Negative once expired. Absent when the token has no numeric exp. */
  secondsLeft?: number;
  expired: boolean;
  /** Rules of the self-signed format the token breaks; only checked for self-signed tokens. */
  problems: string[];
}

export function inspectToken(token: string, now: Date = new Date()): TokenReport {
  const { header, payload } = decodeJwt(token);
  const kind: TokenKind = header.alg === 'ES384' ? 'self-signed' : header.alg === 'KMS' ? 'service' : 'unknown';
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
  const problems = kind === 'self-signed' ? checkClaims(payload) : [];
  if (kind === 'self-signed' && (typeof header.kid !== 'string' || !header.kid.includes(':public-key/'))) {
    problems.unshift('header kid must be the ARN of the imported public key');
  }
  return {
    kind,
    header,
    claims: payload,
    ...(iat !== undefined ? { issuedAt: isoSeconds(iat) } : {}),
    ...(exp !== undefined ? { expiresAt: isoSeconds(exp), secondsLeft: exp - nowSeconds } : {}),
    expired: exp !== undefined && exp <= nowSeconds,
    problems,
  };
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** "2d 3h", "14m 5s", "expired 3h ago": coarse on purpose, the exact instant is in expiresAt. */
export function describeTimeLeft(secondsLeft: number): string {
  const span = formatSpan(Math.abs(secondsLeft));
  return secondsLeft > 0 ? `${span} left` : `expired ${span} ago`;
}

function formatSpan(seconds: number): string {
  const units: [string, number][] = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n}${name}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
