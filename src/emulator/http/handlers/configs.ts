// Encoder and storage configurations: templates that compositions and participant recording refer to.
import { conflict, quotaExceeded } from '../../state/errors.js';
import { newResourceId } from '../../domain/ids.js';
import { paginate } from '../pagination.js';
import type { EncoderConfigurationRec, StorageConfigurationRec } from '../../state/store.js';
import { encoderSummary, encoderView, storageView } from '../../domain/views.js';
import { tagsOf, type Handler, type Handlers } from './common.js';
import { compositionsUsing, usesEncoder } from './compositions.js';
import { video } from '../../domain/configurations.js';

const createEncoderConfiguration: Handler<'CreateEncoderConfiguration'> = (emu, input) => {
  if (emu.store.encoders.size >= emu.quotas.encoderConfigurations) {
    throw quotaExceeded(`the account already has ${emu.quotas.encoderConfigurations} encoder configurations`);
  }
  const id = newResourceId();
  const rec: EncoderConfigurationRec = { arn: emu.arn('encoder-configuration', id), id, name: input.name ?? '', video: video(input.video), tags: tagsOf(input) };
  emu.mutate([{ k: 'encoder', v: rec }]);
  return { encoderConfiguration: encoderView(rec) };
};

const getEncoderConfiguration: Handler<'GetEncoderConfiguration'> = (emu, input) => ({ encoderConfiguration: encoderView(emu.encoder(input.arn)) });

const deleteEncoderConfiguration: Handler<'DeleteEncoderConfiguration'> = (emu, input) => {
  const rec = emu.encoder(input.arn);
  const users = compositionsUsing(emu, (c) => usesEncoder(c, rec.arn));
  if (users.length > 0) throw conflict(`encoder configuration ${rec.arn} is used by composition ${users[0]!.arn}`);
  emu.mutate([{ k: 'delete', kind: 'encoder', arn: rec.arn }]);
  return {};
};

const listEncoderConfigurations: Handler<'ListEncoderConfigurations'> = (emu, input) => {
  const page = paginate('ListEncoderConfigurations', [...emu.store.encoders.values()], input, 100);
  return { encoderConfigurations: page.items.map(encoderSummary), nextToken: page.nextToken };
};

const createStorageConfiguration: Handler<'CreateStorageConfiguration'> = (emu, input) => {
  if (emu.store.storages.size >= emu.quotas.storageConfigurations) {
    throw quotaExceeded(`the account already has ${emu.quotas.storageConfigurations} storage configurations`);
  }
  const id = newResourceId();
  const rec: StorageConfigurationRec = {
    arn: emu.arn('storage-configuration', id),
    id,
    name: input.name ?? '',
    // bucketName is required by the model, which the server has checked (the SDK types it as optional).
    s3: { bucketName: input.s3.bucketName as string },
    tags: tagsOf(input),
  };
  emu.mutate([{ k: 'storage', v: rec }]);
  return { storageConfiguration: storageView(rec) };
};

const getStorageConfiguration: Handler<'GetStorageConfiguration'> = (emu, input) => ({ storageConfiguration: storageView(emu.storage(input.arn)) });

const deleteStorageConfiguration: Handler<'DeleteStorageConfiguration'> = (emu, input) => {
  const rec = emu.storage(input.arn);
  const users = compositionsUsing(emu, (c) =>
    c.destinations.some((d) => (d.configuration as { s3?: { storageConfigurationArn?: string } }).s3?.storageConfigurationArn === rec.arn),
  );
  if (users.length > 0) throw conflict(`storage configuration ${rec.arn} is used by composition ${users[0]!.arn}`);
  for (const stage of emu.store.stages.values()) {
    if (stage.autoRecording.storageConfigurationArn === rec.arn) {
      throw conflict(`storage configuration ${rec.arn} is used by the participant recording of stage ${stage.arn}`);
    }
  }
  emu.mutate([{ k: 'delete', kind: 'storage', arn: rec.arn }]);
  return {};
};

const listStorageConfigurations: Handler<'ListStorageConfigurations'> = (emu, input) => {
  const defaultMax = Math.max(1, Math.min(emu.quotas.storageConfigurations, 100));
  const page = paginate('ListStorageConfigurations', [...emu.store.storages.values()], input, defaultMax);
  return { storageConfigurations: page.items.map(storageView), nextToken: page.nextToken };
};

/** This area's operations; handlers/index.ts gathers every area's, and the type check that all are there. */
export const CONFIGS_HANDLERS = {
  CreateEncoderConfiguration: createEncoderConfiguration,
  CreateStorageConfiguration: createStorageConfiguration,
  DeleteEncoderConfiguration: deleteEncoderConfiguration,
  DeleteStorageConfiguration: deleteStorageConfiguration,
  GetEncoderConfiguration: getEncoderConfiguration,
  GetStorageConfiguration: getStorageConfiguration,
  ListEncoderConfigurations: listEncoderConfigurations,
  ListStorageConfigurations: listStorageConfigurations,
} satisfies Handlers;
