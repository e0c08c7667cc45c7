import { expect } from 'chai';
import { CLEANUP_WARNING, FULL_REPAIR_WARNING, replicationChangeWarnings, replicationFactorWarnings } from '../../../src/cql/ddl/replication-warnings.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const nts = (factors: Record<string, number>): ReplicationOptions => ({ class: 'NetworkTopologyStrategy', factors });

describe('ALTER KEYSPACE replication warnings', () => {
  it("asks for a full repair, in Cassandra's words, when the replication factor grows", () => {
    expect(FULL_REPAIR_WARNING).to.equal('When increasing replication factor you need to run a full (-full) repair to distribute the data.');
    expect(replicationChangeWarnings(simple(1), simple(3))).to.deep.equal([FULL_REPAIR_WARNING]);
    expect(replicationChangeWarnings(nts({ dc1: 2 }), nts({ dc1: 3 }))).to.deep.equal([FULL_REPAIR_WARNING]);
  });

  it('asks for a full repair when a datacenter or another strategy adds replicas', () => {
    expect(replicationChangeWarnings(nts({ dc1: 3 }), nts({ dc1: 3, dc2: 1 }))).to.deep.equal([FULL_REPAIR_WARNING]);
    expect(replicationChangeWarnings(simple(3), nts({ dc1: 3 }))).to.deep.equal([FULL_REPAIR_WARNING]);
  });

  it('asks for cleanup when replicas go, and for both when some move from one datacenter to another', () => {
    expect(replicationChangeWarnings(simple(2), simple(1))).to.deep.equal([CLEANUP_WARNING]);
    expect(replicationChangeWarnings(nts({ dc1: 2 }), nts({ dc2: 2 }))).to.deep.equal([FULL_REPAIR_WARNING, CLEANUP_WARNING]);
  });

  it('says nothing when the replication does not change', () => {
    expect(replicationChangeWarnings(simple(3), simple(3))).to.deep.equal([]);
    expect(replicationChangeWarnings(nts({ dc1: 3, dc2: 1 }), nts({ dc2: 1, dc1: 3 }))).to.deep.equal([]);
  });

  it('warns, in Cassandra 4\'s words, when a keyspace asks for more replicas than the cluster or a datacenter has nodes', () => {
    const nodes = new Map([['dc1', 2], ['dc2', 1]]);
    expect(replicationFactorWarnings('ks', simple(3), nodes)).to.deep.equal([]);
    expect(replicationFactorWarnings('ks', simple(4), nodes)).to.deep.equal(['Your replication factor 4 for keyspace ks is higher than the number of nodes 3']);
    expect(replicationFactorWarnings('ks', nts({ dc1: 3, dc2: 1, dc3: 5 }), nodes)).to.deep.equal([
      'Your replication factor 3 for keyspace ks is higher than the number of nodes 2 for datacenter dc1',
    ]);
    expect(replicationFactorWarnings('ks', simple(3), new Map())).to.deep.equal([]);
  });
});
