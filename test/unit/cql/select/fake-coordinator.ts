/**
 * A Coordinator over a fixed list of hand-built partitions. It answers reads
 * with whole partitions (ignoring slices, which the select path also applies
 * in memory) and scans in (token, key) order from `after`, so the select
 * path's own slicing, ordering and paging are what the tests observe.
 */
import type { Coordinator, RangeReadCommand } from '../../../../src/coordinator/coordinator.js';
import type { Partition, ReadCommand } from '../../../../src/storage/model.js';

function comparePosition(a: { token: bigint; key: Buffer }, b: { token: bigint; key: Buffer }): number {
  if (a.token !== b.token) return a.token < b.token ? -1 : 1;
  return Buffer.compare(a.key, b.key);
}

export class FakeCoordinator implements Coordinator {
  readonly reads: ReadCommand[] = [];
  readonly scans: RangeReadCommand[] = [];
  private readonly partitions: Partition[];

  constructor(partitions: Partition[]) {
    this.partitions = [...partitions].sort(comparePosition);
  }

  async write(): Promise<void> {
    throw new Error('the select path never writes');
  }

  async writeLoggedBatch(): Promise<void> {
    throw new Error('the select path never writes');
  }

  async truncate(): Promise<void> {
    throw new Error('the select path never truncates');
  }

  async read(_ks: unknown, _layout: unknown, commands: ReadCommand[]): Promise<(Partition | undefined)[]> {
    this.reads.push(...commands);
    return commands.map((c) => this.partitions.find((p) => p.key.equals(c.key)));
  }

  async scan(_ks: unknown, _layout: unknown, command: RangeReadCommand): Promise<Partition[]> {
    this.scans.push(command);
    const { start, end } = command.range;
    return this.partitions
      .filter((p) => start === end || (p.token > start && p.token <= end))
      .filter((p) => !command.after || comparePosition(p, command.after) > 0)
      .slice(0, command.limitPartitions);
  }
}
