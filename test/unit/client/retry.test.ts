import { expect } from 'chai';
import { BusyConnectionError, ConnectionClosedError, OperationTimedOutError } from '../../../src/client/errors.js';
import { retryDecision, type RetryDecision } from '../../../src/client/retry.js';
import {
  InvalidRequestError,
  OverloadedError,
  ReadTimeoutError,
  UnavailableError,
  WriteTimeoutError,
} from '../../../src/util/errors.js';

const NEXT: RetryDecision = { action: 'retry', sameHost: false };
const SAME: RetryDecision = { action: 'retry', sameHost: true };
const RETHROW: RetryDecision = { action: 'rethrow' };

describe('retryDecision', () => {
  const table: [string, Error, RetryDecision][] = [
    ['connection closed', new ConnectionClosedError('h:1', 'closed by the server'), NEXT],
    ['driver timeout', new OperationTimedOutError('h:1', 100), NEXT],
    ['read timeout, enough replicas answered, data missing', new ReadTimeoutError('QUORUM', 2, 2, false), SAME],
    ['read timeout, data present', new ReadTimeoutError('QUORUM', 2, 2, true), RETHROW],
    ['read timeout, too few replicas answered', new ReadTimeoutError('QUORUM', 1, 2, false), RETHROW],
    ['unavailable', new UnavailableError('QUORUM', 2, 1), NEXT],
    ['overloaded', new OverloadedError('busy'), NEXT],
    ['write timeout', new WriteTimeoutError('QUORUM', 1, 2, 'SIMPLE'), RETHROW],
    ['write timeout of a batch once logged', new WriteTimeoutError('QUORUM', 1, 2, 'BATCH'), RETHROW],
    ['write timeout storing the batchlog', new WriteTimeoutError('QUORUM', 1, 2, 'BATCH_LOG'), SAME],
    ['invalid request', new InvalidRequestError('no such table'), RETHROW],
  ];

  for (const [what, error, expected] of table) {
    it(`idempotent, first failure: ${what} → ${expected.action !== 'retry' ? expected.action : expected.sameHost ? 'same host' : 'next host'}`, () => {
      expect(retryDecision(error, true, 0)).to.deep.equal(expected);
    });
  }

  it('never retries a statement that is not idempotent, whatever the error', () => {
    for (const [, error] of table) expect(retryDecision(error, false, 0)).to.deep.equal(RETHROW);
  });

  it('retries an idempotent statement at most once', () => {
    for (const [, error] of table) expect(retryDecision(error, true, 1)).to.deep.equal(RETHROW);
  });

  it('moves a request refused by a busy connection to the next host, idempotent or not, however many retries were spent', () => {
    const busy = new BusyConnectionError('h:1', 32767);
    for (const idempotent of [true, false]) for (const retries of [0, 1]) expect(retryDecision(busy, idempotent, retries)).to.deep.equal({ action: 'unsent' });
  });
});
