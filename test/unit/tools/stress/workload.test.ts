import { expect } from 'chai';
import type { Client } from '../../../../src/client/index.js';
import { parseStressOptions } from '../../../../src/tools/stress/options.js';
import { createWorkload, keyBytes, valueBytes, Xorshift32 } from '../../../../src/tools/stress/workload.js';

// plan() never touches the client; execute() is covered by the integration test against a real node.
const NO_CLIENT = {} as Client;

describe('stress workload', () => {
  it('encodes key n as its zero-padded decimal digits', () => {
    expect(keyBytes(42).toString('latin1')).to.equal('0000000042');
  });

  it('gives each key one value of the requested size, different from its neighbours', () => {
    expect(valueBytes(7, 64)).to.have.length(64);
    expect(valueBytes(7, 64).equals(valueBytes(7, 64))).to.equal(true);
    expect(valueBytes(7, 64).equals(valueBytes(8, 64))).to.equal(false);
    expect(valueBytes(7, 16).equals(valueBytes(7, 64).subarray(0, 16))).to.equal(true);
  });

  it('walks keys in order for write and read, wrapping at the key population', () => {
    const w = createWorkload(NO_CLIENT, parseStressOptions(['read', '--keys', '3', '-n', '5']));
    expect([0, 1, 2, 3, 4].map((i) => w.plan(i))).to.deep.equal([
      { kind: 'read', key: 0 },
      { kind: 'read', key: 1 },
      { kind: 'read', key: 2 },
      { kind: 'read', key: 0 },
      { kind: 'read', key: 1 },
    ]);
  });

  it('mixes kinds by --ratio with keys inside the population, the same for the same seed', () => {
    const plans = (seed: string) => {
      const w = createWorkload(NO_CLIENT, parseStressOptions(['mixed', '--ratio', 'write=1,read=3', '--keys', '1000', '--seed', seed]));
      return Array.from({ length: 10_000 }, (_, i) => w.plan(i));
    };
    const a = plans('7');
    const writes = a.filter((p) => p.kind === 'write').length;
    expect(writes).to.be.within(2300, 2700);
    expect(a.every((p) => Number.isInteger(p.key) && p.key >= 0 && p.key < 1000)).to.equal(true);
    expect(plans('7')).to.deep.equal(a);
    expect(plans('8')).to.not.deep.equal(a);
  });

  it('never writes when the write weight is zero', () => {
    const w = createWorkload(NO_CLIENT, parseStressOptions(['mixed', '--ratio', 'write=0,read=1']));
    expect(Array.from({ length: 1000 }, (_, i) => w.plan(i).kind).includes('write')).to.equal(false);
  });

  it('draws numbers in [0, 1) from a seed', () => {
    const r = new Xorshift32(1);
    const xs = Array.from({ length: 1000 }, () => r.next());
    expect(xs.every((x) => x >= 0 && x < 1)).to.equal(true);
    expect(new Set(xs).size).to.equal(1000);
  });
});
