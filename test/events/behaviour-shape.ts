// The documented shape of an IVS event envelope (docs/events.md), checked field by field: the unit and
// end-to-end behaviour tests hold every emitted envelope to it.
import { expect } from 'vitest';
import { EVENT_NAMES, isExtraEvent, type IvsEvent } from '../../src/emulator/eventbridge/envelope.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const STAGE_ARN = /^arn:aws:ivs:[a-z0-9-]+:\d{12}:stage\/[a-zA-Z0-9-]+$/;
const COMPOSITION_ARN = /^arn:aws:ivs:[a-z0-9-]+:\d{12}:composition\/[a-zA-Z0-9-]+$/;
const SESSION_ID = /^st-[a-zA-Z0-9]{13}$/;
const PARTICIPANT_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * Fails unless `e` is a complete IVS envelope of an event the emulator sends (EVENT_NAMES), with exactly
 * the keys docs/events.md gives it: the sourced ones, plus the extras ("Extras") only when `extras` is on.
 */
export function expectDocumentedShape(e: IvsEvent, { extras = false } = {}): void {
  expect(Object.keys(e).sort()).toEqual(['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
  expect(e.version).toBe('0');
  expect(e.id).toMatch(UUID);
  expect(e.source).toBe('aws.ivs');
  expect(e.account).toMatch(/^\d{12}$/);
  expect(e.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
  expect(e.time).toMatch(TIME);
  expect(e.resources).toHaveLength(1);
  const names: readonly string[] = EVENT_NAMES[e['detail-type']];
  expect(names, `detail-type ${e['detail-type']}`).toBeDefined();
  expect(names).toContain(e.detail.event_name);
  if (!extras) expect(isExtraEvent(e.detail.event_name), `${e.detail.event_name} is sent only with extras`).toBe(false);
  const d = e.detail as unknown as Record<string, unknown>;
  const keys = Object.keys(d).sort();
  switch (e['detail-type']) {
    case 'IVS Stage Update': {
      expect(e.resources[0]).toMatch(STAGE_ARN);
      expect(d.session_id).toMatch(SESSION_ID);
      expect(d.participant_id).toMatch(PARTICIPANT_ID);
      expect(typeof d.user_id).toBe('string');
      // The order of real payloads, event_time equal to the envelope's time ([PAYLOAD] in docs/events.md).
      expect(Object.keys(d).slice(0, 5)).toEqual(['session_id', 'event_name', 'event_time', 'user_id', 'participant_id']);
      expect(d.event_time).toBe(e.time);
      const extra =
        extras && d.event_name === 'Participant Publish Error' ? ['error_code']
        : d.event_name === 'Participant Replication Started' || d.event_name === 'Participant Replication Stopped' ? ['destination_session_id', 'destination_stage_arn']
        : [];
      expect(keys).toEqual(['event_name', 'event_time', 'participant_id', 'session_id', 'user_id', ...extra].sort());
      if (extra.includes('error_code')) expect(d.error_code).toMatch(/^[A-Z_]+$/);
      if (extra.includes('destination_stage_arn')) {
        expect(d.destination_stage_arn).toMatch(STAGE_ARN);
        expect(d.destination_session_id).toMatch(SESSION_ID);
      }
      break;
    }
    case 'IVS Composition State Change': {
      expect(e.resources[0]).toMatch(COMPOSITION_ARN);
      expect(d.stage_arn).toMatch(STAGE_ARN);
      const destination = extras && String(d.event_name).startsWith('Destination ');
      const recording = String(d.event_name).startsWith('Composite Recording ');
      if (recording) {
        const base = ['destination_id', 'event_name', 'recording_s3_bucket_name', 'recording_s3_key_prefix', 'stage_arn'];
        expect(keys).toEqual((d.event_name === 'Composite Recording Start' ? base : [...base, 'recording_duration_ms']).sort());
        // The destination's recordingPrefix: <id>/<compositionId>/<destinationId>/composite.
        expect(d.recording_s3_key_prefix).toBe(`${String(d.recording_s3_key_prefix).split('/')[0]}/${e.resources[0]!.split('/').pop()}/${d.destination_id}/composite`);
      } else expect(keys).toEqual(destination ? ['destination_id', 'event_name', 'stage_arn'] : ['event_name', 'stage_arn']);
      if (destination || recording) expect(d.destination_id).toMatch(/^[a-zA-Z0-9]{12}$/);
      break;
    }
    case 'IVS Participant Recording State Change': {
      expect(e.resources[0]).toMatch(STAGE_ARN);
      expect(d.session_id).toMatch(SESSION_ID);
      expect(d.participant_id).toMatch(PARTICIPANT_ID);
      expect(d.recording_s3_bucket_name).toMatch(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
      const stageId = e.resources[0]!.slice(e.resources[0]!.lastIndexOf('/') + 1);
      expect(d.recording_s3_key_prefix).toBe(`${stageId}/${d.session_id}/${d.participant_id}/${String(d.recording_s3_key_prefix).split('/')[3]}`);
      // The User Guide's layout ends in the recording's start time, `2024-01-01T12-00-55Z` ([IPR]).
      expect(String(d.recording_s3_key_prefix).split('/')[3]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
      const base = ['event_name', 'participant_id', 'recording_s3_bucket_name', 'recording_s3_key_prefix', 'session_id'];
      expect(keys).toEqual((d.event_name === 'Recording End' ? [...base, 'recording_duration_ms'] : base).sort());
      if (d.event_name === 'Recording End') expect(d.recording_duration_ms).toBeGreaterThanOrEqual(0);
      break;
    }
  }
}
