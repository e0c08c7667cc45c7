import { expect } from 'chai';
import { isVerbName, verbById, VERBS, verbTimeoutMs, type VerbName } from '../../../src/net/verbs.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';

const names = Object.keys(VERBS) as VerbName[];

describe('the verb table', () => {
  it('gives every verb its own id, found again by verbById', () => {
    expect(new Set(names.map((n) => VERBS[n].id)).size).to.equal(names.length);
    for (const n of names) expect(verbById(VERBS[n].id)).to.equal(n);
    expect(verbById(999)).to.equal(undefined);
  });

  it("answers every request with a response verb sharing the request's timeout setting", () => {
    for (const n of names) {
      const spec = VERBS[n] as { kind: string; response?: VerbName; timeoutSetting: string };
      if (spec.kind !== 'request') {
        expect(spec.response, n).to.equal(undefined);
        continue;
      }
      expect(VERBS[spec.response!].kind, n).to.equal('response');
      expect(VERBS[spec.response!].timeoutSetting, n).to.equal(spec.timeoutSetting);
    }
    const answered = names.filter((n) => VERBS[n].kind === 'response');
    const responses = names.map((n) => (VERBS[n] as { response?: string }).response).filter((r) => r !== undefined);
    expect(responses.sort()).to.deep.equal(answered.sort());
  });

  it('reads each timeout from its named setting', () => {
    const settings = { ...DEFAULT_SETTINGS, write_request_timeout: 11, read_request_timeout: 22, range_request_timeout: 33, truncate_request_timeout: 44, request_timeout: 55 };
    const table: [VerbName, number][] = [
      ['MUTATION', 11],
      ['READ_REPAIR', 11],
      ['BATCHLOG_STORE', 11],
      ['HINT', 11],
      ['READ', 22],
      ['READ_DIGEST', 22],
      ['RANGE_READ', 33],
      ['TRUNCATE', 44],
      ['ECHO', 55],
      ['SCHEMA_PULL', 55],
      ['GOSSIP_DIGEST_SYN', 55],
    ];
    for (const [verb, ms] of table) expect(verbTimeoutMs(verb, settings), verb).to.equal(ms);
  });

  it('declares the one-way verbs Cassandra sends without an answer', () => {
    expect(names.filter((n) => VERBS[n].kind === 'oneway')).to.deep.equal([
      'BATCHLOG_REMOVE',
      'GOSSIP_DIGEST_SYN',
      'GOSSIP_DIGEST_ACK',
      'GOSSIP_DIGEST_ACK2',
      'SCHEMA_PUSH',
    ]);
    expect(isVerbName('MUTATION')).to.equal(true);
    expect(isVerbName('toString')).to.equal(false);
  });
});
