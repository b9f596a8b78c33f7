// Failures caused on purpose (`ivsrt local fail ...`), so an application's failure handling can run
// locally. A broken bucket stands for the documented causes of recording and S3 destination failures
// (the bucket is missing or IVS may not write to it); it stays broken, across restarts, until cleared.
import type { Emulator } from './emulator.js';

/** Auxiliary table of the faults in force, keyed by what they break (`bucket:<name>`). */
const FAULTS = 'faults';

interface BucketFault {
  bucket: string;
  /** Since when, on the emulator clock. */
  since: number;
}

const bucketKey = (bucket: string): string => `bucket:${bucket}`;

export function isBucketBroken(emu: Emulator, bucket: string): boolean {
  return emu.store.aux(FAULTS).has(bucketKey(bucket));
}

/** Marks `bucket` broken (or, with `broken` false, writable again). What it breaks at once is the caller's (admin.ts). */
export function setBucketFault(emu: Emulator, bucket: string, broken: boolean): void {
  const fault: BucketFault | undefined = broken ? { bucket, since: emu.now() } : undefined;
  emu.mutate([{ k: 'aux', table: FAULTS, key: bucketKey(bucket), v: fault }]);
}
