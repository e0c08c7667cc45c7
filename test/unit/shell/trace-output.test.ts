import { expect } from 'chai';
import type { TraceInfo } from '../../../src/cql/result.js';
import { formatTraceTimestamp, sourceNames, traceLines } from '../../../shell/trace-output.js';

const UTC = () => 0;
/** 2026-11-22 03:04:05.678000 UTC, in µs. */
const T0 = Date.UTC(2026, 10, 22, 3, 4, 5, 678) * 1000;

const TRACE: TraceInfo = {
  sessionId: '6bbde620-e628-11f1-9307-b346775bd08c',
  coordinator: '127.0.0.1:7000',
  request: 'Execute CQL3 query',
  startedAtUs: T0,
  durationUs: 1450,
  client: '127.0.0.1',
  events: [
    { activity: 'Parsing SELECT * FROM ks.t WHERE k = 1', timestampUs: T0 + 40, source: '127.0.0.1:7000', sourceElapsedUs: 40 },
    { activity: 'reading digest from /127.0.0.2:7000', timestampUs: T0 + 300, source: '127.0.0.1:7000', sourceElapsedUs: 300 },
    { activity: 'READ_DIGEST message received from /127.0.0.1:7000', timestampUs: T0 + 900, source: '127.0.0.2:7000', sourceElapsedUs: 0 },
    { activity: 'Digests match', timestampUs: T0 + 1400, source: '127.0.0.1:7000', sourceElapsedUs: 1400 },
  ],
};

describe('trace output', () => {
  it("formats timestamps as Python's str(datetime): six fraction digits, none on a whole second", () => {
    expect(formatTraceTimestamp(T0, UTC)).to.equal('2026-11-22 03:04:05.678000');
    expect(formatTraceTimestamp(T0 + 1, UTC)).to.equal('2026-11-22 03:04:05.678001');
    expect(formatTraceTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5) * 1000, UTC)).to.equal('2026-01-02 03:04:05');
    expect(formatTraceTimestamp(T0, () => 120)).to.equal('2026-11-22 05:04:05.678000');
  });

  it('names sources by host, keeping the port only where two sources share a host', () => {
    expect([...sourceNames(['127.0.0.1:7000', '127.0.0.2:7000']).values()]).to.deep.equal(['127.0.0.1', '127.0.0.2']);
    expect([...sourceNames(['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.3:7000']).values()]).to.deep.equal([
      '127.0.0.1:7001',
      '127.0.0.1:7002',
      '127.0.0.3',
    ]);
    expect(sourceNames(['[::1]:7000']).get('[::1]:7000')).to.equal('::1');
  });

  it("prints cqlsh's tracing table: the request first at 0 µs, every event, then Request complete at the duration", () => {
    expect(traceLines(TRACE, { colour: false, interactive: false, utcOffsetMinutes: UTC })).to.deep.equal([
      '',
      'Tracing session: 6bbde620-e628-11f1-9307-b346775bd08c',
      '',
      ' activity                                          | timestamp                  | source    | source_elapsed | client',
      '---------------------------------------------------+----------------------------+-----------+----------------+-----------',
      '                                Execute CQL3 query | 2026-11-22 03:04:05.678000 | 127.0.0.1 |              0 | 127.0.0.1',
      '            Parsing SELECT * FROM ks.t WHERE k = 1 | 2026-11-22 03:04:05.678040 | 127.0.0.1 |             40 | 127.0.0.1',
      '               reading digest from /127.0.0.2:7000 | 2026-11-22 03:04:05.678300 | 127.0.0.1 |            300 | 127.0.0.1',
      ' READ_DIGEST message received from /127.0.0.1:7000 | 2026-11-22 03:04:05.678900 | 127.0.0.2 |              0 | 127.0.0.1',
      '                                     Digests match | 2026-11-22 03:04:05.679400 | 127.0.0.1 |           1400 | 127.0.0.1',
      '                                  Request complete | 2026-11-22 03:04:05.679450 | 127.0.0.1 |           1450 | 127.0.0.1',
      '',
    ]);
  });

  it('adds the blank line after the table at a terminal, and colours the title and cells', () => {
    const lines = traceLines(TRACE, { colour: true, interactive: true, utcOffsetMinutes: UTC });
    expect(lines[1]).to.equal('\x1b[0;1;35mTracing session: \x1b[0m6bbde620-e628-11f1-9307-b346775bd08c');
    expect(lines[5]).to.equal(
      '                                \x1b[0;1;33mExecute CQL3 query\x1b[0m | \x1b[0;1;33m2026-11-22 03:04:05.678000\x1b[0m | \x1b[0;1;33m127.0.0.1\x1b[0m |              \x1b[0;1;32m0\x1b[0m | \x1b[0;1;33m127.0.0.1\x1b[0m',
    );
    expect(lines.slice(-2)).to.deep.equal(['', '']);
    expect(lines).to.have.length(13);
  });
});
