// Server-side compositions (behaviour reference §4). The lifecycle after the start is in
// composition-lifecycle.ts.
import { isRunning, scheduleComposition, stopComposition } from '../../domain/composition-lifecycle.js';
import type { Emulator } from '../../domain/emulator.js';
import { quotaExceeded, validationError } from '../../state/errors.js';
import { newResourceId } from '../../domain/ids.js';
import { paginate } from '../pagination.js';
import type { CompositionRec, DestinationRec } from '../../state/store.js';
import { compositionSummary, compositionView } from '../../domain/views.js';
import type { ChannelDestinationConfiguration, DestinationConfiguration, LayoutConfiguration, S3DestinationConfiguration } from '@aws-sdk/client-ivs-realtime';
import { tagsOf, type Handler, type Handlers } from './common.js';

const GRID_DEFAULTS = {
  featuredParticipantAttribute: '',
  gridGap: 2,
  omitStoppedVideo: false,
  participantOrderAttribute: '',
  videoAspectRatio: 'VIDEO',
  videoFillMode: '',
};

const PIP_DEFAULTS = {
  featuredParticipantAttribute: '',
  gridGap: 0,
  omitStoppedVideo: false,
  participantOrderAttribute: '',
  pipBehavior: 'STATIC',
  pipOffset: 0,
  pipParticipantAttribute: '',
  pipPosition: 'BOTTOM_RIGHT',
  videoFillMode: 'COVER',
};

const RECORDING_DEFAULTS = { format: 'HLS', hlsConfiguration: { targetSegmentDurationSeconds: 2 } };

function layout(input: LayoutConfiguration | undefined): Record<string, unknown> {
  if (input?.grid && input?.pip) throw validationError('1 validation error detected: layout may hold grid or pip, not both');
  if (input?.pip) return { pip: { ...PIP_DEFAULTS, ...input.pip } };
  return { grid: { ...GRID_DEFAULTS, ...input?.grid } };
}

function destinations(emu: Emulator, compositionId: string, configs: DestinationConfiguration[]): DestinationRec[] {
  const prefixRoot = newResourceId();
  const kinds = configs.map((c, i) => {
    if (Boolean(c.channel) === Boolean(c.s3)) {
      throw validationError(`1 validation error detected: destinations[${i}] must have exactly one of channel or s3`);
    }
    return c.channel ? 'channel' : 's3';
  });
  if (new Set(kinds).size !== kinds.length) {
    throw validationError('1 validation error detected: destinations may hold at most one channel and one s3 destination');
  }
  return configs.map((c) => {
    const id = newResourceId();
    const configuration: Record<string, unknown> = { name: c.name ?? '' };
    if (c.channel) {
      if (c.channel.encoderConfigurationArn) emu.encoder(c.channel.encoderConfigurationArn);
      configuration.channel = c.channel;
      return { id, state: 'STARTING', configuration };
    }
    // Not a channel, so an S3 destination (checked above), with the members the server's model check requires.
    const s3 = c.s3 as S3DestinationConfiguration & { storageConfigurationArn: string; encoderConfigurationArns: string[] };
    emu.storage(s3.storageConfigurationArn);
    for (const arn of s3.encoderConfigurationArns) emu.encoder(arn);
    configuration.s3 = {
      ...s3,
      recordingConfiguration: {
        ...RECORDING_DEFAULTS,
        ...s3.recordingConfiguration,
        hlsConfiguration: { ...RECORDING_DEFAULTS.hlsConfiguration, ...s3.recordingConfiguration?.hlsConfiguration },
      },
    };
    return { id, state: 'STARTING', configuration, detail: { s3: { recordingPrefix: `${prefixRoot}/${compositionId}/${id}/composite` } } };
  });
}

const startComposition: Handler<'StartComposition'> = (emu, input) => {
  const stage = emu.stage(input.stageArn);
  if (input.idempotencyToken) {
    for (const c of emu.store.compositions.values()) {
      if (c.idempotencyToken === input.idempotencyToken && c.stageArn === stage.arn) return { composition: compositionView(c) };
    }
  }
  const running = [...emu.store.compositions.values()].filter(isRunning);
  if (running.filter((c) => c.stageArn === stage.arn).length >= emu.quotas.compositionsPerStage) {
    throw quotaExceeded(`stage ${stage.arn} already has ${emu.quotas.compositionsPerStage} compositions`);
  }
  if (running.length >= emu.quotas.compositionsPerAccount) {
    throw quotaExceeded(`the account already has ${emu.quotas.compositionsPerAccount} compositions`);
  }
  const id = newResourceId();
  const c: CompositionRec = {
    arn: emu.arn('composition', id),
    id,
    stageArn: stage.arn,
    state: 'STARTING',
    layout: layout(input.layout),
    destinations: destinations(emu, id, input.destinations),
    tags: tagsOf(input),
    startTime: emu.now(),
  };
  if (input.idempotencyToken) c.idempotencyToken = input.idempotencyToken;
  emu.mutate([{ k: 'composition', v: c }]);
  scheduleComposition(emu, c);
  return { composition: compositionView(c) };
};

const stopCompositionHandler: Handler<'StopComposition'> = (emu, input) => {
  stopComposition(emu, emu.composition(input.arn));
  return {};
};

const getComposition: Handler<'GetComposition'> = (emu, input) => ({ composition: compositionView(emu.composition(input.arn)) });

export function usesEncoder(c: CompositionRec, arn: string): boolean {
  return c.destinations.some((d) => {
    const config = d.configuration as { channel?: ChannelDestinationConfiguration; s3?: S3DestinationConfiguration };
    return config.channel?.encoderConfigurationArn === arn || config.s3?.encoderConfigurationArns?.includes(arn) === true;
  });
}

const listCompositions: Handler<'ListCompositions'> = (emu, input) => {
  const all = [...emu.store.compositions.values()].filter(
    (c) =>
      (input.filterByStageArn === undefined || c.stageArn === input.filterByStageArn) &&
      (input.filterByEncoderConfigurationArn === undefined || usesEncoder(c, input.filterByEncoderConfigurationArn)),
  );
  const page = paginate('ListCompositions', all, input, 100);
  return { compositions: page.items.map(compositionSummary), nextToken: page.nextToken };
};

/** Compositions that still hold on to a configuration (deleting it is a ConflictException). */
export function compositionsUsing(emu: Emulator, test: (c: CompositionRec) => boolean): CompositionRec[] {
  return [...emu.store.compositions.values()].filter((c) => c.state !== 'STOPPED' && c.state !== 'FAILED' && test(c));
}

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const COMPOSITIONS_HANDLERS = {
  GetComposition: getComposition,
  ListCompositions: listCompositions,
  StartComposition: startComposition,
  StopComposition: stopCompositionHandler,
} satisfies Handlers;
