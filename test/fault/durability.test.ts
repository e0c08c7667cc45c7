/**
 * Durability under a crash (DESIGN.md, Storage): with commitlog_sync batch, a
 * node killed with SIGKILL under write load at ONE on RF=1 keeps every write
 * it acknowledged. Writes in flight at the kill may or may not be there; no
 * key that was never sent may appear.
 */
import { expect } from 'chai';
import { killUnderLoad } from './kill-under-load.js';

describe('durability: SIGKILL under write load with commitlog_sync batch', function () {
  this.timeout(60_000);

  it('every acknowledged write is present after the restart', async () => {
    const run = await killUnderLoad({ commitlogSync: 'batch', writers: 8, loadMs: 3000 });
    expect(run.acked.size, 'writes were acknowledged before the kill').to.be.greaterThan(100);
    const lost = [...run.acked.keys()].filter((k) => !run.present.has(k)).sort((a, b) => a - b);
    expect(lost, 'acknowledged writes missing after the restart').to.deep.equal([]);
    const strangers = [...run.present].filter((k) => !run.acked.has(k) && !run.unknown.has(k));
    expect(strangers, 'keys present that were never sent').to.deep.equal([]);
    expect(run.unknown.size).to.be.at.most(8);
  });
});
