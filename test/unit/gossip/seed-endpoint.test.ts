import { expect } from 'chai';
import { seedEndpoint } from '../../../src/gossip/gossiper.js';

describe('seedEndpoint: a seed as the internode endpoint it names', () => {
  it('adds storage_port to a host without one and keeps a host:port as it is', () => {
    expect(seedEndpoint('127.0.0.1', 7000)).to.equal('127.0.0.1:7000');
    expect(seedEndpoint('node1.example', 7000)).to.equal('node1.example:7000');
    expect(seedEndpoint('127.0.0.1:7001', 7000)).to.equal('127.0.0.1:7001');
  });

  it("reads a bare IPv6 address as an address, not as host and port (::1 is not host ':' port 1)", () => {
    expect(seedEndpoint('::1', 7000)).to.equal('::1:7000');
    expect(seedEndpoint('fe80::1', 7000)).to.equal('fe80::1:7000');
  });

  it('takes the port of a bracketed IPv6 address, as Cassandra does', () => {
    expect(seedEndpoint('[::1]:7001', 7000)).to.equal('::1:7001');
    expect(seedEndpoint('[::1]', 7000)).to.equal('::1:7000');
  });
});
