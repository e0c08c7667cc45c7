/**
 * What a Merkle leaf hashes: the stored entries of its partitions, as the
 * storage engine holds them (keys.ts), without decoding a key or assembling
 * a partition. Stored bytes are canonical (every key holds the reconciled
 * winner of all versions written to it, whatever the order they arrived in),
 * so replicas holding the same data hash the same bytes.
 *
 * Each entry is hashed as u32 key length | key | u32 value length | value.
 * One correction keeps the tree independent of the building node's clock: a
 * live cell whose TTL has run out at the session's `asOfS` is hashed as the
 * tombstone it became (flags 0x01, the same timestamp, TTL 0, its expiry as
 * localDeletionTimeS, no value), the bytes a replica that already turned it
 * into a tombstone stores. Only the cell's 17-byte header is read to decide.
 */
import { keyToken, partitionPrefixBytes, tablePrefix } from '../storage/keys.js';
import type { MerkleTreeBuilder } from './merkle.js';

/** flags (1) | timestampUs (8) | ttlS (4) | localDeletionTimeS (4): keys.ts encodeCellValue. */
const CELL_HEADER_BYTES = 17;
const FLAG_LIVE = 0x00;
const FLAG_TOMBSTONE = 0x01;
const TTL_OFFSET = 9;
const LOCAL_DELETION_OFFSET = 13;

export class LeafHasher {
  private readonly tablePrefixBytes: number;
  /** The partition prefix of the entries being hashed (its first partitionBytes bytes), to notice where the next partition starts. */
  private partition = Buffer.alloc(256);
  private partitionBytes = 0;
  private readonly tombstone = Buffer.alloc(CELL_HEADER_BYTES);

  constructor(
    private readonly builder: MerkleTreeBuilder,
    tableId: string,
    private readonly asOfS: number,
  ) {
    this.tablePrefixBytes = tablePrefix(tableId).length;
  }

  /** Hashes one stored entry; entries must come in ring order (StorageEngine.scanEntries). */
  readonly visit = (key: Buffer, value: Buffer): void => {
    const prefixBytes = partitionPrefixBytes(key, this.tablePrefixBytes);
    if (!this.samePartition(key, prefixBytes)) {
      if (prefixBytes > this.partition.length) this.partition = Buffer.alloc(2 * prefixBytes);
      key.copy(this.partition, 0, 0, prefixBytes);
      this.partitionBytes = prefixBytes;
      this.builder.beginPartition(keyToken(key, this.tablePrefixBytes));
    }
    this.builder.appendU32(key.length);
    this.builder.append(key);
    // Deletions are 12 bytes, cells at least 17: the length tells them apart.
    if (value.length >= CELL_HEADER_BYTES && value[0] === FLAG_LIVE && this.expired(value)) {
      value.copy(this.tombstone, 0, 0, CELL_HEADER_BYTES);
      this.tombstone[0] = FLAG_TOMBSTONE;
      this.tombstone.writeUInt32BE(0, TTL_OFFSET);
      this.builder.appendU32(CELL_HEADER_BYTES);
      this.builder.append(this.tombstone);
      return;
    }
    this.builder.appendU32(value.length);
    this.builder.append(value);
  };

  /**
   * Whether `key` belongs to the partition being hashed. Compared in place,
   * token and key bytes only (every entry of a pass has the same table
   * prefix): this runs once per entry, where a native compare or a copy
   * costs more than the dozen bytes it looks at.
   */
  private samePartition(key: Buffer, prefixBytes: number): boolean {
    if (prefixBytes !== this.partitionBytes) return false;
    const current = this.partition;
    for (let i = this.tablePrefixBytes; i < prefixBytes; i++) if (key[i] !== current[i]) return false;
    return true;
  }

  /** A live cell with a TTL whose expiry (its localDeletionTimeS) is at or before asOfS: reconcile.ts isExpired on the header. */
  private expired(value: Buffer): boolean {
    return value.readUInt32BE(TTL_OFFSET) > 0 && value.readUInt32BE(LOCAL_DELETION_OFFSET) <= this.asOfS;
  }
}
