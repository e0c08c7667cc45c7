import { expect } from 'chai';
import {
  answerRequests,
  classifyRemote,
  decodeTokens,
  digestsOf,
  encodeTokens,
  examineDigests,
  MAX_GENERATION_DIFFERENCE_S,
  maxVersion,
  newerStates,
  stateNewerThan,
  type EndpointState,
} from '../../../src/gossip/endpoint-state.js';

/** A state with heartbeat (generation, version) and states given as key → [value, version]. */
function st(generation: number, version: number, states: Record<string, [string, number]> = {}): EndpointState {
  return {
    heartbeat: { generation, version },
    states: Object.fromEntries(Object.entries(states).map(([k, [value, v]]) => [k, { value, version: v }])),
  };
}

const A = '127.0.0.1:7000';
const B = '127.0.0.2:7000';
const C = '127.0.0.3:7000';

describe('endpoint state', () => {
  it('advertises the highest version of heartbeat and states', () => {
    expect(maxVersion(st(10, 3))).to.equal(3);
    expect(maxVersion(st(10, 3, { STATUS: ['NORMAL', 2], SCHEMA: ['s1', 7] }))).to.equal(7);
    expect(digestsOf(new Map([[A, st(10, 5, { LOAD: ['9', 4] })]]))).to.deep.equal([{ endpoint: A, generation: 10, maxVersion: 5 }]);
  });

  it('sends only states newer than a version, always with the heartbeat', () => {
    const s = st(10, 9, { STATUS: ['NORMAL', 1], SCHEMA: ['s2', 8], LOAD: ['5', 4] });
    expect(stateNewerThan(s, 4)).to.deep.equal({ generation: 10, heartbeatVersion: 9, states: { SCHEMA: { value: 's2', version: 8 } } });
    expect(stateNewerThan(s, 8)).to.deep.equal({ generation: 10, heartbeatVersion: 9, states: {} });
    expect(stateNewerThan(s, 9)).to.equal(undefined);
    expect(stateNewerThan(undefined, 0)).to.equal(undefined);
  });

  describe('examineDigests (the receiver of a SYN)', () => {
    const local = new Map<string, EndpointState>([
      [A, st(10, 5, { STATUS: ['NORMAL', 1], SCHEMA: ['s1', 4] })],
      [B, st(20, 7, { STATUS: ['NORMAL', 1] })],
    ]);
    const cases: { name: string; digest: { endpoint: string; generation: number; maxVersion: number }; requests: unknown[]; states: Record<string, unknown> }[] = [
      { name: 'in sync: nothing', digest: { endpoint: A, generation: 10, maxVersion: 5 }, requests: [], states: {} },
      { name: 'unknown endpoint: ask for all', digest: { endpoint: C, generation: 30, maxVersion: 3 }, requests: [{ endpoint: C, generation: 30, maxVersion: 0 }], states: {} },
      { name: 'sender restarted it: ask for all', digest: { endpoint: A, generation: 11, maxVersion: 2 }, requests: [{ endpoint: A, generation: 11, maxVersion: 0 }], states: {} },
      {
        name: 'we know a newer generation: send all of ours',
        digest: { endpoint: A, generation: 9, maxVersion: 50 },
        requests: [],
        states: { [A]: { generation: 10, heartbeatVersion: 5, states: { STATUS: { value: 'NORMAL', version: 1 }, SCHEMA: { value: 's1', version: 4 } } } },
      },
      { name: 'sender ahead: ask from our version', digest: { endpoint: A, generation: 10, maxVersion: 9 }, requests: [{ endpoint: A, generation: 10, maxVersion: 5 }], states: {} },
      {
        name: 'we are ahead: send what is above the sender version',
        digest: { endpoint: A, generation: 10, maxVersion: 3 },
        requests: [],
        states: { [A]: { generation: 10, heartbeatVersion: 5, states: { SCHEMA: { value: 's1', version: 4 } } } },
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(examineDigests(local, [c.digest])).to.deep.equal({ requests: c.requests, states: c.states });
      });
    }

    it('handles several digests at once', () => {
      const out = examineDigests(local, [
        { endpoint: A, generation: 10, maxVersion: 5 },
        { endpoint: B, generation: 20, maxVersion: 9 },
        { endpoint: C, generation: 1, maxVersion: 1 },
      ]);
      expect(out.requests).to.deep.equal([
        { endpoint: B, generation: 20, maxVersion: 7 },
        { endpoint: C, generation: 1, maxVersion: 0 },
      ]);
      expect(out.states).to.deep.equal({});
    });
  });

  describe('answerRequests (the SYN sender reading an ACK)', () => {
    const local = new Map<string, EndpointState>([[A, st(10, 6, { STATUS: ['NORMAL', 1], SCHEMA: ['s1', 4] })]]);
    it('sends what is above the requested version', () => {
      expect(answerRequests(local, [{ endpoint: A, generation: 10, maxVersion: 4 }])).to.deep.equal({
        [A]: { generation: 10, heartbeatVersion: 6, states: {} },
      });
    });
    it('sends everything when asked from version 0', () => {
      expect(answerRequests(local, [{ endpoint: A, generation: 10, maxVersion: 0 }])[A]!.states).to.have.keys('STATUS', 'SCHEMA');
    });
    it('sends everything when the request names another generation', () => {
      expect(answerRequests(local, [{ endpoint: A, generation: 9, maxVersion: 5 }])[A]!.states).to.have.keys('STATUS', 'SCHEMA');
    });
    it('skips endpoints it does not know or has nothing newer for', () => {
      expect(answerRequests(local, [{ endpoint: C, generation: 1, maxVersion: 0 }, { endpoint: A, generation: 10, maxVersion: 6 }])).to.deep.equal({});
    });
  });

  describe('merging a received state', () => {
    const nowS = 1_700_000_000;
    const local = st(nowS - 100, 5, { STATUS: ['NORMAL', 1], SCHEMA: ['s1', 4] });
    const cases: [string, EndpointState | undefined, number, string][] = [
      ['unknown endpoint', undefined, nowS, 'new'],
      ['newer generation', local, nowS - 50, 'restart'],
      ['older generation', local, nowS - 200, 'stale'],
      ['same generation', local, nowS - 100, 'update'],
      ['generation a year and more ahead', local, nowS + MAX_GENERATION_DIFFERENCE_S + 1, 'bad-generation'],
    ];
    for (const [name, mine, generation, expected] of cases) {
      it(`classifies ${name} as ${expected}`, () => {
        expect(classifyRemote(mine, { generation, heartbeatVersion: 1, states: {} }, nowS)).to.equal(expected);
      });
    }

    it('takes only states newer than ours, oldest first', () => {
      const remote = {
        generation: nowS - 100,
        heartbeatVersion: 9,
        states: { SCHEMA: { value: 's2', version: 8 }, STATUS: { value: 'NORMAL', version: 1 }, LOAD: { value: '7', version: 6 } },
      };
      expect(newerStates(local, remote)).to.deep.equal([
        ['LOAD', { value: '7', version: 6 }],
        ['SCHEMA', { value: 's2', version: 8 }],
      ]);
    });
  });

  it('encodes tokens as decimal text and back', () => {
    const tokens = [-(2n ** 63n), 0n, 2n ** 63n - 1n];
    expect(encodeTokens(tokens)).to.equal('-9223372036854775808,0,9223372036854775807');
    expect(decodeTokens(encodeTokens(tokens))).to.deep.equal(tokens);
    expect(decodeTokens(undefined)).to.deep.equal([]);
  });
});
