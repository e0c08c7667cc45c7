import { expect } from 'chai';
import { formatStatusTable } from '../../../../src/tools/cluster/node-status.js';
import { planCluster } from '../../../../src/tools/cluster/plan.js';
import { formatTable, nodeList } from '../../../../src/tools/cluster/table.js';

describe('cluster tables', () => {
  it('pads each column to its widest cell', () => {
    expect(formatTable(['a', 'bb'], [['ccc', 'd'], ['e', 'ffff']])).to.equal('a    bb\nccc  d\ne    ffff\n');
  });

  it('shows up, down, and a live process that does not answer', () => {
    const plan = planCluster({ dir: '/tmp/c', nodeCount: 3 });
    const table = formatStatusTable([
      { node: plan.nodes[0]!, pid: 101, up: true },
      { node: plan.nodes[1]!, pid: undefined, up: false },
      { node: plan.nodes[2]!, pid: 103, up: false },
    ]);
    expect(table.split('\n')).to.deep.equal([
      'node  status     address    client          internode       dc           rack   pid',
      '1     up         127.0.0.1  127.0.0.1:9042  127.0.0.1:7000  datacenter1  rack1  101',
      '2     down       127.0.0.2  127.0.0.2:9042  127.0.0.2:7000  datacenter1  rack1  -',
      '3     no-answer  127.0.0.3  127.0.0.3:9042  127.0.0.3:7000  datacenter1  rack1  103',
      '',
    ]);
  });
});

describe('node lists in messages', () => {
  it('says node for one and nodes for several', () => {
    expect(nodeList([2])).to.equal('node 2');
    expect(nodeList([1, 2, 3])).to.equal('nodes 1, 2, 3');
  });
});
