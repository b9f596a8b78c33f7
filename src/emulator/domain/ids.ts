// Identifier and ARN formats as the real service emits them (behaviour reference §6).
import { randomBytes } from 'node:crypto';
import type { ArnType } from '../../model/resources.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function alphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  // 248 is the largest multiple of 62 below 256; rejecting above it keeps the alphabet uniform.
  for (let i = 0; i < length; i++) {
    let b = bytes[i]!;
    while (b >= 248) b = randomBytes(1)[0]!;
    out += ALPHANUMERIC[b % 62];
  }
  return out;
}

/** Stage, composition, config, key, destination and participant ids: 12 alphanumerics. */
export const newResourceId = (): string => alphanumeric(12);
export const newSessionId = (): string => `st-${alphanumeric(13)}`;
export const newHostLabel = (): string => randomBytes(6).toString('hex');

interface ParsedArn {
  region: string;
  account: string;
  type: string;
  id: string;
}

const ARN = /^arn:aws:ivs:([a-z0-9-]+):([0-9]+):([a-z-]+)\/([a-zA-Z0-9-]+)$/;

export function parseArn(arn: string): ParsedArn | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, type: m[3]!, id: m[4]! };
}

// The region rule is the model's (src/model/arn.ts), shared with the CLI; the emulator's assembly reaches it here.
export { isRegion } from '../../model/arn.js';

/** An AWS account ID: 12 digits (the account field of every ARN). */
export const isAccountId = (value: string): boolean => /^\d{12}$/.test(value);

export function buildArn(region: string, account: string, type: ArnType, id: string): string {
  return `arn:aws:ivs:${region}:${account}:${type}/${id}`;
}
