import { expect } from 'chai';
import fc from 'fast-check';
import { createPackr, encodeFrame, FrameDecoder } from '../../../src/util/framing.js';
import { ProtocolError } from '../../../src/util/errors.js';

const packr = createPackr();
const SETTING = 'native_transport_max_frame_size';

describe('FrameDecoder', () => {
  const bodies = [
    { v: 1, s: 1, o: 7, b: { query: 'SELECT 1', consistency: 'ONE' } },
    { v: 1, s: 2, o: 10, b: { id: Buffer.from([1, 2, 3]), values: [Buffer.from('x'), null, undefined] } },
    { v: 1, s: 3, o: 7, b: { timestamp: 1_700_000_000_123_456, big: 2n ** 60n } },
  ];
  const stream = Buffer.concat(bodies.map((b) => encodeFrame(packr, b)));

  it('decodes frames coalesced in one chunk, in order, with Buffers, null, unset and bigints intact', () => {
    const decoded = new FrameDecoder(1024, SETTING).push(stream);
    expect(decoded).to.deep.equal(bodies);
  });

  it('decodes the same frames whatever byte boundary splits the stream', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new FrameDecoder(1024, SETTING);
      const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(out).to.deep.equal(bodies);
      expect(decoder.bufferedBytes()).to.equal(0);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const decoder = new FrameDecoder(1024, SETTING);
    const out: unknown[] = [];
    for (const byte of stream) out.push(...decoder.push(Buffer.from([byte])));
    expect(out).to.deep.equal(bodies);
  });

  it('refuses an oversized frame from its header alone, naming the setting and both sizes', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(300_000_000);
    const decoder = new FrameDecoder(16_777_216, SETTING);
    expect(() => decoder.push(header)).to.throw(
      ProtocolError,
      'frame of 300000000 bytes exceeds native_transport_max_frame_size (16777216)',
    );
  });

  it('accepts a frame of exactly the bound and refuses one byte more', () => {
    const frame = encodeFrame(packr, 'x'.repeat(100));
    const bodyBytes = frame.length - 4;
    expect(new FrameDecoder(bodyBytes, SETTING).push(frame)).to.deep.equal(['x'.repeat(100)]);
    expect(() => new FrameDecoder(bodyBytes - 1, SETTING).push(frame)).to.throw(ProtocolError, /native_transport_max_frame_size/);
  });

  it('reports malformed msgpack as a ProtocolError and stays failed afterwards', () => {
    const decoder = new FrameDecoder(1024, SETTING);
    const bad = Buffer.from([0, 0, 0, 2, 0x01, 0x02]);
    expect(() => decoder.push(bad)).to.throw(ProtocolError, /^malformed frame body/);
    expect(() => decoder.push(encodeFrame(packr, 1))).to.throw(ProtocolError, 'connection already failed to decode a frame');
  });

  it('turns any random bytes, in any chunking, into frames, a wait for more bytes, or a ProtocolError only', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const decoder = new FrameDecoder(256, SETTING);
        for (const chunk of chunks) {
          try {
            const out = decoder.push(Buffer.from(chunk));
            expect(out).to.be.an('array');
          } catch (err) {
            expect(err).to.be.instanceOf(ProtocolError);
            return;
          }
        }
        // No error: whatever is not yet a frame is held, never more than one frame's worth.
        expect(decoder.bufferedBytes()).to.be.at.most(4 + 256);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats random bytes behind a valid header as a body or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (body) => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(body.length);
        try {
          expect(new FrameDecoder(256, SETTING).push(Buffer.concat([header, Buffer.from(body)]))).to.have.length(1);
        } catch (err) {
          expect(err).to.be.instanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
