import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { bindInt, bindTerm, type TermContext } from '../../../src/cql/terms.js';
import { timeUuidUnixMs } from '../../../src/cql/timeuuid.js';
import { InvalidRequestError } from '../../../src/util/errors.js';

const ctx = (values: TermContext['values'] = []): TermContext => ({ values, clock: new ManualClock(1_700_000_000_123_000) });
const int = { kind: 'native', name: 'int' } as const;

describe('bindTerm and bindInt', () => {
  it('serializes a set literal sorted and without duplicates, in the whole-collection format', () => {
    const bytes = bindTerm({ kind: 'set', elements: [3, 1, 3].map((n) => ({ kind: 'constant', type: 'INTEGER', text: String(n) }) as const) },
      { kind: 'set', element: int, frozen: true }, 's', ctx());
    expect(bytes!.toString('hex')).to.equal('00000002' + '00000004' + '00000001' + '00000004' + '00000003');
  });

  it('words type mismatches as Cassandra does', () => {
    expect(() => bindTerm({ kind: 'list', elements: [] }, int, 'v', ctx())).to.throw(InvalidRequestError, 'Invalid list literal for v of type int');
    expect(() => bindTerm({ kind: 'set', elements: [{ kind: 'null' }] }, { kind: 'set', element: int, frozen: false }, 's', ctx()))
      .to.throw(InvalidRequestError, 'null is not supported inside collections');
    expect(() => bindTerm({ kind: 'function', name: 'now', args: [] }, int, 'v', ctx()))
      .to.throw(InvalidRequestError, 'Type error: cannot assign result of function system.now (type timeuuid) to v (type int)');
  });

  it('evaluates now() and toTimestamp(now()) from the clock', () => {
    const uuid = bindTerm({ kind: 'function', name: 'now', args: [] }, { kind: 'native', name: 'timeuuid' }, 'u', ctx())!;
    expect(uuid[6]! >> 4).to.equal(1);
    expect(timeUuidUnixMs(uuid)).to.equal(1_700_000_000_123);
    const ts = bindTerm({ kind: 'function', name: 'toTimestamp', args: [{ kind: 'function', name: 'now', args: [] }] },
      { kind: 'native', name: 'timestamp' }, 't', ctx())!;
    expect(ts.readBigInt64BE(0)).to.equal(1_700_000_000_123n);
  });

  it('binds integer parameters from constants and values, with unset falling back to the default', () => {
    expect(bindInt({ kind: 'constant', type: 'INTEGER', text: '10' }, 'limit', ctx())).to.equal(10);
    const eight = Buffer.alloc(8);
    eight.writeBigInt64BE(123n);
    expect(bindInt({ kind: 'bind', index: 0 }, 'timestamp', ctx([eight]))).to.equal(123);
    expect(bindInt({ kind: 'bind', index: 0 }, 'ttl', ctx([undefined]), 60)).to.equal(60);
    expect(() => bindInt({ kind: 'bind', index: 0 }, 'ttl', ctx([null]))).to.throw(InvalidRequestError, 'Invalid null value of TTL');
    expect(() => bindInt({ kind: 'bind', index: 0 }, 'limit', ctx([Buffer.alloc(3)]))).to.throw(InvalidRequestError, 'Expected 4 or 0 byte int (3)');
  });
});
