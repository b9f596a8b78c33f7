// The claim set of a self-signed participant token ("Creating tokens with a key pair" in the IVS user
// guide). IVS checks these only when the participant joins, so a mistake here surfaces late and far
// from its cause: we check every documented rule before signing, and the same rules when decoding.
import { randomInt } from 'node:crypto';
import { SHAPES } from '../model/api.js';

export type Capability = 'PUBLISH' | 'SUBSCRIBE';

export interface SelfSignedClaims {
  exp: number;
  iat: number;
  jti: string;
  user_id?: string;
  resource: string;
  topic: string;
  events_url: string;
  whip_url: string;
  capabilities: { allow_publish?: boolean; allow_subscribe?: boolean };
  attributes?: Record<string, string>;
  version: '1.0';
}

export interface ClaimRequest {
  stageArn: string;
  eventsUrl: string;
  whipUrl: string;
  userId?: string;
  /** Default: both, as CreateParticipantToken does. */
  capabilities?: Capability[];
  attributes?: Record<string, string>;
  /** Default: 720 (12 h), the API's default; at most 20160 (14 days). */
  durationMinutes?: number;
  /** Becomes `jti`; a fresh one is generated when absent. */
  participantId?: string;
  now?: Date;
}

export const DEFAULT_DURATION_MINUTES = 720;
export const MAX_DURATION_MINUTES = 20160;
export const MAX_ATTRIBUTES_BYTES = 1024;
export const MAX_JTI_LENGTH = 64;
export const MAX_USER_ID_LENGTH = 128;
export const CAPABILITIES = (SHAPES.ParticipantTokenCapability as { enum: Capability[] }).enum;

const JTI_PATTERN = /^[A-Za-z0-9_-]+$/;
const STAGE_ARN_PATTERN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage\/([a-zA-Z0-9-]+)$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class ClaimError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** 12 alphanumeric characters, the shape IVS itself gives participant ids. */
export function newParticipantId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** The stage id (the `topic` claim) is the last path segment of the stage ARN. */
export function stageIdFromArn(arn: string): string | undefined {
  return STAGE_ARN_PATTERN.exec(arn)?.[1];
}

/** "1 KB total" in the docs: we count the UTF-8 bytes of every key and value. */
export function attributesSize(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

export function buildClaims(request: ClaimRequest): SelfSignedClaims {
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  const requested = request.durationMinutes ?? DEFAULT_DURATION_MINUTES;
  const problems: string[] = [];
  const durationOk = Number.isInteger(requested) && requested >= 1 && requested <= MAX_DURATION_MINUTES;
  if (!durationOk) problems.push(`duration must be a whole number of minutes from 1 to ${MAX_DURATION_MINUTES} (14 days), not ${requested}`);
  // A stand-in keeps exp checkable, so the duration is reported once and the other claims still are.
  const duration = durationOk ? requested : DEFAULT_DURATION_MINUTES;
  const capabilities = request.capabilities ?? CAPABILITIES;
  const claims: SelfSignedClaims = {
    exp: iat + duration * 60,
    iat,
    jti: request.participantId ?? newParticipantId(),
    ...(request.userId !== undefined ? { user_id: request.userId } : {}),
    resource: request.stageArn,
    topic: stageIdFromArn(request.stageArn) ?? '',
    events_url: request.eventsUrl,
    whip_url: request.whipUrl,
    // Only the granted flags, as the guide asks for a subscribe-only token ("set only allow_subscribe").
    capabilities: {
      ...(capabilities.includes('PUBLISH') ? { allow_publish: true } : {}),
      ...(capabilities.includes('SUBSCRIBE') ? { allow_subscribe: true } : {}),
    },
    ...(request.attributes && Object.keys(request.attributes).length > 0 ? { attributes: request.attributes } : {}),
    version: '1.0',
  };
  problems.push(...checkClaims({ ...claims }));
  if (problems.length > 0) throw new ClaimError(problems);
  return claims;
}

/**
 * Every documented rule a claim set breaks, as sentences naming the claim. Works on any decoded payload,
 * so `token decode` can point at the problem in a token someone else made.
 */
export function checkClaims(payload: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { exp, iat, jti, user_id, resource, topic, events_url, whip_url, capabilities, attributes, version } = payload;

  if (!isWholeNumber(iat)) problems.push('iat must be a whole number of seconds since 1970');
  if (!isWholeNumber(exp)) problems.push('exp must be a whole number of seconds since 1970');
  if (isWholeNumber(iat) && isWholeNumber(exp)) {
    if (exp <= iat) problems.push('exp must be later than iat');
    else if (exp - iat > MAX_DURATION_MINUTES * 60) problems.push('exp must be at most 14 days after iat');
  }

  if (typeof jti !== 'string' || jti.length === 0) problems.push('jti (the participant id) is required');
  else if (jti.length > MAX_JTI_LENGTH) problems.push(`jti must be at most ${MAX_JTI_LENGTH} characters`);
  else if (!JTI_PATTERN.test(jti)) problems.push('jti may contain only letters, digits, "_" and "-"');

  if (user_id !== undefined) {
    if (typeof user_id !== 'string') problems.push('user_id must be a string');
    else if ([...user_id].length > MAX_USER_ID_LENGTH) problems.push(`user_id must be at most ${MAX_USER_ID_LENGTH} characters`);
  }

  const stageId = typeof resource === 'string' ? stageIdFromArn(resource) : undefined;
  if (stageId === undefined) problems.push('resource must be a stage ARN (arn:aws:ivs:<region>:<account>:stage/<id>)');
  else if (topic !== stageId) problems.push(`topic must be the stage id "${stageId}"`);

  problems.push(...checkUrl('events_url', events_url), ...checkUrl('whip_url', whip_url));

  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) {
    problems.push('capabilities must be an object with allow_publish and/or allow_subscribe');
  } else {
    const entries = Object.entries(capabilities);
    const unknown = entries.filter(([k]) => k !== 'allow_publish' && k !== 'allow_subscribe').map(([k]) => k);
    if (unknown.length > 0) problems.push(`capabilities has unknown keys: ${unknown.join(', ')}`);
    if (entries.some(([, v]) => typeof v !== 'boolean')) problems.push('capabilities values must be true or false');
    if (!entries.some(([, v]) => v === true)) problems.push('capabilities must grant publish, subscribe or both');
  }

  if (attributes !== undefined) {
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes) || Object.values(attributes).some((v) => typeof v !== 'string')) {
      problems.push('attributes must map strings to strings');
    } else {
      const size = attributesSize(attributes as Record<string, string>);
      if (size > MAX_ATTRIBUTES_BYTES) problems.push(`attributes must total at most 1 KB (${MAX_ATTRIBUTES_BYTES} bytes of keys and values), not ${size}`);
    }
  }

  if (version !== '1.0') problems.push('version must be "1.0"');
  return problems;
}

function isWholeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function checkUrl(claim: string, value: unknown): string[] {
  if (typeof value !== 'string' || value.length === 0) return [`${claim} is required (the stage's endpoints from GetStage)`];
  try {
    new URL(value);
    return [];
  } catch {
    return [`${claim} must be a URL, not "${value}"`];
  }
}
