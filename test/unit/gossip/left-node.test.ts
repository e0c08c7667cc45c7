import { expect } from 'chai';
import { isReturnOfLeftNode } from '../../../src/gossip/gossiper.js';
import type { EndpointState, EndpointStateWire } from '../../../src/gossip/endpoint-state.js';

const HOST = '7fdc5c48-fde1-49a4-ad36-5f6bd959c8ff';

function held(status: string, generation = 100): EndpointState {
  return { heartbeat: { generation, version: 5 }, states: { STATUS: { value: status, version: 4 }, HOST_ID: { value: HOST, version: 1 } } };
}

function remote(status: string, hostId: string, generation = 200): EndpointStateWire {
  return { generation, heartbeatVersion: 3, states: { STATUS: { value: status, version: 2 }, HOST_ID: { value: hostId, version: 1 } } };
}

describe('a node that left the ring coming back', () => {
  it('is refused when it returns in a newer generation with the host id that left', () => {
    expect(isReturnOfLeftNode(held('LEFT'), remote('NORMAL', HOST))).to.equal(true);
  });

  it('is a new node, welcome, when it comes back at the address with another host id (its data was cleared)', () => {
    expect(isReturnOfLeftNode(held('LEFT'), remote('BOOT', '0b5e2c1d-0000-4000-8000-000000000001'))).to.equal(false);
  });

  it('is no return while the endpoint we hold has not left, or when the remote is not newer or still says LEFT', () => {
    expect(isReturnOfLeftNode(held('NORMAL'), remote('NORMAL', HOST))).to.equal(false);
    expect(isReturnOfLeftNode(held('SHUTDOWN'), remote('NORMAL', HOST))).to.equal(false);
    expect(isReturnOfLeftNode(held('LEFT', 300), remote('NORMAL', HOST, 200))).to.equal(false);
    expect(isReturnOfLeftNode(held('LEFT'), remote('LEFT', HOST))).to.equal(false);
  });
});
