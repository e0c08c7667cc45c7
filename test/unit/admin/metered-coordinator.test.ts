import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { OperationMeter } from '../../../src/admin/metrics/metered-coordinator.js';
import { InvalidRequestError, ReadTimeoutError, UnavailableError, WriteTimeoutError } from '../../../src/util/errors.js';

describe('OperationMeter', () => {
  it('times each operation and counts failures, unavailables and timeouts apart', async () => {
    const clock = new ManualClock();
    const meter = new OperationMeter();
    const failWith = (err: Error) => meter.time(clock, () => Promise.reject(err)).catch(() => undefined);
    await meter.time(clock, async () => clock.advance(3));
    await failWith(new UnavailableError('QUORUM', 2, 1));
    await failWith(new WriteTimeoutError('ALL', 2, 3, 'SIMPLE'));
    await failWith(new ReadTimeoutError('QUORUM', 1, 2, false));
    await failWith(new InvalidRequestError('nope'));
    expect({ count: meter.latency.count, failed: meter.failed, unavailables: meter.unavailables, timeouts: meter.timeouts, active: meter.active }).to.deep.equal({
      count: 5,
      failed: 4,
      unavailables: 1,
      timeouts: 2,
      active: 0,
    });
  });
});
