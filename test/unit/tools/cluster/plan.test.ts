import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../../../src/tools/args.js';
import { nodeConfig, nodeConfigYaml } from '../../../../src/tools/cluster/node-config.js';
import { parseDcs, planCluster } from '../../../../src/tools/cluster/plan.js';
import { DEFAULT_SETTINGS } from '../../../../src/util/settings.js';

describe('cluster plan', () => {
  it('puts node i on 127.0.0.i with the same ports, its own folder, and node 1 as the seed', () => {
    const plan = planCluster({ dir: '/tmp/c', nodeCount: 3 });
    expect(plan.nodes.map((n) => n.address)).to.deep.equal(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    expect(plan.nodes.map((n) => [n.nativePort, n.storagePort])).to.deep.equal([[9042, 7000], [9042, 7000], [9042, 7000]]);
    expect(plan.seeds).to.deep.equal(['127.0.0.1:7000']);
    expect(plan.nodes[1]).to.deep.include({
      index: 2,
      dc: 'datacenter1',
      rack: 'rack1',
      nodeDir: '/tmp/c/node2',
      dataDir: '/tmp/c/node2/data',
      configFile: '/tmp/c/node2/sibyl.yaml',
      logFile: '/tmp/c/node2/sibyl.log',
      pidFile: '/tmp/c/node2/sibyl.pid',
    });
  });

  it('assigns datacenters in the order --dcs lists them and uses the port overrides', () => {
    const plan = planCluster({ dir: '/tmp/c', nodeCount: 3, dcs: parseDcs('dc1:2,dc2:1'), nativePort: 29042, storagePort: 27000 });
    expect(plan.nodes.map((n) => `${n.index}:${n.dc}`)).to.deep.equal(['1:dc1', '2:dc1', '3:dc2']);
    expect(plan.nodes[2]!.nativePort).to.equal(29042);
    expect(plan.seeds).to.deep.equal(['127.0.0.1:27000']);
  });

  it('refuses a node count that --dcs does not add up to, too many nodes, and equal ports', () => {
    expect(() => planCluster({ dir: '/tmp/c', nodeCount: 3, dcs: parseDcs('dc1:2') })).to.throw(UsageError, '-n 3 does not match --dcs, which adds up to 2 nodes');
    expect(() => planCluster({ dir: '/tmp/c', nodeCount: 255 })).to.throw(UsageError, '-n must be between 1 and 254; got 255');
    expect(() => planCluster({ dir: '/tmp/c', nodeCount: 1, nativePort: 7000 })).to.throw(UsageError, '--native-port and --storage-port must differ; both are 7000');
  });

  it('refuses malformed and repeated datacenters', () => {
    expect(() => parseDcs('dc1=2')).to.throw(UsageError, "--dcs expects name:count pairs such as dc1:2,dc2:1; got 'dc1=2'");
    expect(() => parseDcs('dc1:0')).to.throw(UsageError, '--dcs: datacenter dc1 needs at least one node');
    expect(() => parseDcs('dc1:1,dc1:2')).to.throw(UsageError, '--dcs names datacenter dc1 twice');
  });
});

describe('node config', () => {
  const plan = planCluster({ dir: '/tmp/c', nodeCount: 2, dcs: parseDcs('east:1,west:1') });

  it('writes the address, ports, data folder, cluster name and seeds of the node', () => {
    const config = parseYaml(nodeConfigYaml(plan, plan.nodes[1]!, new Set(Object.keys(DEFAULT_SETTINGS)))) as Record<string, unknown>;
    expect(config).to.deep.include({
      cluster_name: 'Sibyl Cluster',
      listen_address: '127.0.0.2',
      native_transport_port: 9042,
      storage_port: 7000,
      data_directory: '/tmp/c/node2/data',
      seeds: ['127.0.0.1:7000'],
    });
  });

  it('writes only keys the node knows, since a node refuses unknown keys', () => {
    for (const key of Object.keys(nodeConfig(plan, plan.nodes[0]!))) expect(DEFAULT_SETTINGS).to.have.property(key);
    const known = new Set([...Object.keys(DEFAULT_SETTINGS), 'dc', 'rack']);
    expect(nodeConfig(plan, plan.nodes[1]!, known)).to.deep.include({ dc: 'west', rack: 'rack1' });
    expect(nodeConfig(plan, plan.nodes[1]!, new Set(['listen_address']))).to.deep.equal({ listen_address: '127.0.0.2' });
  });
});
