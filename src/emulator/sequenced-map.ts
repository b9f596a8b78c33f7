// A Map that also numbers its keys in insertion order, so a list can be paged from a position without
// copying or scanning the collection: each new key gets the next sequence number, which never changes
// while the key stays (replacing its value keeps it) and is never given to another key. The store keeps
// stages and each session's participants in these, and pagination.ts turns a sequence number into a
// nextToken: a page starts where the last one stopped, even if entries before it were deleted meanwhile.
export class SequencedMap<V> extends Map<string, V> {
  // (Built empty: Map's constructor would call set() with entries before these fields exist.)
  private readonly seqOf = new Map<string, number>();
  /** The live entries' sequence numbers, ascending, and their values at the same index. */
  private readonly seqs: number[] = [];
  private readonly values_: V[] = [];
  private nextSeq = 0;

  override set(key: string, value: V): this {
    const seq = this.seqOf.get(key);
    if (seq === undefined) {
      this.seqOf.set(key, this.nextSeq);
      this.seqs.push(this.nextSeq++);
      this.values_.push(value);
    } else {
      this.values_[this.indexFrom(seq)] = value;
    }
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const seq = this.seqOf.get(key);
    if (seq !== undefined) {
      const i = this.indexFrom(seq);
      this.seqs.splice(i, 1);
      this.values_.splice(i, 1);
      this.seqOf.delete(key);
    }
    return super.delete(key);
  }

  override clear(): void {
    this.seqOf.clear();
    this.seqs.length = 0;
    this.values_.length = 0;
    super.clear();
  }

  /** The index (in insertion order) of the first live entry whose sequence number is `seq` or later; `size` if none. */
  indexFrom(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The value at `index` in insertion order. */
  valueAt(index: number): V | undefined {
    return this.values_[index];
  }

  /** The sequence number of the entry at `index` in insertion order. */
  seqAt(index: number): number | undefined {
    return this.seqs[index];
  }
}
