import { expect } from 'chai';
import { UsageError } from '../../../src/tools/args.js';
import { parseDurationMs, parsePort, parsePositiveInt } from '../../../src/tools/duration.js';

describe('command-line durations and numbers', () => {
  it('reads s, m, h and ms, and a bare number as seconds', () => {
    expect(parseDurationMs('30s', '--duration')).to.equal(30_000);
    expect(parseDurationMs('5m', '--duration')).to.equal(300_000);
    expect(parseDurationMs('1h', '--duration')).to.equal(3_600_000);
    expect(parseDurationMs('250ms', '--duration')).to.equal(250);
    expect(parseDurationMs('2', '--duration')).to.equal(2000);
    expect(parseDurationMs('1.5s', '--duration')).to.equal(1500);
  });

  it('refuses other units, negative and zero durations, naming the option', () => {
    expect(() => parseDurationMs('30x', '--duration')).to.throw(UsageError, "--duration expects a duration such as 30s, 5m, 1h or 250ms; got '30x'");
    expect(() => parseDurationMs('-1s', '--timeout')).to.throw(UsageError, "--timeout expects a duration");
    expect(() => parseDurationMs('0s', '--duration')).to.throw(UsageError, "--duration must be longer than zero; got '0s'");
  });

  it('accepts only plain positive whole numbers', () => {
    expect(parsePositiveInt('2000', '-n')).to.equal(2000);
    for (const bad of ['0', '-3', '1e6', '2.5', 'ten', '']) {
      expect(() => parsePositiveInt(bad, '-n'), bad).to.throw(UsageError, `-n expects a positive whole number; got '${bad}'`);
    }
  });

  it('bounds ports to 1..65535', () => {
    expect(parsePort('9042', '--native-port')).to.equal(9042);
    expect(() => parsePort('65536', '--native-port')).to.throw(UsageError, "--native-port expects a port between 1 and 65535; got '65536'");
  });
});
