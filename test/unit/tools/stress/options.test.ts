import { expect } from 'chai';
import { UsageError } from '../../../../src/tools/args.js';
import { parseStressOptions } from '../../../../src/tools/stress/options.js';

describe('stress options', () => {
  it('defaults to one pass over 100000 keys at ONE, 64 in flight, 64-byte values, on 127.0.0.1', () => {
    expect(parseStressOptions(['write'])).to.deep.equal({
      command: 'write',
      ops: 100_000,
      durationMs: undefined,
      consistency: 'ONE',
      concurrency: 64,
      keys: 100_000,
      valueBytes: 64,
      hosts: ['127.0.0.1'],
      ratio: { write: 1, read: 1 },
      keyspace: 'stress',
      replicationFactor: 1,
      maxErrors: 0,
      seed: 1,
    });
  });

  it('takes every option', () => {
    const o = parseStressOptions([
      'mixed', '--duration', '30s', '--cl', 'quorum', '--concurrency', '8', '--keys', '500', '--value-size', '10',
      '--hosts', '127.0.0.1,127.0.0.2:9100', '--port', '9200', '--ratio', 'write=1,read=3', '--keyspace', 'ks1', '--rf', '3',
      '--max-errors', '5', '--seed', '42',
    ]);
    expect(o).to.deep.equal({
      command: 'mixed',
      ops: undefined,
      durationMs: 30_000,
      consistency: 'QUORUM',
      concurrency: 8,
      keys: 500,
      valueBytes: 10,
      hosts: ['127.0.0.1:9200', '127.0.0.2:9100'],
      ratio: { write: 1, read: 3 },
      keyspace: 'ks1',
      replicationFactor: 3,
      maxErrors: 5,
      seed: 42,
    });
  });

  it('gives --port to IPv6 hosts in brackets and keeps the ports hosts name themselves', () => {
    const o = parseStressOptions(['write', '--hosts', '::1,[::1],[::1]:9100,127.0.0.1:9101,localhost', '--port', '9200']);
    expect(o.hosts).to.deep.equal(['[::1]:9200', '[::1]:9200', '[::1]:9100', '127.0.0.1:9101', 'localhost:9200']);
  });

  it('runs -n operations, defaulting to the key population', () => {
    expect(parseStressOptions(['read', '-n', '2000']).ops).to.equal(2000);
    expect(parseStressOptions(['read', '--keys', '300']).ops).to.equal(300);
  });

  it('refuses a missing or unknown workload, -n with --duration, and --ratio outside mixed', () => {
    expect(() => parseStressOptions([])).to.throw(UsageError, 'name a workload: write, read or mixed');
    expect(() => parseStressOptions(['delete'])).to.throw(UsageError, "unknown workload 'delete'; use write, read or mixed");
    expect(() => parseStressOptions(['write', '-n', '5', '--duration', '1s'])).to.throw(UsageError, 'give either -n or --duration, not both');
    expect(() => parseStressOptions(['write', '--ratio', 'write=1'])).to.throw(UsageError, '--ratio applies only to mixed');
  });

  it('refuses bad values, naming the option', () => {
    expect(() => parseStressOptions(['write', '--cl', 'MOST'])).to.throw(UsageError, "--cl must be one of ANY, ONE");
    expect(() => parseStressOptions(['write', '--concurrency', '0'])).to.throw(UsageError, "--concurrency expects a positive whole number; got '0'");
    expect(() => parseStressOptions(['mixed', '--ratio', 'write=1,scan=2'])).to.throw(UsageError, "--ratio expects weights such as write=1,read=3; got 'scan=2'");
    expect(() => parseStressOptions(['mixed', '--ratio', 'write=0,read=0'])).to.throw(UsageError, '--ratio needs a weight above zero');
    expect(() => parseStressOptions(['write', '--keyspace', 'a-b'])).to.throw(UsageError, "--keyspace must be a plain identifier (letters, digits, _); got 'a-b'");
    expect(() => parseStressOptions(['write', '--hosts', 'a,,b'])).to.throw(UsageError, "--hosts expects comma-separated hosts; got 'a,,b'");
    expect(() => parseStressOptions(['write', '--max-errors', '-1'])).to.throw(UsageError, "--max-errors expects a whole number; got '-1'");
    expect(() => parseStressOptions(['write', '--bogus'])).to.throw(UsageError, 'unknown option --bogus');
  });
});
