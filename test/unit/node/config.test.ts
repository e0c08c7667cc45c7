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

  it('refuses an unknown key, naming it and where it came from', () => {
    const file = configFile('native_transport_prot: 9042\n');
    expect(() => loadSettings({ configFile: file })).to.throw(ConfigError, `unknown setting 'native_transport_prot' in config file ${file}`);
  });

  it('refuses a mistyped value, naming the setting', () => {
    expect(() => loadSettings({ overrides: { native_transport_port: 'abc' } })).to.throw(
      ConfigError,
      `setting 'native_transport_port' in command line must be a non-negative number, got "abc"`,
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
    expect(() => loadSettings({ overrides: { write_request_timeout: -1 } })).to.throw(ConfigError, `setting 'write_request_timeout' in command line must be a non-negative number, got -1`);
  });

  it('refuses a file that is not a mapping', () => {
    const file = configFile('- a\n- b\n');
    expect(() => loadSettings({ configFile: file })).to.throw(ConfigError, 'must be a mapping of setting names to values');
  });

  it('names a missing config file', () => {
    expect(() => loadSettings({ configFile: '/nonexistent/sibyl.yaml' })).to.throw(ConfigError, 'cannot read config file /nonexistent/sibyl.yaml');
  });
});
