import { expect } from 'chai';
import fc from 'fast-check';
import { formatFaultRule, parseFaultSpec } from '../../../src/net/fault-spec.js';
import type { FaultRule } from '../../../src/net/faults.js';
import { VERBS } from '../../../src/net/verbs.js';
import { InvalidRequestError } from '../../../src/util/errors.js';

describe('parseFaultSpec', () => {
  const valid: [string, FaultRule][] = [
    ['drop MUTATION from 127.0.0.1:7000 to 127.0.0.2:7000', { action: 'drop', verb: 'MUTATION', from: '127.0.0.1:7000', to: '127.0.0.2:7000' }],
    ['delay READ 200ms to 127.0.0.3:7000', { action: 'delay', verb: 'READ', from: '*', to: '127.0.0.3:7000', delayMs: 200 }],
    ['delay read_rsp 2s', { action: 'delay', verb: 'READ_RSP', from: '*', to: '*', delayMs: 2000 }],
    ['delay * 15', { action: 'delay', verb: '*', from: '*', to: '*', delayMs: 15 }],
    ['DROP * to 127.0.0.2 from *', { action: 'drop', verb: '*', from: '*', to: '127.0.0.2:7000' }],
    ['  drop   ECHO   from  localhost:7001 ', { action: 'drop', verb: 'ECHO', from: 'localhost:7001', to: '*' }],
    ['drop GOSSIP_DIGEST_SYN to [::1]:7000', { action: 'drop', verb: 'GOSSIP_DIGEST_SYN', from: '*', to: '[::1]:7000' }],
  ];
  for (const [text, rule] of valid) {
    it(`parses '${text.trim()}'`, () => expect(parseFaultSpec(text)).to.deep.equal(rule));
  }

  it('gives a bare host the default port asked for', () => {
    expect(parseFaultSpec('drop * to 127.0.0.2', { defaultPort: 7100 }).to).to.equal('127.0.0.2:7100');
  });

  const invalid: [string, string][] = [
    ['', "expected 'drop' or 'delay' first"],
    ['block READ', "expected 'drop' or 'delay' first"],
    ['drop', 'expected a verb name or * after the action'],
    ['drop MUTATE', "unknown verb 'MUTATE'"],
    ['drop READ 20ms', 'a drop rule takes no duration'],
    ['delay READ', "a delay rule needs a duration after the verb, e.g. 'delay READ 200ms'"],
    ['delay READ 2min', "'2min' is not a duration (e.g. 200ms or 2s)"],
    ['drop READ at 127.0.0.1', "expected 'from' or 'to', got 'at'"],
    ['drop READ to', "expected an endpoint or * after 'to'"],
    ['drop READ to a:1 to b:2', "'to' given twice"],
    ['drop READ to 127.0.0.1:70000', "port of '127.0.0.1:70000' is out of range"],
    ['drop READ from a/b', "'a/b' is not an endpoint (host or host:port)"],
  ];
  for (const [text, why] of invalid) {
    it(`refuses '${text}': ${why}`, () => {
      expect(() => parseFaultSpec(text)).to.throw(InvalidRequestError, `invalid fault rule '${text}': ${why}`);
    });
  }

  it('formats every rule to text that parses back to it', () => {
    const endpoint = fc.oneof(
      fc.constant('*'),
      fc.tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 65_535 })).map(([x, y, port]) => `127.${x}.0.${y}:${port}`),
    );
    const rule = fc.record({
      action: fc.constantFrom('drop' as const, 'delay' as const),
      verb: fc.constantFrom('*', ...Object.keys(VERBS)),
      from: endpoint,
      to: endpoint,
      delayMs: fc.nat(1_000_000),
    }).map((r): FaultRule => (r.action === 'drop' ? { action: r.action, verb: r.verb, from: r.from, to: r.to } : r));
    fc.assert(
      fc.property(rule, (r) => {
        expect(parseFaultSpec(formatFaultRule(r))).to.deep.equal(r);
      }),
    );
  });
});
