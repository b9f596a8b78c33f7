// A Map that also numbers its keys in insertion order, so a list can be paged from a position without
// copying or scanning the collection: each new key gets the next sequence number, which never changes
// while the key stays (replacing its value keeps it) and is never given to another key. The store keeps
// stages and each session's participants in these, and pagination.ts turns a sequence number into a
// nextToken: a page starts where the last one stopped, even if entries before it were deleted meanwhile.
export class SequencedMap<V> extends Map<string, V> {
  // (Built empty: Map's constructor would call set() with entries before these fields exist.)
  private readonly seqByKey = new Map<string, number>();
  /** The live entries' sequence numbers, ascending, and their values at the same index. */
  private readonly liveSeqs: number[] = [];
  private readonly liveValues: V[] = [];
  private nextSeq = 0;

  override set(key: string, value: V): this {
    const seq = this.seqByKey.get(key);
    if (seq === undefined) {
      this.seqByKey.set(key, this.nextSeq);
      this.liveSeqs.push(this.nextSeq++);
      this.liveValues.push(value);
    } else {
      this.liveValues[firstAtOrAfter(this.liveSeqs, seq)] = value;
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const seq = this.seqByKey.get(key);
    if (seq !== undefined) {
      const i = firstAtOrAfter(this.liveSeqs, seq);
      this.liveSeqs.splice(i, 1);
      this.liveValues.splice(i, 1);
      this.seqByKey.delete(key);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.seqByKey.clear();
    this.liveSeqs.length = 0;
    this.liveValues.length = 0;
    super.clear();
  }

  /** The index (in insertion order) of the first live entry whose sequence number is `seq` or later; `size` if none. */
  indexFrom(seq: number): number {
    return firstAtOrAfter(this.liveSeqs, seq);
  }

  /** The sequence number of `key`, if it is in the map. */
  seqOf(key: string): number | undefined {
    return this.seqByKey.get(key);
  }

  /** The value at `index` in insertion order. */
  valueAt(index: number): V | undefined {
    return this.liveValues[index];
  }

  /** The sequence number of the entry at `index` in insertion order. */
  seqAt(index: number): number | undefined {
    return this.liveSeqs[index];
  }
}

/** In an ascending array, the index of the first element that is `value` or more (the length if none). */
export function firstAtOrAfter(ascending: readonly number[], value: number): number {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ascending[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
