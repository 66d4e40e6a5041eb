import type { Readable } from 'node:stream';

/** A stored blob: its key is the sha256 of its bytes, so equal content is stored once. */
export interface BlobRef {
  key: string;
  size: number;
}

/** A blob as the store lists it: when it was last written, so fresh ones can be left alone. */
export interface BlobInfo extends BlobRef {
  modified: Date;
}

/**
 * Where uploaded files and their Parquet conversions live (design §10): a directory on this
 * machine, or S3-compatible object storage shared by every node. Writes are atomic: a blob is
 * either absent or complete, never half-written. Storing content that is already there renews
 * its modified time: garbage collection spares recent blobs, and a re-upload is recent.
 */
export interface BlobStore {
  readonly kind: 'file' | 's3';
  /** Streams into the store. Past `maxBytes` it rejects with BlobTooLarge and keeps nothing. */
  put(
    source: Readable | AsyncIterable<Uint8Array>,
    opts?: { maxBytes?: number; signal?: AbortSignal },
  ): Promise<BlobRef>;
  /** Moves a finished local file into the store (the file is consumed). */
  putFile(file: string): Promise<BlobRef>;
  has(key: string): Promise<boolean>;
  read(key: string): Promise<Readable>;
  /** A path on this machine holding the blob, for engines that read files (DuckDB). */
  localPath(key: string): Promise<string>;
  /** Directories `localPath` answers from: the only ones the query engine may read. */
  readonly localRoots: string[];
  delete(key: string): Promise<void>;
  /** The blob's size and last write, or null when it is absent. */
  stat(key: string): Promise<BlobInfo | null>;
  /**
   * Every blob in the store, page by page. Anything else found there (temporary files, objects
   * that are not named by a sha256) is not a blob and is never listed.
   */
  list(): AsyncIterable<BlobInfo[]>;
}
