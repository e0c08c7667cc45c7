import { expect } from 'chai';
import type { ConsistencyName } from '../../../grammar/ast.js';
import { assureSufficientLiveReplicas, blockFor } from '../../../src/ring/consistency.js';
import type { ReplicationOptions } from '../../../src/schema/table.js';
import { UnavailableError } from '../../../src/util/errors.js';

const simple = (rf: number): ReplicationOptions => ({ class: 'SimpleStrategy', factors: { replication_factor: rf } });
const nts: ReplicationOptions = { class: 'NetworkTopologyStrategy', factors: { dc1: 3, dc2: 2 } };

describe('consistency arithmetic', () => {
  const table: [ConsistencyName, number, number, number, number][] = [
    // level, blockFor at SimpleStrategy RF 1, RF 3, NTS {dc1: 3, dc2: 2} seen from dc1, seen from dc2
    ['ANY', 1, 1, 1, 1],
    ['ONE', 1, 1, 1, 1],
    ['LOCAL_ONE', 1, 1, 1, 1],
    ['TWO', 2, 2, 2, 2],
    ['THREE', 3, 3, 3, 3],
    ['QUORUM', 1, 2, 3, 3],
    ['LOCAL_QUORUM', 1, 2, 2, 2],
    ['EACH_QUORUM', 1, 2, 4, 4],
    ['ALL', 1, 3, 5, 5],
    ['SERIAL', 1, 2, 3, 3],
    ['LOCAL_SERIAL', 1, 2, 2, 2],
  ];
  for (const [level, rf1, rf3, ntsDc1, ntsDc2] of table) {
    it(`${level} blocks for ${rf1} at RF 1, ${rf3} at RF 3, ${ntsDc1}/${ntsDc2} under NTS {dc1: 3, dc2: 2}`, () => {
      expect(blockFor(level, simple(1), 'dc1')).to.equal(rf1);
      expect(blockFor(level, simple(3), 'dc1')).to.equal(rf3);
      expect(blockFor(level, nts, 'dc1')).to.equal(ntsDc1);
      expect(blockFor(level, nts, 'dc2')).to.equal(ntsDc2);
    });
  }

  it('LOCAL_QUORUM in a datacenter without replicas needs one and finds none', () => {
    expect(blockFor('LOCAL_QUORUM', nts, 'dc3')).to.equal(1);
    expect(() => assureSufficientLiveReplicas('LOCAL_QUORUM', nts, 'dc3', { dc1: 3, dc2: 2 }))
      .to.throw(UnavailableError).with.property('alive', 0);
  });

  it('a single live replica of RF 3 serves ONE but not QUORUM, naming required and alive', () => {
    expect(() => assureSufficientLiveReplicas('ONE', simple(3), 'datacenter1', { datacenter1: 1 })).not.to.throw();
    try {
      assureSufficientLiveReplicas('QUORUM', simple(3), 'datacenter1', { datacenter1: 1 });
      expect.fail('QUORUM should be unavailable');
    } catch (err) {
      expect(err).to.be.instanceOf(UnavailableError);
      const e = err as UnavailableError;
      expect(e.fields()).to.deep.equal({ consistency: 'QUORUM', required: 2, alive: 1 });
      expect(e.message).to.equal('Cannot achieve consistency level QUORUM');
    }
  });

  it('EACH_QUORUM fails on the first datacenter short of its quorum', () => {
    expect(() => assureSufficientLiveReplicas('EACH_QUORUM', nts, 'dc1', { dc1: 3, dc2: 1 }))
      .to.throw(UnavailableError).with.property('required', 2);
    expect(() => assureSufficientLiveReplicas('EACH_QUORUM', nts, 'dc1', { dc1: 2, dc2: 2 })).not.to.throw();
  });

  it('ANY is never unavailable, since a hint satisfies it', () => {
    expect(() => assureSufficientLiveReplicas('ANY', simple(3), 'dc1', {})).not.to.throw();
  });

  it('LOCAL_QUORUM under NTS counts only the local datacenter', () => {
    expect(() => assureSufficientLiveReplicas('LOCAL_QUORUM', nts, 'dc1', { dc1: 1, dc2: 2 }))
      .to.throw(UnavailableError).with.property('alive', 1);
  });
});
