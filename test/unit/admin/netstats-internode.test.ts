import { expect } from 'chai';
import { createAdminHandler } from '../../../src/admin/handler.js';
import type { InternodeStats } from '../../../src/admin/node-view.js';
import type { NetstatsAnswer } from '../../../src/admin/commands/netstats.js';
import { formatNetstats } from '../../../src/tools/sibyltool/commands/netstats.js';
import { FakeNodeView } from './fake-view.js';

class LoadedView extends FakeNodeView {
  internode: InternodeStats = { requestsInFlight: 12, overloadedRequests: 345, connectionsPausedNow: 1, pausesForOutput: 3, refusedHandshakes: 2 };
  internodeStats(): InternodeStats {
    return this.internode;
  }
}

describe('admin commands: netstats internode lines', () => {
  it('prints peers’ requests in flight and answered Overloaded, paused connections and refused handshakes', async () => {
    const answer = (await createAdminHandler(new LoadedView())('netstats', {})) as NetstatsAnswer;
    expect(answer.internode).to.deep.equal({ requestsInFlight: 12, overloadedRequests: 345, connectionsPausedNow: 1, pausesForOutput: 3, refusedHandshakes: 2 });
    expect(formatNetstats(answer)).to.equal(
      'Mode: NORMAL\n' +
        'Not sending any streams.\n' +
        'Read Repair Statistics:\n' +
        'Attempted: 0\n' +
        'Mismatch (Blocking): 0\n' +
        'Mismatch (Background): 0\n' +
        'Internode requests in flight: 12, answered Overloaded: 345\n' +
        'Internode connections paused for unread responses: 1 now, 3 since start\n' +
        'Refused internode handshakes: 2\n',
    );
  });

  it('prints no internode lines for a node without messaging', async () => {
    const answer = (await createAdminHandler(new FakeNodeView())('netstats', {})) as NetstatsAnswer;
    expect(answer.internode).to.equal(undefined);
    expect(formatNetstats(answer)).not.to.contain('Internode');
  });
});
