import { expect } from 'chai';
import { queryPlan, type PlanHost } from '../../../src/client/load-balancing.js';

const host = (address: string, dc: string | undefined, up = true): PlanHost => ({ address, dc, up });
const addresses = (plan: PlanHost[]) => plan.map((h) => h.address);

describe('queryPlan (token-aware, datacenter-aware round robin)', () => {
  const hosts = [host('a1', 'dc1'), host('a2', 'dc1'), host('a3', 'dc1'), host('b1', 'dc2'), host('b2', 'dc2')];

  it('puts the live local replicas first, then the other local hosts, then remote hosts', () => {
    const plan = queryPlan({ hosts, localDc: 'dc1', consistency: 'QUORUM', replicas: ['a3', 'b1', 'a2'], rotation: 0 });
    expect(addresses(plan)).to.deep.equal(['a3', 'a2', 'a1', 'b1', 'b2']);
  });

  it('rotates among the replicas and among the other hosts from one request to the next', () => {
    const table: [number, string[]][] = [
      [0, ['a3', 'a2', 'a1', 'b1', 'b2']],
      [1, ['a2', 'a3', 'a1', 'b2', 'b1']],
      [2, ['a3', 'a2', 'a1', 'b1', 'b2']],
    ];
    for (const [rotation, expected] of table) {
      expect(addresses(queryPlan({ hosts, localDc: 'dc1', consistency: 'ONE', replicas: ['a3', 'a2'], rotation }))).to.deep.equal(expected);
    }
  });

  it('without replicas is a round robin over the local hosts', () => {
    const plans = [0, 1, 2, 3].map((rotation) => addresses(queryPlan({ hosts, localDc: 'dc1', consistency: 'ONE', rotation }))[0]);
    expect(plans).to.deep.equal(['a1', 'a2', 'a3', 'a1']);
  });

  it('leaves out hosts that are down, replicas included', () => {
    const some = [host('a1', 'dc1', false), host('a2', 'dc1'), host('a3', 'dc1', false), host('b1', 'dc2')];
    const plan = queryPlan({ hosts: some, localDc: 'dc1', consistency: 'ONE', replicas: ['a1', 'a3'], rotation: 0 });
    expect(addresses(plan)).to.deep.equal(['a2', 'b1']);
  });

  it('never offers remote hosts to LOCAL_ONE, LOCAL_QUORUM or LOCAL_SERIAL, even when every local host is down', () => {
    const localsDown = [host('a1', 'dc1', false), host('b1', 'dc2'), host('b2', 'dc2')];
    for (const consistency of ['LOCAL_ONE', 'LOCAL_QUORUM', 'LOCAL_SERIAL'] as const) {
      expect(addresses(queryPlan({ hosts: localsDown, localDc: 'dc1', consistency, rotation: 0 }))).to.deep.equal([]);
    }
    expect(addresses(queryPlan({ hosts: localsDown, localDc: 'dc1', consistency: 'QUORUM', rotation: 0 }))).to.deep.equal(['b1', 'b2']);
  });

  it('does not route to a remote replica ahead of local hosts', () => {
    const plan = queryPlan({ hosts, localDc: 'dc1', consistency: 'ONE', replicas: ['b2'], rotation: 0 });
    expect(addresses(plan)).to.deep.equal(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('treats every host as local when no datacenter is set, and a host of unknown datacenter as local', () => {
    expect(addresses(queryPlan({ hosts, localDc: undefined, consistency: 'LOCAL_ONE', replicas: ['b1'], rotation: 0 }))).to.deep.equal([
      'b1',
      'a1',
      'a2',
      'a3',
      'b2',
    ]);
    const unknown = [host('c1', undefined), host('b1', 'dc2')];
    expect(addresses(queryPlan({ hosts: unknown, localDc: 'dc1', consistency: 'LOCAL_ONE', rotation: 0 }))).to.deep.equal(['c1']);
  });
});
