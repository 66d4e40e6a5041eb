import type { BlobInfo, BlobStore } from './store.ts';

export interface GcOptions {
  /** Of the given keys, those that something still needs; the rest may go. */
  referenced(keys: string[]): Promise<Set<string>>;
  /**
   * Blobs written more recently are kept whatever refers to them: an upload stores its blob
   * before the transaction that records it commits.
   */
  minAgeMs: number;
  dryRun: boolean;
  now: Date;
  /** Each blob deleted (or, on a dry run, that would be). */
  onDelete?(blob: BlobInfo): void;
  /** After each page of the listing, with the totals so far. */
  onPage?(totals: GcSummary): void;
}

export interface GcSummary {
  checked: number;
  /** Old enough to go, but still referred to. */
  referenced: number;
  /** Younger than the minimum age: kept without asking. */
  young: number;
  deleted: number;
  bytesFreed: number;
}

/**
 * Deletes the blobs nothing refers to, page by page: the listing is checked against the
 * database one page at a time, so memory stays flat however large the store is.
 */
export async function collectGarbage(store: BlobStore, opts: GcOptions): Promise<GcSummary> {
  const cutoff = opts.now.getTime() - opts.minAgeMs;
  const old = (b: BlobInfo) => b.modified.getTime() <= cutoff;
  const totals: GcSummary = { checked: 0, referenced: 0, young: 0, deleted: 0, bytesFreed: 0 };
  for await (const page of store.list()) {
    totals.checked += page.length;
    const aged = page.filter(old);
    const needed = aged.length ? await opts.referenced(aged.map((b) => b.key)) : new Set<string>();
    totals.referenced += needed.size;
    for (const listed of aged) {
      if (needed.has(listed.key)) continue;
      // Looked at again right before it goes: an upload of the same content renews the blob.
      const blob = await store.stat(listed.key);
      if (!blob) continue;
      if (!old(blob)) {
        totals.young++;
        continue;
      }
      if (!opts.dryRun) await store.delete(blob.key);
      totals.deleted++;
      totals.bytesFreed += blob.size;
      opts.onDelete?.(blob);
    }
    totals.young += page.length - aged.length;
    opts.onPage?.({ ...totals });
  }
  return totals;
}
