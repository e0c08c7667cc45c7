import { expect } from 'chai';
import { MessageTimeoutError } from '../../../src/net/errors.js';
import { FaultFilter } from '../../../src/net/faults.js';
import { InvalidRequestError } from '../../../src/util/errors.js';
import { Cluster } from './harness.js';

const A = '127.0.0.1:7000';
const B = '127.0.0.2:7000';
const C = '127.0.0.3:7000';

describe('FaultFilter', () => {
  it('matches rules by verb, source and destination, with * for any', () => {
    const f = new FaultFilter();
    f.add({ action: 'drop', verb: 'MUTATION', from: A, to: B });
    const cases: [string, string, string, string][] = [
      ['MUTATION', A, B, 'drop'],
      ['MUTATION', A, C, 'pass'],
      ['MUTATION', B, A, 'pass'],
      ['MUTATION_RSP', A, B, 'pass'],
      ['READ', A, B, 'pass'],
    ];
    for (const [verb, from, to, action] of cases) expect(f.decide(verb, from, to).action, `${verb} ${from}->${to}`).to.equal(action);
    f.clear();
    f.add({ action: 'delay', verb: '*', from: '*', to: C, delayMs: 25 });
    expect(f.decide('ECHO', B, C)).to.deep.equal({ action: 'delay', delayMs: 25 });
    expect(f.decide('ECHO', C, B)).to.deep.equal({ action: 'pass' });
  });

  it('lets a drop win over delays and the oldest delay decide, counting each rule', () => {
    const f = new FaultFilter();
    const slow = f.add({ action: 'delay', verb: 'READ', from: '*', to: '*', delayMs: 100 });
    const slower = f.add({ action: 'delay', verb: '*', from: '*', to: '*', delayMs: 500 });
    const drop = f.add({ action: 'drop', verb: 'READ', from: '*', to: C });
    expect(f.decide('READ', A, B)).to.deep.equal({ action: 'delay', delayMs: 100 });
    expect(f.decide('READ', A, C)).to.deep.equal({ action: 'drop' });
    expect(f.decide('ECHO', A, C)).to.deep.equal({ action: 'delay', delayMs: 500 });
    expect(f.list().map((r) => [r.id, r.matched])).to.deep.equal([
      [slow, 1],
      [slower, 1],
      [drop, 1],
    ]);
    expect(f.remove(drop)).to.equal(true);
    expect(f.remove(drop)).to.equal(false);
    expect(f.list().map((r) => r.id)).to.deep.equal([slow, slower]);
    f.clear();
    expect(f.list()).to.deep.equal([]);
    expect(f.decide('READ', A, C)).to.deep.equal({ action: 'pass' });
  });

  it('refuses unknown verbs and delays without a duration', () => {
    const f = new FaultFilter();
    expect(() => f.add({ action: 'drop', verb: 'MUTATE', from: '*', to: '*' })).to.throw(InvalidRequestError, "unknown verb 'MUTATE'");
    expect(() => f.add({ action: 'delay', verb: 'READ', from: '*', to: '*' })).to.throw(InvalidRequestError, 'a delay rule needs a delay');
  });
});

describe('fault rules in MessagingService', function () {
  this.timeout(10_000);
  const cluster = new Cluster();
  afterEach(() => cluster.closeAll());

  it('drops MUTATION towards one peer until cleared, leaving other verbs and peers alone', async () => {
    const a = await cluster.start({ write_request_timeout: 100 });
    const b = await cluster.start();
    const c = await cluster.start();
    let applied = 0;
    for (const n of [b, c]) {
      n.messaging.handle('MUTATION', () => {
        applied++;
        return {};
      });
      n.messaging.handle('ECHO', () => ({}));
    }
    const id = a.messaging.faults.add({ action: 'drop', verb: 'MUTATION', from: '*', to: b.messaging.self });
    const dropped = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] }).catch((e: unknown) => e);
    expect(dropped).to.be.instanceOf(MessageTimeoutError);
    expect(applied, 'the replica never saw it').to.equal(0);
    expect(await a.messaging.request(c.messaging.self, 'MUTATION', { partitions: [] })).to.deep.equal({});
    expect(await a.messaging.request(b.messaging.self, 'ECHO', {})).to.deep.equal({});
    expect(a.messaging.faults.list()).to.deep.equal([{ id, action: 'drop', verb: 'MUTATION', from: '*', to: b.messaging.self, matched: 1 }]);
    a.messaging.faults.clear();
    expect(await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] })).to.deep.equal({});
    expect(applied).to.equal(2);
  });

  it('applies a rule installed on the receiving node to messages from the named peer', async () => {
    const a = await cluster.start({ write_request_timeout: 100 });
    const b = await cluster.start();
    let applied = 0;
    b.messaging.handle('MUTATION', () => {
      applied++;
      return {};
    });
    b.messaging.faults.add({ action: 'drop', verb: 'MUTATION', from: a.messaging.self, to: '*' });
    const err = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MessageTimeoutError);
    expect(applied).to.equal(0);
    expect(b.messaging.faults.list()[0]!.matched).to.equal(1);
  });

  it('drops only the response when the rule names the response verb: the write applies, the ack is lost', async () => {
    const a = await cluster.start({ write_request_timeout: 100 });
    const b = await cluster.start();
    let applied = 0;
    b.messaging.handle('MUTATION', () => {
      applied++;
      return {};
    });
    b.messaging.faults.add({ action: 'drop', verb: 'MUTATION_RSP', from: '*', to: '*' });
    const err = await a.messaging.request(b.messaging.self, 'MUTATION', { partitions: [] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MessageTimeoutError);
    expect(applied).to.equal(1);
  });

  it('delays matching messages by the rule duration, and no longer once removed', async () => {
    const a = await cluster.start();
    const b = await cluster.start();
    b.messaging.handle('ECHO', () => ({}));
    await a.messaging.request(b.messaging.self, 'ECHO', {});
    const id = a.messaging.faults.add({ action: 'delay', verb: 'ECHO', from: '*', to: b.messaging.self, delayMs: 200 });
    let started = Date.now();
    await a.messaging.request(b.messaging.self, 'ECHO', {});
    expect(Date.now() - started).to.be.at.least(195);
    a.messaging.faults.remove(id);
    started = Date.now();
    await a.messaging.request(b.messaging.self, 'ECHO', {});
    expect(Date.now() - started).to.be.below(150);
  });

  it('lets a delay past the timeout turn into a timeout', async () => {
    const a = await cluster.start({ read_request_timeout: 60 });
    const b = await cluster.start();
    b.messaging.handle('READ', () => ({ partition: null }));
    a.messaging.faults.add({ action: 'delay', verb: 'READ_RSP', from: '*', to: '*', delayMs: 300 });
    const command = { tableId: 't', key: Buffer.from('k'), token: 1n, slices: [], withStatic: false, reversed: false };
    const err = await a.messaging.request(b.messaging.self, 'READ', { command }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(MessageTimeoutError);
  });
});
