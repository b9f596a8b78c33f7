// The pattern/event table that test/events/pattern.test.ts checks ivsrt's matcher on, and
// test/events/pattern-moto.test.ts checks against moto's EventBridge. `matches` is what the EventBridge
// User Guide says; `motoDiffers` marks where moto is known to answer otherwise, with the source.

export interface EventInput {
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface PatternCase {
  name: string;
  pattern: Record<string, unknown>;
  event: EventInput;
  matches: boolean;
  /** moto is known to disagree with EventBridge here; why, with a citation. */
  motoDiffers?: string;
}

const STAGE = 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGh1234';
const COMPOSITION = 'arn:aws:ivs:us-east-1:123456789012:composition/XyZ987654321';

const published: EventInput = {
  source: 'aws.ivs',
  detailType: 'IVS Stage Update',
  resources: [STAGE],
  detail: {
    session_id: 'st-1A2b3C4d5E6f',
    event_name: 'Participant Published',
    user_id: 'alice',
    participant_id: 'pA1b2C3d4E5f',
    publish_count: 3,
    bitrate: 2.5,
    remote_ip: '10.0.0.17',
    tags: ['live', 'vip'],
    optional: null,
    empty: '',
    recording: true,
    file: 'recordings/2026/index.m3u8',
    star: 'a*b',
    scores: [1, 20],
    nested: { level: { deep: 'yes' } },
  },
};

const composition: EventInput = {
  source: 'aws.ivs',
  detailType: 'IVS Composition State Change',
  resources: [COMPOSITION],
  detail: {
    event_name: 'Destination Failure',
    stage_arn: STAGE,
    id: 'dest-1',
    destinations: [
      { id: 'd1', state: 'ACTIVE' },
      { id: 'd2', state: 'FAILED' },
    ],
  },
};

const with_ = (event: EventInput, detail: Record<string, unknown>): EventInput => ({ ...event, detail: { ...event.detail, ...detail } });

export const PATTERN_CASES: PatternCase[] = [
  // exact matching and lists (Event patterns; Arrays in event patterns)
  { name: 'exact source', pattern: { source: ['aws.ivs'] }, event: published, matches: true },
  { name: 'exact source, other value', pattern: { source: ['aws.s3'] }, event: published, matches: false },
  { name: 'list is an OR', pattern: { 'detail-type': ['IVS Composition State Change', 'IVS Stage Update'] }, event: published, matches: true },
  { name: 'nested exact', pattern: { detail: { event_name: ['Participant Published'] } }, event: published, matches: true },
  { name: 'exact is case-sensitive', pattern: { detail: { event_name: ['participant published'] } }, event: published, matches: false },
  { name: 'fields are ANDed, one fails', pattern: { source: ['aws.ivs'], detail: { event_name: ['Participant Unpublished'] } }, event: published, matches: false },
  { name: 'fields are ANDed, all hold', pattern: { source: ['aws.ivs'], 'detail-type': ['IVS Stage Update'], detail: { user_id: ['alice'] } }, event: published, matches: true },
  { name: 'missing field never matches a value', pattern: { detail: { no_such: ['x'] } }, event: published, matches: false },
  { name: 'event array intersects', pattern: { detail: { tags: ['vip', 'other'] } }, event: published, matches: true },
  { name: 'event array, no intersection', pattern: { detail: { tags: ['other'] } }, event: published, matches: false },
  { name: 'resources array exact', pattern: { resources: [STAGE] }, event: published, matches: true },
  { name: 'number exact', pattern: { detail: { publish_count: [3] } }, event: published, matches: true },
  { name: 'number is not its string', pattern: { detail: { publish_count: ['3'] } }, event: published, matches: false },
  { name: 'boolean exact', pattern: { detail: { recording: [true] } }, event: published, matches: true },
  { name: 'boolean is not its string', pattern: { detail: { recording: ['true'] } }, event: published, matches: false },
  { name: 'null matches null', pattern: { detail: { optional: [null] } }, event: published, matches: true },
  { name: 'null does not match a missing field', pattern: { detail: { absent: [null] } }, event: published, matches: false },
  { name: 'empty string', pattern: { detail: { empty: [''] } }, event: published, matches: true },
  { name: 'deep nesting', pattern: { detail: { nested: { level: { deep: ['yes'] } } } }, event: published, matches: true },
  // prefix / suffix
  { name: 'prefix on an array', pattern: { resources: [{ prefix: 'arn:aws:ivs:us-east-1:123456789012:stage/' }] }, event: published, matches: true },
  { name: 'prefix, no match', pattern: { resources: [{ prefix: 'arn:aws:ivs:eu-west-1:' }] }, event: published, matches: false },
  { name: 'prefix ignoring case', pattern: { detail: { event_name: [{ prefix: { 'equals-ignore-case': 'participant PUB' } }] } }, event: published, matches: true },
  { name: 'suffix', pattern: { detail: { file: [{ suffix: '.m3u8' }] } }, event: published, matches: true },
  { name: 'suffix, no match', pattern: { detail: { file: [{ suffix: '.mp4' }] } }, event: published, matches: false },
  { name: 'suffix ignoring case', pattern: { detail: { file: [{ suffix: { 'equals-ignore-case': 'INDEX.M3U8' } }] } }, event: published, matches: true },
  { name: 'prefix does not apply to numbers', pattern: { detail: { publish_count: [{ prefix: '3' }] } }, event: published, matches: false },
  // anything-but
  { name: 'anything-but a string, other value', pattern: { detail: { event_name: [{ 'anything-but': 'Participant Unpublished' }] } }, event: published, matches: true },
  { name: 'anything-but a string, same value', pattern: { detail: { event_name: [{ 'anything-but': 'Participant Published' }] } }, event: published, matches: false },
  { name: 'anything-but a list, value listed', pattern: { detail: { user_id: [{ 'anything-but': ['bob', 'alice'] }] } }, event: published, matches: false },
  { name: 'anything-but a list, value not listed', pattern: { detail: { user_id: [{ 'anything-but': ['bob', 'carol'] }] } }, event: published, matches: true },
  { name: 'anything-but a number', pattern: { detail: { publish_count: [{ 'anything-but': 3 }] } }, event: published, matches: false },
  { name: 'anything-but numbers', pattern: { detail: { publish_count: [{ 'anything-but': [1, 2] }] } }, event: published, matches: true },
  { name: 'anything-but prefix, prefixed', pattern: { detail: { event_name: [{ 'anything-but': { prefix: 'Participant' } }] } }, event: published, matches: false },
  { name: 'anything-but prefix, not prefixed', pattern: { detail: { event_name: [{ 'anything-but': { prefix: 'Recording' } }] } }, event: published, matches: true },
  { name: 'anything-but suffix', pattern: { detail: { file: [{ 'anything-but': { suffix: '.m3u8' } }] } }, event: published, matches: false },
  { name: 'anything-but ignoring case', pattern: { detail: { user_id: [{ 'anything-but': { 'equals-ignore-case': 'ALICE' } }] } }, event: published, matches: false },
  { name: 'anything-but ignoring case, list', pattern: { detail: { user_id: [{ 'anything-but': { 'equals-ignore-case': ['BOB', 'Carol'] } }] } }, event: published, matches: true },
  { name: 'anything-but wildcard', pattern: { detail: { file: [{ 'anything-but': { wildcard: 'recordings/*' } }] } }, event: published, matches: false },
  { name: 'anything-but a missing field', pattern: { detail: { absent: [{ 'anything-but': 'x' }] } }, event: published, matches: false },
  // numeric
  { name: 'numeric range', pattern: { detail: { publish_count: [{ numeric: ['>', 0, '<=', 5] }] } }, event: published, matches: true },
  { name: 'numeric range, outside', pattern: { detail: { publish_count: [{ numeric: ['>', 3, '<', 10] }] } }, event: published, matches: false },
  { name: 'numeric equals a decimal', pattern: { detail: { bitrate: [{ numeric: ['=', 2.5] }] } }, event: published, matches: true },
  { name: 'numeric on a string', pattern: { detail: { user_id: [{ numeric: ['>', 0] }] } }, event: published, matches: false },
  { name: 'numeric on an array', pattern: { detail: { scores: [{ numeric: ['>=', 10] }] } }, event: published, matches: true },
  // exists
  { name: 'exists true', pattern: { detail: { participant_id: [{ exists: true }] } }, event: published, matches: true },
  { name: 'exists true, missing', pattern: { detail: { absent: [{ exists: true }] } }, event: published, matches: false },
  { name: 'exists false, missing', pattern: { detail: { absent: [{ exists: false }] } }, event: published, matches: true },
  { name: 'exists false, present', pattern: { detail: { user_id: [{ exists: false }] } }, event: published, matches: false },
  { name: 'exists false on an intermediate node', pattern: { detail: { nested: [{ exists: false }] } }, event: published, matches: true },
  { name: 'exists true on an intermediate node', pattern: { detail: { nested: [{ exists: true }] } }, event: published, matches: false },
  // equals-ignore-case, wildcard, cidr
  { name: 'equals-ignore-case', pattern: { 'detail-type': [{ 'equals-ignore-case': 'ivs stage UPDATE' }] }, event: published, matches: true },
  { name: 'equals-ignore-case, other value', pattern: { 'detail-type': [{ 'equals-ignore-case': 'ivs stage' }] }, event: published, matches: false },
  { name: 'wildcard in the middle', pattern: { resources: [{ wildcard: 'arn:aws:ivs:*:stage/*' }] }, event: published, matches: true },
  { name: 'wildcard, no match', pattern: { resources: [{ wildcard: 'arn:aws:ivs:*:composition/*' }] }, event: published, matches: false },
  { name: 'wildcard with an escaped star', pattern: { detail: { star: [{ wildcard: 'a\\*b' }] } }, event: published, matches: true },
  { name: 'wildcard escaped star is literal', pattern: { detail: { user_id: [{ wildcard: 'a\\*' }] } }, event: published, matches: false },
  { name: 'cidr, inside', pattern: { detail: { remote_ip: [{ cidr: '10.0.0.0/24' }] } }, event: published, matches: true },
  { name: 'cidr, outside', pattern: { detail: { remote_ip: [{ cidr: '10.0.1.0/24' }] } }, event: published, matches: false },
  // mixed conditions and $or
  { name: 'value or prefix in one list', pattern: { detail: { event_name: ['Recording End', { prefix: 'Participant' }] } }, event: published, matches: true },
  { name: '$or, second alternative', pattern: { source: ['aws.ivs'], $or: [{ detail: { user_id: ['bob'] } }, { detail: { publish_count: [{ numeric: ['>', 2] }] } }] }, event: published, matches: true },
  { name: '$or, no alternative', pattern: { $or: [{ 'detail-type': ['IVS Composition State Change'] }, { detail: { user_id: ['bob'] } }] }, event: published, matches: false },
  { name: '$or inside detail', pattern: { detail: { $or: [{ event_name: ['Session Start'] }, { stage_arn: [STAGE] }] } }, event: composition, matches: true },
  { name: 'composition event by stage', pattern: { 'detail-type': ['IVS Composition State Change'], detail: { stage_arn: [{ suffix: 'AbCdEfGh1234' }], event_name: [{ prefix: 'Destination' }] } }, event: composition, matches: true },
  {
    name: 'array of objects: fields from one element',
    pattern: { detail: { destinations: { id: ['d2'], state: ['FAILED'] } } },
    event: composition,
    matches: true,
    motoDiffers:
      'moto flattens only objects, never arrays, so it cannot see fields inside an array of objects. EventBridge runs AWS event-ruler, which matches arrays of objects element by element and rejects matches whose fields come from different elements (aws/event-ruler README "Arrays"; ACFinder.java).',
  },
  { name: 'array of objects: fields from two elements', pattern: { detail: { destinations: { id: ['d1'], state: ['FAILED'] } } }, event: composition, matches: false },
  { name: 'same pattern, another event', pattern: { detail: { user_id: ['alice'] } }, event: with_(published, { user_id: 'bob' }), matches: false },
];

/** The envelope EventBridge builds from a PutEvents entry. */
export function envelopeOf(input: EventInput, id = '6a7e8feb-b491-4cf7-a9f1-bf3703467718'): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': input.detailType,
    source: input.source,
    account: '123456789012',
    time: '2026-11-29T12:00:00Z',
    region: 'us-east-1',
    resources: input.resources,
    detail: input.detail,
  };
}
