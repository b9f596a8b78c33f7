// The resource kinds of the IVS real-time API that have an ARN of their own, each declared once: how
// its ARN is spelled, where the emulator keeps it, what the CLI calls it and lists it with, and whether
// an emulator seed holds it. Every list of kinds (the emulator's store, storage and ARN lookup, the
// CLI's name resolution, completion, seeds) is derived from this table. Data only, with no imports
// that run: the CLI's start-up path takes it without taking the emulator.
import type { OperationName } from './api.js';

export interface ResourceDeclaration {
  /** The resource type in its ARN: `arn:aws:ivs:<region>:<account>:<arnType>/<id>`. */
  arnType: string;
  /** What the ARN's id is: 12 alphanumerics for every kind so far (behaviour reference §6). */
  idShape: 'alphanumeric12';
  /** Its collection in the emulator's store (Store[collection]: a map by ARN). */
  collection: string;
  /** Its name in words, in messages (`encoder configuration ... was not found`). */
  noun: string;
  /** Its name on the command line: `resource:` of a flag, the completion lookup, `ivsrt <cli> list`. */
  cli: string;
  /** The operation that lists every one, and the member of its reply holding them (name resolution, completion). */
  list: OperationName;
  listKey: string;
  /** The model's ARN shapes naming one: a request member of these shapes takes a name or an id too. */
  arnShapes: readonly string[];
  /** Where an emulator seed holds it, the model shape each entry matches, and its quota; absent when seeds do not. */
  seed?: { key: string; shape: string; quota: string };
}

/**
 * In dependency order: a kind comes after the kinds it refers to (a stage's recording names a storage
 * configuration, an ingest configuration a stage, a composition both), as storage loads them and a
 * seed is planned. The keys are the emulator's names, which its journal and data directory store.
 */
export const RESOURCES = {
  encoder: {
    arnType: 'encoder-configuration',
    idShape: 'alphanumeric12',
    collection: 'encoders',
    noun: 'encoder configuration',
    cli: 'encoder-config',
    list: 'ListEncoderConfigurations',
    listKey: 'encoderConfigurations',
    arnShapes: ['EncoderConfigurationArn'],
    seed: { key: 'encoderConfigurations', shape: 'EncoderConfiguration', quota: 'encoderConfigurations' },
  },
  storage: {
    arnType: 'storage-configuration',
    idShape: 'alphanumeric12',
    collection: 'storages',
    noun: 'storage configuration',
    cli: 'storage-config',
    list: 'ListStorageConfigurations',
    listKey: 'storageConfigurations',
    arnShapes: ['StorageConfigurationArn', 'AutoParticipantRecordingStorageConfigurationArn'],
    seed: { key: 'storageConfigurations', shape: 'StorageConfiguration', quota: 'storageConfigurations' },
  },
  key: {
    arnType: 'public-key',
    idShape: 'alphanumeric12',
    collection: 'keys',
    noun: 'public key',
    cli: 'public-key',
    list: 'ListPublicKeys',
    listKey: 'publicKeys',
    arnShapes: ['PublicKeyArn'],
    seed: { key: 'publicKeys', shape: 'PublicKey', quota: 'publicKeys' },
  },
  stage: {
    arnType: 'stage',
    idShape: 'alphanumeric12',
    collection: 'stages',
    noun: 'stage',
    cli: 'stage',
    list: 'ListStages',
    listKey: 'stages',
    arnShapes: ['StageArn', 'IngestConfigurationStageArn'],
    seed: { key: 'stages', shape: 'Stage', quota: 'stages' },
  },
  ingest: {
    arnType: 'ingest-configuration',
    idShape: 'alphanumeric12',
    collection: 'ingests',
    noun: 'ingest configuration',
    cli: 'ingest-config',
    list: 'ListIngestConfigurations',
    listKey: 'ingestConfigurations',
    arnShapes: ['IngestConfigurationArn'],
    seed: { key: 'ingestConfigurations', shape: 'IngestConfiguration', quota: 'ingestConfigurations' },
  },
  composition: {
    arnType: 'composition',
    idShape: 'alphanumeric12',
    collection: 'compositions',
    noun: 'composition',
    cli: 'composition',
    list: 'ListCompositions',
    listKey: 'compositions',
    arnShapes: ['CompositionArn'],
  },
} as const satisfies Record<string, ResourceDeclaration>;

type Resources = typeof RESOURCES;
/** A kind by the emulator's name for it (`encoder`), which its store and journal use. */
export type ArnKind = keyof Resources;
/** A kind by its ARN type (`encoder-configuration`). */
export type ArnType = Resources[ArnKind]['arnType'];
/** A kind by its name on the command line (`encoder-config`). */
export type CliKind = Resources[ArnKind]['cli'];
/** The store's collection of a kind (`encoders`). */
export type CollectionOf<K extends ArnKind> = Resources[K]['collection'];

/** Every kind, in dependency order. */
export const ARN_KINDS = Object.keys(RESOURCES) as ArnKind[];

export const isArnKind = (name: string): name is ArnKind => Object.hasOwn(RESOURCES, name);

/** The emulator's kind of an ARN type, if it is one of ours. */
export function kindOfArnType(arnType: string): ArnKind | undefined {
  return ARN_KINDS.find((kind) => RESOURCES[kind].arnType === arnType);
}
