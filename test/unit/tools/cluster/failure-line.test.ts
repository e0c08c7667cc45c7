import { expect } from 'chai';
import { failureLine } from '../../../../src/tools/cluster/processes.js';

describe('cluster start: the log line that says why a node failed', () => {
  it("takes the node's own error line over the usage text printed after it", () => {
    const log = "sibyl node: unknown setting 'x' in config file /c/node1/sibyl.yaml\n\nUsage: sibyl node [--config sibyl.yaml]\n\nFlags override the config file.\n";
    expect(failureLine(log)).to.equal("sibyl node: unknown setting 'x' in config file /c/node1/sibyl.yaml");
  });

  it("takes an uncaught error's message over its stack frames and Node's version footer", () => {
    const log = [
      'file:///repo/dist/src/a.js:4',
      "import { b } from './b.js';",
      '         ^',
      "SyntaxError: The requested module './b.js' does not provide an export named 'b'",
      '    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)',
      '',
      'Node.js v20.20.2',
      '',
    ].join('\n');
    expect(failureLine(log)).to.equal("SyntaxError: The requested module './b.js' does not provide an export named 'b'");
  });

  it('otherwise takes the last line, and nothing from an empty log', () => {
    expect(failureLine('2026-01-01T00:00:00.000Z INFO  Starting\n2026-01-01T00:00:01.000Z INFO  Gossip started\n')).to.equal(
      '2026-01-01T00:00:01.000Z INFO  Gossip started',
    );
    expect(failureLine('\n\n')).to.equal(undefined);
  });
});
