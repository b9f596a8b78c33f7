// The state every handler works on: the store, how changes reach the journal, the clock, the token
// authority and the account's settings. One instance per running emulator.
import type { ClockTimer, VirtualClock } from './clock.js';
import { notFound } from './errors.js';
import { buildArn, type ResourceType } from './ids.js';
import type { Journal } from './journal.js';
import {
  serializeOp,
  type Store,
  type ArnKind,
  type CompositionRec,
  type EncoderConfigurationRec,
  type EventRec,
  type IngestConfigurationRec,
  type Op,
  type ParticipantRec,
  type PublicKeyRec,
  type StageRec,
  type StorageConfigurationRec,
  type Tags,
} from './store.js';
import type { TokenAuthority } from './tokens.js';

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

const KIND_NAMES: Record<ArnKind, string> = {
  stage: 'stage',
  composition: 'composition',
  encoder: 'encoder configuration',
  storage: 'storage configuration',
  ingest: 'ingest configuration',
  key: 'public key',
};

export class Emulator {
  /** Pending lifecycle timers, keyed by what they belong to (e.g. `composition:<arn>`). */
  private readonly timers = new Map<string, ClockTimer>();

  constructor(
    readonly store: Store,
    readonly region: string,
    readonly accountId: string,
    readonly quotas: Quotas,
    readonly clock: VirtualClock,
    readonly tokens: TokenAuthority,
    private readonly journal: Journal | undefined,
    readonly log: (line: string) => void,
  ) {}

  now(): number {
    return this.clock.now();
  }

  arn(type: ResourceType, id: string): string {
    return buildArn(this.region, this.accountId, type, id);
  }

  /** Applies a change and queues it for the journal; the request that made it awaits `settle()`. */
  save(op: Op): void {
    this.store.apply(op);
    this.journal?.append(serializeOp(op));
  }

  addEvent(p: ParticipantRec, event: EventRec): void {
    this.save({ k: 'event', s: p.sessionId, p: p.id, e: event });
  }

  /** Resolves once every change made so far is durable. */
  settle(): Promise<void> {
    return this.journal ? this.journal.sync() : Promise.resolve();
  }

  /** For changes no request waits on (timers): flush them soon, report failures in the log. */
  settleInBackground(): void {
    this.settle().catch((error: unknown) => this.log(`journal: ${String(error)}`));
  }

  stage(arn: string): StageRec {
    return this.find('stage', arn) as StageRec;
  }

  composition(arn: string): CompositionRec {
    return this.find('composition', arn) as CompositionRec;
  }

  encoder(arn: string): EncoderConfigurationRec {
    return this.find('encoder', arn) as EncoderConfigurationRec;
  }

  storage(arn: string): StorageConfigurationRec {
    return this.find('storage', arn) as StorageConfigurationRec;
  }

  ingest(arn: string): IngestConfigurationRec {
    return this.find('ingest', arn) as IngestConfigurationRec;
  }

  publicKey(arn: string): PublicKeyRec {
    return this.find('key', arn) as PublicKeyRec;
  }

  /** Any taggable resource, or ResourceNotFoundException. */
  find(kind: ArnKind, arn: string): { arn: string; tags: Tags } {
    const rec = this.store.byKind(kind).get(arn);
    if (!rec) throw notFound(`${KIND_NAMES[kind]} ${arn} was not found`);
    return rec;
  }

  setTimer(key: string, delayMs: number, fire: () => void): void {
    this.clearTimer(key);
    this.timers.set(
      key,
      this.clock.schedule(delayMs, () => {
        this.timers.delete(key);
        fire();
        this.settleInBackground();
      }),
    );
  }

  clearTimer(key: string): void {
    this.clock.cancel(this.timers.get(key));
    this.timers.delete(key);
  }

  hasTimer(key: string): boolean {
    return this.timers.has(key);
  }

  clearAllTimers(): void {
    for (const timer of this.timers.values()) this.clock.cancel(timer);
    this.timers.clear();
  }

  compact(): Promise<void> {
    return this.journal ? this.journal.compact() : Promise.resolve();
  }

  async close(): Promise<void> {
    this.clearAllTimers();
    this.clock.clear();
    await this.journal?.close();
  }
}
