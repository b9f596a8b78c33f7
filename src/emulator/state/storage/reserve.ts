// Space for a commit is claimed before the commit starts, so a full disk never fails a write inside lmdb.
//
// Why: lmdb 3.5.6 (lmdb-js's fork of LMDB) reports a failed page write (pwrite/writev returning -1, as
// on ENOSPC) by formatting "Attempting to write page at position %u, size %u, blocks %u, buffer sizes
// %i %i %i" into a 100-byte malloc buffer (mdb_page_flush, mdb.c:4742). The message is up to ~130
// bytes, and the last two sizes are read from iovec slots that may be uninitialised (garbage, hence
// "16384 -1694770720 2080394112"), so it overruns into the next heap chunk's header and glibc aborts
// later ("malloc(): invalid size (unsorted)", "corrupted size vs. prev_size"). valgrind shows it as
// the one invalid write. No lmdb option avoids that code path, and no newer lmdb release exists.
//
// So the emulator keeps the data file allocated ahead of lmdb: before each commit it makes sure the
// file already holds, past lmdb's last used page, at least as many pages as the commit can possibly
// take (`pagesAtMost`), writing zeros to claim them. lmdb then only ever writes into blocks the file
// system has already allocated, which cannot fail with ENOSPC (ext4, xfs, tmpfs; a copy-on-write file
// system such as btrfs or ZFS allocates again on every write, and is not covered). If the zeros do not
// fit, the commit is refused before lmdb sees it: a 500 that acknowledges nothing.
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/** What lmdb reports about the database (`db.getStats()`). */
export interface PageStats {
  pageSize: number;
  /** The last page in use; the next page taken from the end of the file is the one after it. */
  lastPageNumber: number;
  treeDepth: number;
}

/** Extra room claimed with each extension, so most commits find their space already there. */
const SLACK_PAGES = 16;
const ZEROS = Buffer.alloc(256 * 1024);

/**
 * The most pages a commit of `writes` (key, and value or undefined for a delete) can take from the end
 * of the file. LMDB copies every page it changes (copy-on-write), so each write may copy the path from
 * the root to its leaf, split a page at every level (one level more if the root splits), and touch a
 * sibling when a delete merges pages; a value too big for a leaf goes to overflow pages of its own.
 * At commit, the pages the transaction freed are listed in the free-page database (8 bytes each),
 * which is itself a tree that changes the same way.
 */
export function pagesAtMost(writes: readonly (readonly [string, Buffer | undefined])[], stats: Pick<PageStats, 'pageSize' | 'treeDepth'>): number {
  const levels = stats.treeDepth + 2;
  let pages = 0;
  for (const [key, value] of writes) {
    pages += 3 * levels;
    if (value) pages += Math.ceil((Buffer.byteLength(key) + value.length + 64) / stats.pageSize);
  }
  const freeList = Math.ceil((8 * (pages + 1)) / stats.pageSize) + 3 * levels;
  return pages + freeList + 8;
}

/**
 * The part of the data file known to be allocated. lmdb's used pages are (it wrote them); past them, only
 * what this process filled with zeros counts, since a page that a failed commit wrote, or a hole in a
 * sparse copy, may not be.
 */
export class SpaceReservation {
  private claimedEnd = 0;

  constructor(private readonly file: string) {}

  /**
   * Makes sure `pages` allocated pages follow lmdb's last used one; false, with the file as it was,
   * when the disk cannot hold them. Call it only while no commit is in flight: the zeros go where no
   * committed page is, and where the next commit will write.
   */
  claim(stats: PageStats, pages: number): boolean {
    const usedEnd = (stats.lastPageNumber + 1) * stats.pageSize;
    const needed = usedEnd + pages * stats.pageSize;
    if (this.claimedEnd >= needed) return true;
    const from = Math.max(this.claimedEnd, usedEnd);
    for (const target of [needed + SLACK_PAGES * stats.pageSize, needed]) {
      if (this.fill(from, target)) {
        this.claimedEnd = target;
        return true;
      }
    }
    return false;
  }

  private fill(from: number, to: number): boolean {
    const fd = openSync(this.file, 'r+');
    const size = fstatSync(fd).size;
    try {
      for (let at = from; at < to; ) at += writeSync(fd, ZEROS, 0, Math.min(ZEROS.length, to - at), at);
      fsyncSync(fd);
      return true;
    } catch (error) {
      // Back to whole pages: a torn extension would look like a truncated file at the next start.
      ftruncateSync(fd, size);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') return false;
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}
