// What the mutation path (Emulator.mutate) needs from durable storage.
import type { Op } from '../store.js';

export interface StorageEngine {
  /** Stores `ops` in one transaction and resolves once it is durable; rejects (InternalServerException naming the cause) if it is not. */
  commit(ops: readonly Op[]): Promise<void>;
  /** After a failed commit: makes the store hold exactly what is durable again. */
  reload(): void;
  close(): Promise<void>;
}
