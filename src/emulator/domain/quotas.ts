// The account's service quotas, in a module of its own: the public fixture types (src/fixture/api.ts)
// refer to them without pulling in the emulator.
export interface Quotas {
  stages: number;
  publicKeys: number;
  encoderConfigurations: number;
  storageConfigurations: number;
  ingestConfigurations: number;
  compositionsPerStage: number;
  compositionsPerAccount: number;
  publishersPerStage: number;
  subscribersPerStage: number;
  replicationsPerParticipant: number;
}

/** Service quotas (behaviour reference §5). */
export const DEFAULT_QUOTAS: Quotas = {
  stages: 1000,
  publicKeys: 3,
  encoderConfigurations: 20,
  storageConfigurations: 5,
  ingestConfigurations: 100,
  compositionsPerStage: 5,
  compositionsPerAccount: 20,
  publishersPerStage: 12,
  subscribersPerStage: 10_000,
  replicationsPerParticipant: 5,
};
