import { expect } from 'chai';
import fc from 'fast-check';
import { createPackr, encodeFrame, FrameDecoder } from '../../../src/util/framing.js';
import { ProtocolError } from '../../../src/util/errors.js';

describe('framing, bounded by another setting', () => {
  it('decodes the same bodies however the byte stream is chunked', () => {
    const packr = createPackr();
    const body = fc.oneof(fc.string(), fc.integer(), fc.array(fc.nat(), { maxLength: 5 }), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1 }), (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map((b) => encodeFrame(packr, b)));
        const decoder = new FrameDecoder(1 << 20, 'internode_max_message_size');
        const out: unknown[] = [];
        for (let offset = 0, i = 0; offset < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(...decoder.push(stream.subarray(offset, offset + size)));
          offset += size;
        }
        expect(out).to.deep.equal(bodies);
      }),
    );
  });

  it('refuses a header over the bound before its body arrives, naming the setting, and stays failed', () => {
    const decoder = new FrameDecoder(100, 'internode_max_message_size');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(101);
    expect(() => decoder.push(header)).to.throw(ProtocolError, 'frame of 101 bytes exceeds internode_max_message_size (100)');
    expect(() => decoder.push(Buffer.from([0]))).to.throw(ProtocolError, 'connection already failed to decode a frame');
  });

  it('refuses a body over the bound when encoding, naming the setting', () => {
    expect(() => encodeFrame(createPackr(), 'x'.repeat(200), { frameBytesMax: 100, setting: 'internode_max_message_size' })).to.throw(
      ProtocolError,
      /^frame of \d+ bytes exceeds internode_max_message_size \(100\)$/,
    );
  });

  it('refuses an empty body and a malformed one', () => {
    expect(() => new FrameDecoder(100, 'internode_max_message_size').push(Buffer.from([0, 0, 0, 0]))).to.throw(ProtocolError, 'empty frame body');
    expect(() => new FrameDecoder(100, 'internode_max_message_size').push(Buffer.from([0, 0, 0, 2, 0x92, 0x01]))).to.throw(ProtocolError, /^malformed frame body/);
  });
});
