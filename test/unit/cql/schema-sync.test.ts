import { expect } from 'chai';
import { parseStatement } from '../../../grammar/index.js';
import type { CreateKeyspace, CreateTable, DropTable } from '../../../grammar/ast.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import { SchemaSync, type SchemaMembership } from '../../../src/cql/schema-sync.js';
import type { EndpointId } from '../../../src/net/payloads.js';
import { silentLogger } from '../../../src/util/log.js';
import { Cluster, eventually, type TestNode } from '../net/harness.js';
import { MemorySchemaStore } from './memory-schema-store.js';

const stmt = <T>(cql: string) => parseStatement(cql).statement as T;

/** A membership whose peers and their gossiped schema versions the test sets by hand. */
class FakeMembership implements SchemaMembership {
  peers: EndpointId[] = [];
  private readonly listeners: ((peer: EndpointId, version: string) => void)[] = [];
  livePeers(): EndpointId[] {
    return this.peers;
  }
  onSchemaVersion(listener: (peer: EndpointId, version: string) => void): () => void {
    this.listeners.push(listener);
    return () => {};
  }
  gossip(peer: EndpointId, version: string): void {
    for (const l of this.listeners) l(peer, version);
  }
}

interface SyncNode {
  net: TestNode;
  catalog: SchemaCatalog;
  membership: FakeMembership;
  sync: SchemaSync;
}

describe('SchemaSync', () => {
  const cluster = new Cluster();
  let nodes: SyncNode[];

  beforeEach(async () => {
    nodes = [];
    for (let i = 0; i < 3; i++) {
      const net = await cluster.start();
      const catalog = new SchemaCatalog(new MemorySchemaStore());
      const membership = new FakeMembership();
      const sync = new SchemaSync({ catalog, messaging: net.messaging, membership, log: silentLogger });
      sync.start();
      nodes.push({ net, catalog, membership, sync });
    }
    for (const n of nodes) n.membership.peers = nodes.filter((m) => m !== n).map((m) => m.net.messaging.self);
  });

  afterEach(async () => {
    for (const n of nodes) n.sync.stop();
    await cluster.closeAll();
  });

  const versions = () => new Set(nodes.map((n) => n.catalog.version));

  it('pushes DDL made on one node to every live peer', async () => {
    const [a] = nodes;
    await a!.catalog.createKeyspace(stmt<CreateKeyspace>(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}`));
    await a!.catalog.createTable('ks', stmt<CreateTable>('CREATE TABLE t (k int PRIMARY KEY, v text)'));
    await eventually(() => nodes.every((n) => n.catalog.table('ks', 't') !== undefined));
    expect(versions().size).to.equal(1);
    expect(nodes.map((n) => n.catalog.table('ks', 't')!.id)).to.deep.equal(Array(3).fill(a!.catalog.table('ks', 't')!.id));
  });

  it('pulls from a peer whose gossiped version differs, so a node that missed a push catches up', async () => {
    const [a, b, c] = nodes;
    // c is not among a's or b's live peers when the DDL happens, so no push
    // (nor b's echo of what it merged) reaches it.
    a!.membership.peers = [b!.net.messaging.self];
    b!.membership.peers = [a!.net.messaging.self];
    await a!.catalog.createKeyspace(stmt<CreateKeyspace>(`CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`));
    await eventually(() => b!.catalog.keyspace('ks') !== undefined);
    expect(c!.catalog.keyspace('ks')).to.equal(undefined);
    c!.membership.gossip(a!.net.messaging.self, a!.catalog.version);
    await eventually(() => c!.catalog.keyspace('ks') !== undefined);
    expect(versions().size).to.equal(1);
  });

  it('converges concurrent DDL on different nodes, drops included', async () => {
    const [a, b] = nodes;
    await Promise.all([
      a!.catalog.createKeyspace(stmt<CreateKeyspace>(`CREATE KEYSPACE one WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)),
      b!.catalog.createKeyspace(stmt<CreateKeyspace>(`CREATE KEYSPACE two WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)),
    ]);
    await eventually(() => nodes.every((n) => n.catalog.keyspace('one') && n.catalog.keyspace('two')));
    await b!.catalog.createTable('one', stmt<CreateTable>('CREATE TABLE t (k int PRIMARY KEY)'));
    await eventually(() => nodes.every((n) => n.catalog.table('one', 't')));
    await a!.catalog.dropTable('one', stmt<DropTable>('DROP TABLE t'));
    await eventually(() => nodes.every((n) => n.catalog.table('one', 't') === undefined));
    expect(versions().size).to.equal(1);
  });
});
