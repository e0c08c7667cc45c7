import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { seededRandom } from '../../../src/clock/random.js';
import type { EndpointState } from '../../../src/gossip/endpoint-state.js';
import type { MetaStore } from '../../../src/gossip/identity.js';
import { TopologyService, type TopologyOptions } from '../../../src/node/topology.js';
import { TokenRing } from '../../../src/ring/token-ring.js';
import type { KeyspaceMetadata, TableMetadata } from '../../../src/schema/table.js';
import { silentLogger } from '../../../src/util/log.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';

const HOST = { a: '00000000-0000-4000-8000-00000000000a', c: '00000000-0000-4000-8000-00000000000c', d: '00000000-0000-4000-8000-00000000000d' };
const ring = TokenRing.of(['a', 'b', 'c', 'd'].map((id, i) => ({ id, tokens: [BigInt(10 * (i + 1))], dc: 'dc1', rack: 'r1' })));
const ks = { name: 'ks', replication: { class: 'SimpleStrategy', factors: { replication_factor: 3 } }, durableWrites: true } as KeyspaceMetadata;

/**
 * Four nodes a–d at RF 3, seen from a; d is dead and c is down too, so every
 * range d replicates with c has only one live source left and its stream
 * fails: a removal of d that cannot finish until c is back, or it is forced.
 */
function setUp() {
  const clock = new ManualClock();
  const alive = new Set(['a', 'b', 'c']);
  const advertised: [string, string][] = [];
  const states = new Map<string, EndpointState>(
    ['a', 'b', 'c', 'd'].map((ep) => [
      ep,
      { heartbeat: { generation: 1, version: 1 }, states: { HOST_ID: { value: HOST[ep as 'a'] ?? `00000000-0000-4000-8000-00000000000${ep}`, version: 1 }, STATUS: { value: 'NORMAL', version: 1 } } } as EndpointState,
    ]),
  );
  const gossip = {
    endpoints: () => states.entries(),
    isAlive: (ep: string) => alive.has(ep),
    advertiseStatus: (ep: string, status: string) => void advertised.push([ep, status]),
    stateOf: (ep: string, key: string) => states.get(ep)?.states[key]?.value,
    updateLocal: () => {},
  };
  const store: MetaStore = { getMeta: async () => undefined, putMeta: async () => {} };
  const service = new TopologyService({
    self: 'a',
    gossip: gossip as unknown as TopologyOptions['gossip'],
    ringView: { current: () => ring, future: () => ring.withoutEndpoint('d') } as unknown as TopologyOptions['ringView'],
    messaging: { request: () => Promise.reject(new Error('no messaging in this test')) } as unknown as TopologyOptions['messaging'],
    schema: { keyspaces: () => [ks], tables: () => [{ keyspace: 'ks', name: 't' } as TableMetadata], version: 'v1' },
    store,
    forgetHints: async () => {},
    settings: { ...DEFAULT_SETTINGS },
    clock,
    random: seededRandom(1),
    log: silentLogger,
    stopNode: () => {},
  });
  service.markNormal();
  /** Lets ring_delay pass and the background removal run to its end. */
  const runRemoval = async () => {
    clock.advance(DEFAULT_SETTINGS.ring_delay);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  alive.delete('c');
  return { service, advertised, alive, runRemoval };
}

describe('removenode on the node running it', () => {
  it('refuses an unknown host id, this node and a live node, in Cassandra\'s words', () => {
    const { service } = setUp();
    const message = (hostId: string) => {
      try {
        service.removenode(hostId);
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message('00000000-0000-4000-8000-0000000000ff')).to.equal('Host ID not found: 00000000-0000-4000-8000-0000000000ff');
    expect(message(HOST.a)).to.equal('Cannot remove self');
    expect(message('00000000-0000-4000-8000-00000000000b')).to.equal('Node /b is alive and owns this ID. Use decommission command to remove it from the ring');
  });

  it('keeps a removal whose streaming failed, so that force completes it and marks the node LEFT', async () => {
    const { service, advertised, runRemoval } = setUp();
    const { id } = service.removenode(HOST.d);
    expect(advertised).to.deep.equal([['d', 'REMOVING']]);
    await runRemoval();
    expect(service.status(id).state).to.equal('failed');
    expect(service.removalStatus()).to.match(/^RemovalStatus: Removing token \(40\)\. Streaming failed after 0\/3 ranges: cannot stream \(10,20\]: .*Run 'removenode force' to complete the removal/);
    // Another node cannot be removed meanwhile: the failed removal must be forced or retried first.
    expect(() => service.removenode(HOST.c)).to.throw("This node is already processing a removal. Wait for it to complete, or use 'removenode force' if this has failed.");

    expect(await service.forceRemoval()).to.equal(`RemovalStatus: Removing token (${HOST.d}). Forcing completion of removal; its ranges need repair.`);
    expect(advertised).to.deep.equal([
      ['d', 'REMOVING'],
      ['d', 'LEFT'],
    ]);
    expect(service.removalStatus()).to.equal('RemovalStatus: No removals in process.');
    let error = '';
    await service.forceRemoval().catch((err: Error) => (error = err.message));
    expect(error).to.equal('No token removals in process.');
  });

  it('retries a failed removal of the same node, which then streams', async () => {
    const { service, alive, runRemoval } = setUp();
    service.removenode(HOST.d);
    await runRemoval();
    expect(service.removalStatus()).to.contain('Streaming failed');
    alive.add('c');
    const { id } = service.removenode(HOST.d);
    expect(service.removalStatus()).to.equal('RemovalStatus: Removing token (40). Waiting for replication confirmation from []. Ranges streamed: 0/0.');
    await runRemoval();
    // With c back every range has its sources, so the stream reaches the messaging layer (absent here) and fails there.
    expect(service.status(id).error).to.match(/^streaming ks\.t \(10,20\] from b, c failed: /);
  });
});
