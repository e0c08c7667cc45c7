/**
 * The consistency checker under faults, short and with a fixed seed for CI
 * (`npm run chaos` runs the long one): three real nodes, RF 3, six clients
 * writing unique values and reading at QUORUM for 45 s while the nemesis
 * partitions, kills and pauses nodes, one node running with a skewed clock.
 * Invariants, checked once faults healed and repair ran: no acknowledged
 * write lost, no stale read (W + R > N), no phantom read, identical replicas.
 */
import { expect } from 'chai';
import { formatResult, runChaos } from './chaos/chaos.js';

/** Seed 6's 45 s plan holds every kind of fault: 3 partitions, a kill, a pause and a node 789 ms ahead. */
const SEED = 6;

describe('consistency under faults (chaos, fixed seed)', function () {
  this.timeout(180_000);

  it('loses no acknowledged write, serves no stale read at QUORUM/QUORUM and converges to identical replicas', async () => {
    const lines: string[] = [];
    const result = await runChaos({
      seed: SEED,
      workloadMs: 45_000,
      writeLevel: 'QUORUM',
      readLevel: 'QUORUM',
      nodes: 3,
      keys: 20,
      nemesis: ['partition', 'kill', 'pause', 'skew'],
      clientsPerNode: 2,
      opsPerSecond: 150,
      readShare: 0.5,
      portOffset: (process.pid + 600) % 900,
      log: (line) => lines.push(line),
    });
    const report = formatResult(result);
    expect(result.faults, report).to.deep.equal({ partition: 3, kill: 1, pause: 1, skew: 1 });
    expect(result.operations.write.ok, report).to.be.greaterThan(500);
    expect(result.operations.read.ok, report).to.be.greaterThan(500);
    expect(result.staleReadsChecked).to.equal(true);
    expect(result.check.violations, report).to.deep.equal([]);
    expect([result.check.lostWrites, result.check.staleReads, result.check.phantomReads]).to.deep.equal([0, 0, 0]);
    expect(result.replicasIdentical, `${report}\n${lines.join('\n')}`).to.equal(true);
    expect(result.passed).to.equal(true);
  });
});
