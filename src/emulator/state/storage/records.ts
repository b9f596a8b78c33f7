// How the emulator's state is laid out in the database: one key per record, and a value that carries a
// checksum (lmdb checks its own structure, not user data), the record's place in creation order (lmdb
// keeps keys sorted; the API lists in creation order) and the record as JSON.
import { ARN_KINDS, isArnKind } from '../../../model/resources.js';
import { createHash } from 'node:crypto';
import type { Op } from '../store.js';

/** Separates the parts of a key; no ARN, id or table name contains it. */
const SEP = '\u001f';
export const CLOCK_KEY = 'clock';
export const FORMAT_KEY = `meta${SEP}format`;
/** How many record keys there are: a data file that lost pages (truncated) gives itself away. */
export const COUNT_KEY = `meta${SEP}count`;
export const FORMAT = 1;

const CHECKSUM_BYTES = 8;

export const arnKey = (kind: string, arn: string): string => `${kind}${SEP}${arn}`;
export const sessionKey = (stageArn: string, sessionId: string): string => `session${SEP}${stageArn}${SEP}${sessionId}`;
export const participantKey = (stageArn: string, sessionId: string, participantId: string): string =>
  `participant${SEP}${stageArn}${SEP}${sessionId}${SEP}${participantId}`;
export const auxKey = (table: string, key: string): string => `aux${SEP}${table}${SEP}${key}`;
/** Every key of a stage's sessions and participants starts with one of these. */
export const stageChildPrefixes = (stageArn: string): string[] => [`session${SEP}${stageArn}${SEP}`, `participant${SEP}${stageArn}${SEP}`];
export const sessionChildPrefix = (stageArn: string, sessionId: string): string => `participant${SEP}${stageArn}${SEP}${sessionId}${SEP}`;
export const isRecordKey = (key: string): boolean => key !== CLOCK_KEY && !key.startsWith(`meta${SEP}`);

function checksum(key: string, payload: Buffer): Buffer {
  return createHash('sha256').update(key).update('\0').update(payload).digest().subarray(0, CHECKSUM_BYTES);
}

export function encodeValue(key: string, ordinal: number, value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify([ordinal, value]));
  return Buffer.concat([checksum(key, payload), payload]);
}

/** The stored [ordinal, value], or the reason it cannot be trusted. */
export function decodeValue(key: string, stored: Buffer): [number, unknown] | string {
  if (stored.length <= CHECKSUM_BYTES) return `record "${printable(key)}" is ${stored.length} bytes, too short to hold a record`;
  const payload = stored.subarray(CHECKSUM_BYTES);
  if (!checksum(key, payload).equals(stored.subarray(0, CHECKSUM_BYTES))) return `record "${printable(key)}" fails its checksum`;
  try {
    const decoded = JSON.parse(payload.toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && Number.isInteger(decoded[0])) return decoded as [number, unknown];
  } catch {
    // reported below
  }
  return `record "${printable(key)}" passes its checksum but is not a record (written by another program?)`;
}

export function printable(key: string): string {
  return key.replaceAll(SEP, '/');
}

/** The op that puts a stored record back into memory, or undefined for a key this version does not know. */
export function opForKey(key: string, value: unknown): Op | undefined {
  const parts = key.split(SEP);
  if (isArnKind(parts[0]!)) return parts.length === 2 ? ({ k: parts[0], v: value } as Op) : undefined;
  switch (parts[0]) {
    case 'session':
      return parts.length === 3 ? ({ k: 'session', v: value } as Op) : undefined;
    case 'participant':
      return parts.length === 4 ? ({ k: 'participant', v: value } as Op) : undefined;
    case 'aux':
      return parts.length >= 3 ? { k: 'aux', table: parts[1]!, key: parts.slice(2).join(SEP), v: value } : undefined;
    case CLOCK_KEY:
      return parts.length === 1 ? clockOp(value) : undefined;
    default:
      return undefined;
  }
}

function clockOp(value: unknown): Op | undefined {
  if (typeof value === 'number') return { k: 'clock', offsetMs: value };
  const { offsetMs, shiftMs } = (value ?? {}) as Record<string, unknown>;
  return typeof offsetMs === 'number' && typeof shiftMs === 'number' ? { k: 'clock', offsetMs, shiftMs } : undefined;
}

/** Load order: what a record refers to comes before it (a participant needs its session). */
export const LOAD_ORDER = ['clock', ...ARN_KINDS.flatMap((kind) => (kind === 'stage' ? ['stage', 'session', 'participant'] : [kind])), 'aux'];
