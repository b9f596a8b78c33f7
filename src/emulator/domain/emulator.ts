// The state every handler works on: the one mutation path over the store (state/mutation-path.ts), with
// the clock, the token authority and the account's settings. One instance per running emulator.
import type { ClockTimer, VirtualClock } from '../state/clock.js';
import { notFound } from '../state/errors.js';
import { MutationPath } from '../state/mutation-path.js';
import { buildArn } from './ids.js';
import { RESOURCES, type ArnType } from '../../model/resources.js';
import type { Quotas } from './quotas.js';
import type { StorageEngine } from '../state/storage/engine.js';
import {
  type Store,
  type ArnKind,
  type CompositionRec,
  type EncoderConfigurationRec,
  type IngestConfigurationRec,
  type PublicKeyRec,
  type StageRec,
  type StorageConfigurationRec,
  type Tags,
} from '../state/store.js';
import type { TokenAuthority } from './tokens.js';

export { DEFAULT_QUOTAS, type Quotas } from './quotas.js';


export class Emulator extends MutationPath {
  /** Pending lifecycle timers, keyed by what they belong to (e.g. `composition:<arn>`). */
  private readonly timers = new Map<string, ClockTimer>();
  /** The emulator's WHIP route (`<url>/whip`) once it listens; stage endpoints point there. */
  whipBase: string | undefined;

  constructor(
    store: Store,
    readonly region: string,
    readonly accountId: string,
    readonly quotas: Quotas,
    readonly clock: VirtualClock,
    readonly tokens: TokenAuthority,
    /** Where committed ops go; memory only when absent. */
    engine: StorageEngine | undefined,
    log: (line: string) => void,
  ) {
    super(store, engine, log);
  }

  now(): number {
    return this.clock.now();
  }

  arn(type: ArnType, id: string): string {
    return buildArn(this.region, this.accountId, type, id);
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
    if (!rec) throw notFound(`${RESOURCES[kind].noun} ${arn} was not found`);
    return rec;
  }

  /** Runs `fire` after `delayMs` of virtual time; what it mutates is committed like a request's changes. */
  setTimer(key: string, delayMs: number, fire: () => void): void {
    this.clearTimer(key);
    this.timers.set(
      key,
      this.clock.schedule(delayMs, () => {
        this.timers.delete(key);
        fire();
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

  async close(): Promise<void> {
    this.clearAllTimers();
    this.clock.clear();
    await this.closeStorage();
  }
}
