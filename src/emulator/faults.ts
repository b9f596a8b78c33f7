// Failures caused on purpose (`ivsrt local fail ...`), so an application's failure handling can run
// locally. A broken bucket stands for the documented causes of recording and S3 destination failures
// (the bucket is missing or IVS may not write to it); it stays broken, across restarts, until cleared.
import { failDestinationsWritingTo } from './composition-lifecycle.js';
import type { Emulator } from './emulator.js';
import { failRecording, recordingsTo } from './recording.js';

/** Auxiliary table of the faults in force, keyed by what they break (`bucket:<name>`). */
export const FAULTS = 'faults';

export interface BucketFault {
  bucket: string;
  /** Since when, on the emulator clock. */
  since: number;
}

const bucketKey = (bucket: string): string => `bucket:${bucket}`;

export function isBucketBroken(emu: Emulator, bucket: string): boolean {
  return emu.store.aux(FAULTS).has(bucketKey(bucket));
}

export interface BucketFaultResult {
  bucket: string;
  broken: boolean;
  /** What broke at once: recordings in progress, and running composition destinations writing to the bucket. */
  failedRecordings: number;
  failedDestinations: number;
}

/**
 * Breaks `bucket` (or, with `broken` false, repairs it). Recordings to it fail now (Recording Start
 * Failure while starting, Recording End Failure after), and so do running S3 destinations writing to
 * it; later recordings and destinations fail as they start, until it is repaired.
 */
export function setBucketFault(emu: Emulator, bucket: string, broken: boolean): BucketFaultResult {
  const fault: BucketFault | undefined = broken ? { bucket, since: emu.now() } : undefined;
  emu.mutate([{ k: 'aux', table: FAULTS, key: bucketKey(bucket), v: fault }]);
  if (!broken) return { bucket, broken, failedRecordings: 0, failedDestinations: 0 };
  const recordings = recordingsTo(emu, bucket);
  for (const p of recordings) failRecording(emu, p);
  return { bucket, broken, failedRecordings: recordings.length, failedDestinations: failDestinationsWritingTo(emu, bucket) };
}
