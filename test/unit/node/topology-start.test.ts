import { expect } from 'chai';
import { saveBootstrapState, saveTokens, type MetaStore } from '../../../src/gossip/identity.js';
import { startState } from '../../../src/node/join.js';
import { checkReplicationAfterLeaving } from '../../../src/node/topology-checks.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { KeyspaceMetadata } from '../../../src/schema/table.js';

function memoryStore(): MetaStore {
  const entries = new Map<string, Buffer>();
  return {
    getMeta: async (key) => entries.get(key),
    putMeta: async (key, value) => void entries.set(key, value),
  };
}

describe('a node starting, by what it persisted of joining the ring', () => {
  it('starts BOOT with no tokens on a first start', async () => {
    expect(await startState(memoryStore())).to.deep.equal({ tokens: [], status: 'BOOT', resumeTokens: [] });
  });

  it('starts NORMAL with its tokens once its bootstrap completed, and when it joined before the state was kept', async () => {
    const completed = memoryStore();
    await saveTokens(completed, [5n, 9n]);
    await saveBootstrapState(completed, 'COMPLETED');
    expect(await startState(completed)).to.deep.equal({ tokens: [5n, 9n], status: 'NORMAL', resumeTokens: [] });
    const older = memoryStore();
    await saveTokens(older, [7n]);
    expect(await startState(older)).to.deep.equal({ tokens: [7n], status: 'NORMAL', resumeTokens: [] });
  });

  it('resumes a bootstrap that did not finish with the tokens it chose', async () => {
    const store = memoryStore();
    await saveTokens(store, [1n, 2n]);
    await saveBootstrapState(store, 'IN_PROGRESS');
    expect(await startState(store)).to.deep.equal({ tokens: [], status: 'BOOT', resumeTokens: [1n, 2n] });
  });

  it('refuses to start a decommissioned node', async () => {
    const store = memoryStore();
    await saveTokens(store, [1n]);
    await saveBootstrapState(store, 'DECOMMISSIONED');
    let message = '';
    await startState(store).catch((err: Error) => (message = err.message));
    expect(message).to.equal('This node was decommissioned and will not rejoin the ring; to add it again as a new node, clear its data_directory first');
  });
});

describe('checkReplicationAfterLeaving', () => {
  const ks = (name: string, replication: KeyspaceMetadata['replication']): KeyspaceMetadata => ({ name, replication }) as KeyspaceMetadata;
  const ring = TokenRing.of([
    { id: 'a', tokens: [1n], dc: 'dc1', rack: 'r' },
    { id: 'b', tokens: [2n], dc: 'dc1', rack: 'r' },
    { id: 'c', tokens: [3n], dc: 'dc2', rack: 'r' },
  ]);

  it('accepts keyspaces whose replication the remaining nodes can hold', () => {
    checkReplicationAfterLeaving(ring, [
      ks('s', { class: 'SimpleStrategy', factors: { replication_factor: 3 } }),
      ks('n', { class: 'NetworkTopologyStrategy', factors: { dc1: 2, dc2: 1 } }),
    ]);
  });

  it('refuses, in Cassandra\'s words, when a keyspace would have fewer nodes than its RF', () => {
    expect(() => checkReplicationAfterLeaving(ring, [ks('s', { class: 'SimpleStrategy', factors: { replication_factor: 4 } })])).to.throw(
      'Not enough live nodes to maintain replication factor in keyspace s (RF = 4, N = 3).',
    );
    expect(() => checkReplicationAfterLeaving(ring, [ks('n', { class: 'NetworkTopologyStrategy', factors: { dc2: 2 } })])).to.throw(
      'Not enough live nodes to maintain replication factor in keyspace n (RF = 2, N = 1).',
    );
  });
});
