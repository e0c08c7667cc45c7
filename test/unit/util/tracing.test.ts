import { expect } from 'chai';
import { describeVolume, TraceSession } from '../../../src/util/tracing.js';

function steppedClock(startUs: number) {
  let nowUs = startUs;
  return { nowUs: () => nowUs, step: (us: number) => (nowUs += us) };
}

describe('TraceSession', () => {
  it("records each event with this node's endpoint and the µs elapsed since the session began", () => {
    const clock = steppedClock(1_000_000);
    const session = new TraceSession('127.0.0.1:7000', clock);
    clock.step(25);
    session.event('Parsing');
    clock.step(100);
    session.event('Preparing statement');
    expect(session.events()).to.deep.equal([
      { activity: 'Parsing', timestampUs: 1_000_025, source: '127.0.0.1:7000', sourceElapsedUs: 25 },
      { activity: 'Preparing statement', timestampUs: 1_000_125, source: '127.0.0.1:7000', sourceElapsedUs: 125 },
    ]);
    expect(session.elapsedUs()).to.equal(125);
  });

  it("interleaves adopted replica events with its own by time, keeping recording order on equal times", () => {
    const clock = steppedClock(0);
    const session = new TraceSession('a', clock);
    clock.step(10);
    session.event('sent');
    clock.step(30);
    session.event('received');
    session.adopt([
      { activity: 'replica read', timestampUs: 20, source: 'b', sourceElapsedUs: 5 },
      { activity: 'replica answered', timestampUs: 40, source: 'b', sourceElapsedUs: 25 },
    ]);
    session.adopt(undefined);
    expect(session.events().map((e) => `${e.source}:${e.activity}`)).to.deep.equal(['a:sent', 'b:replica read', 'a:received', 'b:replica answered']);
  });

  it('settles once every tracked message has answered or failed', async () => {
    const session = new TraceSession('a', steppedClock(0));
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    session.track(slow);
    session.track(Promise.reject(new Error('timed out')));
    let settled = false;
    const done = session.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).to.equal(false);
    release();
    await done;
    expect(settled).to.equal(true);
  });

  it('describes how much data a step touched, singular and plural', () => {
    expect(describeVolume({ partitions: 1, rows: 1, cells: 1 })).to.equal('1 partition, 1 row, 1 cell');
    expect(describeVolume({ partitions: 0, rows: 2, cells: 5 })).to.equal('0 partitions, 2 rows, 5 cells');
  });
});
