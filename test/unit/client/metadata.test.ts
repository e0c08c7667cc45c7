import { expect } from 'chai';
import { ClusterMetadata, parseReplication, routingKey } from '../../../src/client/metadata.js';
import type { Prepared } from '../../../src/cql/result.js';
import { murmur3Token } from '../../../src/ring/murmur3.js';
import { serializePartitionKey } from '../../../src/schema/table.js';

const spec = (name: string) => ({ keyspace: 'shop', table: 't', name, type: 'text' });

describe('ClusterMetadata', () => {
  it('parses system_schema.keyspaces replication maps', () => {
    expect(parseReplication(new Map([['class', 'org.apache.cassandra.locator.SimpleStrategy'], ['replication_factor', '3']]))).to.deep.equal({
      class: 'SimpleStrategy',
      factors: { replication_factor: 3 },
    });
    expect(parseReplication(new Map([['class', 'NetworkTopologyStrategy'], ['dc1', '2'], ['dc2', '1']]))).to.deep.equal({
      class: 'NetworkTopologyStrategy',
      factors: { dc1: 2, dc2: 1 },
    });
    expect(parseReplication(new Map([['class', 'LocalStrategy']]))).to.equal(undefined);
  });

  it('serializes the bound partition key in key order, and gives up on a key that is not fully bound', () => {
    const prepared: Prepared = { id: Buffer.from('x'), params: [spec('v'), spec('b'), spec('a')], resultColumns: [], pkIndexes: [2, 1] };
    const a = Buffer.from('A');
    const b = Buffer.from('B');
    expect(routingKey(prepared, [Buffer.from('v'), b, a])).to.deep.equal({ keyspace: 'shop', key: serializePartitionKey([a, b]) });
    expect(routingKey(prepared, [Buffer.from('v'), b, null])).to.equal(undefined);
    expect(routingKey(prepared, [Buffer.from('v'), undefined, a])).to.equal(undefined);
    expect(routingKey({ ...prepared, pkIndexes: undefined }, [a, b, a])).to.equal(undefined);
  });

  it('places replicas as the server does: SimpleStrategy walks the ring from the key token', () => {
    const metadata = new ClusterMetadata();
    const key = Buffer.from('cart-1');
    const token = murmur3Token(key);
    // Three nodes with one token each, the key's token just before n2's.
    metadata.setNodes([
      { address: 'n1:9042', dc: 'dc1', rack: 'r1', tokens: [token - 10n] },
      { address: 'n2:9042', dc: 'dc1', rack: 'r1', tokens: [token + 10n] },
      { address: 'n3:9042', dc: 'dc1', rack: 'r1', tokens: [token + 20n] },
    ]);
    metadata.setKeyspaces([
      { keyspace_name: 'shop', replication: new Map([['class', 'org.apache.cassandra.locator.SimpleStrategy'], ['replication_factor', '2']]) },
    ]);
    expect(metadata.replicas('shop', key)).to.deep.equal(['n2:9042', 'n3:9042']);
    expect(metadata.replicas('unknown', key)).to.deep.equal([]);
  });
});
