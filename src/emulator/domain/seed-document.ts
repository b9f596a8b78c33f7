// The seed document's format, in a module of its own that holds types only: the public fixture types
// (src/fixture/api.ts) refer to it without pulling in the emulator, and seed.ts reads and writes it.
import type { EncoderConfiguration, IngestConfiguration, PublicKey, Stage, StorageConfiguration } from '@aws-sdk/client-ivs-realtime';

/**
 * A seed entry: a resource as its Get* operation returns it. Only `Needed` members are required; `arn`
 * and everything else may be left out (a new id is made, the service's defaults apply).
 */
export type SeedEntry<T, Needed extends keyof T = never> = Partial<T> & { [K in Needed]-?: NonNullable<T[K]> };

/**
 * The configured state as one JSON document (docs/testing.md, "Seeds"): what `ivsrt local export` prints,
 * and what `startEmulator({ seed })` and `ivsrt local start --seed` load.
 */
export interface Seed {
  /** The format's version; this is version 1. */
  ivsrtSeed: 1;
  stages?: SeedEntry<Omit<Stage, 'activeSessionId'>>[];
  encoderConfigurations?: SeedEntry<EncoderConfiguration>[];
  storageConfigurations?: SeedEntry<StorageConfiguration, 's3'>[];
  /** An ingest configuration is seeded INACTIVE (`state` is runtime, not configuration). */
  ingestConfigurations?: SeedEntry<Omit<IngestConfiguration, 'state'>, 'ingestProtocol'>[];
  /** `fingerprint` is computed from `publicKeyMaterial`. */
  publicKeys?: SeedEntry<PublicKey, 'publicKeyMaterial'>[];
}
