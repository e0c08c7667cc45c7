/**
 * The fuzzers' short run for CI: a fixed seed and a few thousand inputs per
 * target (`npm run fuzz` runs them long; see docs/fuzzing.md). A failure
 * prints the input and the command that replays it.
 */
import { expect } from 'chai';
import { ClientTarget } from '../fuzz/client.js';
import { InternodeTarget } from '../fuzz/internode.js';
import { ParserTarget } from '../fuzz/parser.js';
import { describeFailure, runTarget, type FuzzTarget } from '../fuzz/target.js';

const SEED = 20_261_122;
const RUNS: [() => FuzzTarget, number][] = [
  [() => new ParserTarget(), 2500],
  [() => new ClientTarget(), 2500],
  [() => new InternodeTarget(), 5000],
];

describe('fuzzing (short, fixed seed)', function () {
  this.timeout(60_000);

  for (const [make, iterations] of RUNS) {
    const target = make();
    it(`${target.name}: ${iterations} generated inputs, each answered or refused with a Sibyl error`, async () => {
      const result = await runTarget(target, { seed: SEED, iterations });
      expect(result.failures.map(describeFailure).join('\n')).to.equal('');
      expect(result.iterations).to.equal(iterations);
      // Every kind of input was generated, so no generator silently stopped producing.
      expect(Object.keys(result.kinds).length).to.equal(3);
    });
  }
});
