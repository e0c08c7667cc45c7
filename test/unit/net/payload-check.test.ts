import { expect } from 'chai';
import { checkPayload } from '../../../src/net/payload-check.js';
import { VERBS, type VerbName } from '../../../src/net/verbs.js';
import { asEnvelope, Kind, MESSAGING_VERSION } from '../../../src/net/wire.js';
import { ErrorCode, ProtocolError } from '../../../src/util/errors.js';
import { INTERNODE_SAMPLES, SAMPLE_PARTITION } from '../../fuzz/internode-samples.js';
import { Cluster, eventually } from './harness.js';
import { RawPeer } from './raw-peer.js';

function rejection(verb: VerbName, payload: unknown): string {
  try {
    checkPayload(verb, payload);
    return 'accepted';
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    return (err as Error).message;
  }
}

describe('internode payload checks', () => {
  for (const verb of Object.keys(VERBS) as VerbName[]) {
    it(`accepts a well-formed ${verb} and refuses a non-map one`, () => {
      expect(rejection(verb, INTERNODE_SAMPLES[verb])).to.equal('accepted');
      expect(rejection(verb, 'x')).to.equal(`${verb} must be a map`);
    });
  }

  it('names the first field of a wrong type, deep inside a partition', () => {
    const bad = (patch: Record<string, unknown>) => ({ partitions: [{ ...SAMPLE_PARTITION, ...patch }] });
    expect(rejection('MUTATION', bad({ token: '12' }))).to.equal('MUTATION.partitions[0].token must be a 64-bit token');
    expect(rejection('MUTATION', bad({ token: 2n ** 64n }))).to.equal('MUTATION.partitions[0].token must be a 64-bit token');
    expect(rejection('MUTATION', bad({ key: 'k' }))).to.equal('MUTATION.partitions[0].key must be bytes');
    const row = SAMPLE_PARTITION.rows[0]!;
    expect(rejection('MUTATION', bad({ rows: [{ ...row, cells: [{ column: 'v', cell: { ...row.cells[0]!.cell, timestampUs: 'now' } }] }] }))).to.equal(
      'MUTATION.partitions[0].rows[0].cells[0].cell.timestampUs must be a finite number',
    );
    expect(rejection('GOSSIP_DIGEST_ACK2', { states: { a: { generation: 1, heartbeatVersion: 2, states: { STATUS: { value: 5, version: 1 } } } } })).to.equal(
      'GOSSIP_DIGEST_ACK2.states.a.states.STATUS.value must be text',
    );
    expect(rejection('SCHEMA_PUSH', { version: 'v', entries: [{ kind: 'keyspace', name: 'ks', timestampUs: 1, keyspace: { name: 'ks', replication: { class: 'Nope', factors: {} }, durableWrites: true } }] })).to.equal(
      'SCHEMA_PUSH.entries[0].keyspace.replication.class must be one of "SimpleStrategy", "NetworkTopologyStrategy"',
    );
  });

  describe('on a live connection', () => {
    const cluster = new Cluster();
    afterEach(() => cluster.closeAll());

    it('answers a malformed request with a protocol error and never runs its handler; drops a malformed one-way message', async () => {
      const node = await cluster.start();
      let handled = 0;
      node.messaging.handle('MUTATION', () => {
        handled++;
        return {};
      });
      node.messaging.handle('BATCHLOG_REMOVE', () => {
        handled++;
      });
      const raw = new RawPeer(await cluster.raw(node));
      raw.send([Kind.Hello, { cluster_name: node.settings.cluster_name, from: '127.0.0.9:7000', version: MESSAGING_VERSION }]);
      expect(((await raw.next()) as unknown[])[0]).to.equal(Kind.HelloAck);
      raw.send([Kind.Request, 1, VERBS.MUTATION.id, { partitions: [{ ...SAMPLE_PARTITION, token: 'zero' }] }]);
      expect(await raw.next()).to.deep.equal([
        Kind.Error,
        1,
        VERBS.MUTATION_RSP.id,
        { code: ErrorCode.Protocol, message: 'MUTATION.partitions[0].token must be a 64-bit token', fields: {} },
      ]);
      raw.send([Kind.OneWay, VERBS.BATCHLOG_REMOVE.id, { batchId: 7 }]);
      await eventually(() => node.logs.some((l) => l.includes('Dropping a malformed BATCHLOG_REMOVE message from 127.0.0.9:7000: BATCHLOG_REMOVE.batchId must be text')));
      raw.send([Kind.Request, 2, VERBS.MUTATION.id, INTERNODE_SAMPLES.MUTATION]);
      expect(await raw.next()).to.deep.equal([Kind.Response, 2, VERBS.MUTATION_RSP.id, {}]);
      expect(handled).to.equal(1);
    });
  });
});

describe('internode envelopes from a hostile peer', () => {
  it('refuses an envelope whose kind is a map holding a bigint with a ProtocolError, not a serialization failure', () => {
    // Found by the internode fuzzer (seed 1, iteration 912): the message serialized the kind with JSON.stringify.
    const refuse = (body: unknown) => {
      try {
        asEnvelope(body);
        return 'accepted';
      } catch (err) {
        expect(err).to.be.instanceOf(ProtocolError);
        return (err as Error).message;
      }
    };
    expect(refuse([{ token: 5n }, 1])).to.equal('malformed internode envelope of kind a map');
    expect(refuse([99n, 1])).to.equal('malformed internode envelope of kind 99');
    expect(refuse(['x'.repeat(100), 1])).to.equal(`malformed internode envelope of kind "${'x'.repeat(32)}"`);
  });
});
