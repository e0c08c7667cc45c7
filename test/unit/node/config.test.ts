import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadSettings } from '../../../src/node/config.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sibyl-config-')), 'sibyl.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadSettings', () => {
  it('starts from the defaults', () => {
    expect(loadSettings({})).to.deep.equal(DEFAULT_SETTINGS);
  });

  it('lets the config file override defaults and flags override the file', () => {
    const file = configFile('cluster_name: Test\nnative_transport_port: 9142\ncommitlog_sync: batch\n');
    const settings = loadSettings({ configFile: file, overrides: { native_transport_port: '9242' } });
    expect(settings.cluster_name).to.equal('Test');
    expect(settings.commitlog_sync).to.equal('batch');
    expect(settings.native_transport_port).to.equal(9242);
  });

  it('reads seeds as a YAML list or as one comma-separated string', () => {
    const list = configFile('seeds:\n  - 127.0.0.1:7000\n  - 127.0.0.2\n');
    expect(loadSettings({ configFile: list }).seeds).to.deep.equal(['127.0.0.1:7000', '127.0.0.2']);
    expect(loadSettings({ overrides: { seeds: '127.0.0.1, 127.0.0.3:7001' } }).seeds).to.deep.equal(['127.0.0.1', '127.0.0.3:7001']);
    expect(() => loadSettings({ overrides: { seeds: [7000] } })).to.throw(ConfigError, `setting 'seeds' in command line must be a list of non-empty strings, got [7000]`);
  });

  it('refuses a seed whose port is not a port, or with a space in it, naming the seed', () => {
    for (const seed of ['127.0.0.1:abc', '127.0.0.1:99999', '127.0.0.1:', ':7000', '127.0.0.1 7000', '[::1]:99999', '[::1]:']) {
      expect(() => loadSettings({ overrides: { seeds: seed } }), seed).to.throw(
        ConfigError,
        `setting 'seeds' in command line must list addresses as host or host:port with a port from 1 to 65535, got ${JSON.stringify(seed)}`,
      );
    }
    expect(loadSettings({ overrides: { seeds: 'node1.example, 127.0.0.2:7001, ::1, [::1]:7001' } }).seeds).to.deep.equal(['node1.example', '127.0.0.2:7001', '::1', '[::1]:7001']);
  });

  it('refuses an unknown key, naming it and where it came from', () => {
    const file = configFile('native_transport_prot: 9042\n');
    expect(() => loadSettings({ configFile: file })).to.throw(ConfigError, `unknown setting 'native_transport_prot' in config file ${file}`);
  });

  it('refuses a mistyped value, naming the setting', () => {
    expect(() => loadSettings({ overrides: { native_transport_port: 'abc' } })).to.throw(
      ConfigError,
      `setting 'native_transport_port' in command line must be a whole number from 0 to 65535, got "abc"`,
    );
    expect(() => loadSettings({ overrides: { commitlog_sync: 'sometimes' } })).to.throw(
      ConfigError,
      `setting 'commitlog_sync' in command line must be 'periodic' or 'batch', got "sometimes"`,
    );
  });

  it('takes a negative clock_offset (a clock running behind), but only whole milliseconds', () => {
    expect(loadSettings({ configFile: configFile('clock_offset: -750\n') }).clock_offset).to.equal(-750);
    expect(loadSettings({ overrides: { clock_offset: '1200' } }).clock_offset).to.equal(1200);
    expect(() => loadSettings({ overrides: { clock_offset: '1.5' } })).to.throw(
      ConfigError,
      `setting 'clock_offset' in command line must be a whole number of milliseconds, got "1.5"`,
    );
    expect(() => loadSettings({ overrides: { write_request_timeout: -1 } })).to.throw(ConfigError, `setting 'write_request_timeout' in command line must be a positive whole number, got -1`);
  });

  it('refuses a zero size, count, interval or timeout, which would leave the node useless or spinning', () => {
    for (const name of ['num_tokens', 'gossip_interval', 'commitlog_sync_period', 'write_request_timeout', 'native_transport_max_frame_size', 'default_fetch_size', 'internode_reconnect_base_delay'] as const) {
      expect(() => loadSettings({ configFile: configFile(`${name}: 0\n`) }), name).to.throw(ConfigError, `setting '${name}' in config file `);
      expect(() => loadSettings({ overrides: { [name]: '0' } }), name).to.throw(ConfigError, `setting '${name}' in command line must be a positive whole number, got "0"`);
    }
  });

  it('takes 0 where it has a meaning of its own (a free port, no throttle, purging off, no cache, no wait)', () => {
    const zeros = ['native_transport_port', 'storage_port', 'hinted_handoff_throttle', 'compaction_interval', 'roles_validity', 'permissions_validity', 'shutdown_drain_timeout', 'auth_superuser_setup_delay', 'ring_delay', 'max_hint_window', 'repair_merkle_depth'] as const;
    const settings = loadSettings({ configFile: configFile(zeros.map((name) => `${name}: 0\n`).join('')) });
    for (const name of zeros) expect(settings[name], name).to.equal(0);
  });

  it('refuses a fractional count but takes a fractional phi_convict_threshold', () => {
    expect(() => loadSettings({ configFile: configFile('num_tokens: 1.5\n') })).to.throw(ConfigError, `setting 'num_tokens' in config file `).and.property('message').to.match(/must be a positive whole number, got 1\.5$/);
    expect(loadSettings({ configFile: configFile('phi_convict_threshold: 7.5\n') }).phi_convict_threshold).to.equal(7.5);
    expect(() => loadSettings({ overrides: { phi_convict_threshold: '0' } })).to.throw(ConfigError, `setting 'phi_convict_threshold' in command line must be a positive number, got "0"`);
  });

  it('refuses a port past 65535 and a repair_merkle_depth past 20', () => {
    expect(() => loadSettings({ overrides: { native_transport_port: '70000' } })).to.throw(ConfigError, `setting 'native_transport_port' in command line must be a whole number from 0 to 65535, got "70000"`);
    expect(() => loadSettings({ overrides: { storage_port: 65536 } })).to.throw(ConfigError, `setting 'storage_port' in command line must be a whole number from 0 to 65535, got 65536`);
    expect(() => loadSettings({ overrides: { repair_merkle_depth: 21 } })).to.throw(ConfigError, `setting 'repair_merkle_depth' in command line must be a whole number from 0 to 20, got 21`);
    expect(loadSettings({ overrides: { native_transport_port: '65535', repair_merkle_depth: 20 } })).to.include({ native_transport_port: 65535, repair_merkle_depth: 20 });
  });

  it('says where malformed YAML is wrong in one line', () => {
    const file = configFile('cluster_name: x\ncluster_name: y\n');
    expect(() => loadSettings({ configFile: file })).to.throw(ConfigError).with.property('message', `config file ${file} is not valid YAML: Map keys must be unique at line 2, column 1`);
  });

  it('reads a string setting written as a number or a word as the text written, leading zeros and all', () => {
    const settings = loadSettings({ configFile: configFile('cluster_name: 2024\nauth_superuser_password: 0123\ndc: true\nrack: 1.50\n') });
    expect(settings).to.include({ cluster_name: '2024', auth_superuser_password: '0123', dc: 'true', rack: '1.50' });
  });

  it('lets a setting whose default is empty be set empty, and no other', () => {
    const settings = loadSettings({ configFile: configFile("cluster_secret: ''\ncluster_secret_file: ''\nauth_superuser_password: ''\n") });
    expect(settings).to.include({ cluster_secret: '', cluster_secret_file: '', auth_superuser_password: '' });
    expect(() => loadSettings({ configFile: configFile("cluster_name: ''\n") })).to.throw(ConfigError, `setting 'cluster_name' in config file `);
  });

  it('refuses a file that is not a mapping', () => {
    const file = configFile('- a\n- b\n');
    expect(() => loadSettings({ configFile: file })).to.throw(ConfigError, 'must be a mapping of setting names to values');
  });

  it('names a missing config file', () => {
    expect(() => loadSettings({ configFile: '/nonexistent/sibyl.yaml' })).to.throw(ConfigError, 'cannot read config file /nonexistent/sibyl.yaml');
  });
});
