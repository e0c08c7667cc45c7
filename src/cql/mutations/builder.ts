/**
 * Accumulates the cells, markers and deletions of one or more modification
 * statements into Partition mutations (src/storage/model.ts). Writes that land
 * on the same partition, row or cell are merged the way storage would merge
 * them, so a BATCH touching one partition becomes one Partition.
 */
import { compareValues } from '../../schema/codec.js';
import { murmur3Token } from '../../ring/murmur3.js';
import type { TableMetadata } from '../../schema/table.js';
import { clusteringColumns } from '../../schema/table.js';
import type { Cell, DeletionTime, Partition, RangeTombstone, Row } from '../../storage/model.js';
import { maxDeletion, reconcile } from '../../storage/reconcile.js';

export class RowUpdate {
  marker?: Cell;
  deletion?: DeletionTime;
  private readonly collectionDeletions = new Map<string, DeletionTime>();
  private readonly cells = new Map<string, { column: string; path?: Buffer; cell: Cell }>();

  constructor(
    readonly clustering: Buffer[],
    readonly isStatic: boolean,
  ) {}

  setMarker(cell: Cell): void {
    this.marker = this.marker ? reconcile(this.marker, cell) : cell;
  }

  deleteRow(deletion: DeletionTime): void {
    this.deletion = maxDeletion(this.deletion, deletion)!;
  }

  deleteCollection(column: string, deletion: DeletionTime): void {
    this.collectionDeletions.set(column, maxDeletion(this.collectionDeletions.get(column), deletion)!);
  }

  addCell(column: string, cell: Cell, path?: Buffer): void {
    const id = path ? `${column}\u0000${path.toString('hex')}` : column;
    const old = this.cells.get(id);
    this.cells.set(id, { column, ...(path ? { path } : {}), cell: old ? reconcile(old.cell, cell) : cell });
  }

  toRow(): Row {
    const cells = [...this.cells.values()].sort(
      (a, b) => compareNames(a.column, b.column) || Buffer.compare(a.path ?? EMPTY, b.path ?? EMPTY),
    );
    const collectionDeletions = [...this.collectionDeletions]
      .sort(([a], [b]) => compareNames(a, b))
      .map(([column, deletion]) => ({ column, deletion }));
    return {
      clustering: this.clustering,
      isStatic: this.isStatic,
      ...(this.marker ? { marker: this.marker } : {}),
      ...(this.deletion ? { deletion: this.deletion } : {}),
      collectionDeletions,
      cells,
    };
  }
}

const EMPTY = Buffer.alloc(0);

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class PartitionUpdate {
  deletion?: DeletionTime;
  readonly rangeTombstones: RangeTombstone[] = [];
  private readonly rows = new Map<string, RowUpdate>();

  constructor(
    readonly table: TableMetadata,
    readonly key: Buffer,
    readonly token: bigint,
  ) {}

  deletePartition(deletion: DeletionTime): void {
    this.deletion = maxDeletion(this.deletion, deletion)!;
  }

  addRangeTombstone(tombstone: RangeTombstone): void {
    this.rangeTombstones.push(tombstone);
  }

  /** The static row for `[]` with isStatic, else the clustering row. */
  row(clustering: Buffer[], isStatic = false): RowUpdate {
    const id = isStatic ? 'static' : clustering.map((c) => c.toString('hex')).join(':');
    let row = this.rows.get(id);
    if (!row) {
      row = new RowUpdate(isStatic ? [] : clustering, isStatic);
      this.rows.set(id, row);
    }
    return row;
  }

  toPartition(): Partition {
    const types = clusteringColumns(this.table).map((c) => ({ type: c.type, sign: c.order === 'DESC' ? -1 : 1 }));
    const compare = (a: Row, b: Row): number => {
      if (a.isStatic !== b.isStatic) return a.isStatic ? -1 : 1;
      for (let i = 0; i < types.length; i++) {
        const c = compareValues(types[i]!.type, a.clustering[i]!, b.clustering[i]!) * types[i]!.sign;
        if (c !== 0) return c;
      }
      return 0;
    };
    return {
      tableId: this.table.id,
      key: this.key,
      token: this.token,
      ...(this.deletion ? { deletion: this.deletion } : {}),
      rangeTombstones: [...this.rangeTombstones],
      rows: [...this.rows.values()].map((r) => r.toRow()).sort(compare),
    };
  }
}

/** Every partition touched by a statement or batch, in the order first touched. */
export class MutationBuilder {
  private readonly partitions = new Map<string, PartitionUpdate>();

  partition(table: TableMetadata, key: Buffer): PartitionUpdate {
    const id = `${table.id}/${key.toString('hex')}`;
    let p = this.partitions.get(id);
    if (!p) {
      p = new PartitionUpdate(table, key, murmur3Token(key));
      this.partitions.set(id, p);
    }
    return p;
  }

  get size(): number {
    return this.partitions.size;
  }

  /** The partitions grouped by keyspace, since each keyspace replicates by its own rules. */
  byKeyspace(): Map<string, Partition[]> {
    const out = new Map<string, Partition[]>();
    for (const p of this.partitions.values()) {
      const list = out.get(p.table.keyspace) ?? [];
      list.push(p.toPartition());
      out.set(p.table.keyspace, list);
    }
    return out;
  }

  build(): Partition[] {
    return [...this.partitions.values()].map((p) => p.toPartition());
  }
}
