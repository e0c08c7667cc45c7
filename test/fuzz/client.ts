/**
 * The client protocol target: bytes as they would arrive on the native port.
 * Inputs: random bytes (some behind a plausible length header), valid
 * request frames with byte-level edits, and structurally valid msgpack
 * frames of every opcode with fields of the wrong type (or missing, or
 * extra), several frames to a chunk or one frame split across chunks.
 * Property: the frame decoder and parseRequest yield a well-formed request
 * or a ProtocolError, nothing else; and a request that decodes, dispatched to
 * an in-memory node, is answered or fails with a Sibyl error, never another
 * exception (which the server would turn into a ServerError and log as a bug).
 */
import { Opcode, parseRequest, PROTOCOL_VERSION } from '../../src/transport/protocol.js';
import { RequestDispatcher, type ConnectionContext } from '../../src/transport/dispatch.js';
import { createPackr, encodeFrame, FrameDecoder } from '../../src/util/framing.js';
import { ProtocolError, SibylError } from '../../src/util/errors.js';
import { memoryProcessor } from './memory-processor.js';
import { mutateBytes, mutateValue } from './mutate.js';
import type { Rng } from './rng.js';
import type { FuzzInput, FuzzTarget } from './target.js';

/** The server's default frame bound is far larger; a small one keeps a fuzzed length header from buffering much. */
const FRAME_BYTES_MAX = 256 * 1024;

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

/** One valid body of every request opcode. */
export const CLIENT_SAMPLES: { o: number; b: unknown }[] = [
  { o: Opcode.STARTUP, b: { options: { keyspace: 'ks', driver: 'fuzz' } } },
  { o: Opcode.OPTIONS, b: {} },
  { o: Opcode.AUTH_RESPONSE, b: { token: Buffer.from('\0cassandra\0cassandra') } },
  { o: Opcode.QUERY, b: { query: "SELECT * FROM ks.t WHERE k = 1 AND c = 'a'", consistency: 'ONE', fetchSize: 10 } },
  { o: Opcode.QUERY, b: { query: "INSERT INTO ks.kv (k, v) VALUES (2, 'x')", consistency: 'QUORUM', timestamp: 1_700_000_000_000_000, tracing: true } },
  { o: Opcode.QUERY, b: { query: 'SELECT * FROM ks.t', consistency: 'ONE', fetchSize: 1, pageState: Buffer.from([1, 2, 3]) } },
  { o: Opcode.PREPARE, b: { query: 'SELECT * FROM t WHERE k = ?', keyspace: 'ks' } },
  { o: Opcode.EXECUTE, b: { id: Buffer.alloc(16, 7), values: [int32(1), null, undefined], consistency: 'ONE' } },
  {
    o: Opcode.BATCH,
    b: {
      type: 'LOGGED',
      entries: [
        { query: 'INSERT INTO ks.kv (k, v) VALUES (?, ?)', values: [int32(3), Buffer.from('v')] },
        { id: Buffer.alloc(16, 1), values: [] },
      ],
      consistency: 'ONE',
      timestamp: 5n,
    },
  },
  { o: Opcode.REGISTER, b: { events: ['SCHEMA_CHANGE', 'STATUS_CHANGE'] } },
  { o: Opcode.ADMIN, b: { command: 'status', args: { keyspace: 'ks' } } },
];

function frame(packr: ReturnType<typeof createPackr>, body: unknown): Buffer {
  return encodeFrame(packr, body);
}

const context = (): ConnectionContext => ({ session: {}, registerSchemaEvents() {}, registerClusterEvents() {} });

export class ClientTarget implements FuzzTarget {
  readonly name = 'client' as const;
  private readonly packr = createPackr();

  private validFrame(rng: Rng): Buffer {
    const sample = rng.pick(CLIENT_SAMPLES);
    return frame(this.packr, { v: PROTOCOL_VERSION, s: rng.between(1, 32767), o: sample.o, b: sample.b });
  }

  generate(rng: Rng): FuzzInput {
    const roll = rng.int(10);
    let kind: string;
    let bytes: Buffer;
    if (roll < 2) {
      kind = 'random-bytes';
      const body = rng.bytes(rng.size(300));
      bytes = rng.chance(0.5) ? Buffer.concat([int32(body.length), body]) : body;
    } else if (roll < 5) {
      kind = 'mutated-frame';
      bytes = mutateBytes(rng, this.validFrame(rng));
    } else {
      kind = 'wrong-types';
      const sample = rng.pick(CLIENT_SAMPLES);
      const envelope = { v: PROTOCOL_VERSION, s: rng.between(1, 32767), o: sample.o, b: sample.b };
      bytes = frame(this.packr, rng.chance(0.8) ? { ...envelope, b: mutateValue(rng, sample.b) } : mutateValue(rng, envelope));
    }
    // Sometimes a valid frame before or after, so decoding continues (or stops) across frames.
    if (rng.chance(0.2)) bytes = rng.chance(0.5) ? Buffer.concat([this.validFrame(rng), bytes]) : Buffer.concat([bytes, this.validFrame(rng)]);
    return { kind, bytes };
  }

  async check(input: FuzzInput): Promise<void> {
    const decoder = new FrameDecoder(FRAME_BYTES_MAX, 'native_transport_max_frame_size');
    // Split the bytes in two at a point derived from them, so chunking varies yet replays exactly.
    const cut = input.bytes.length === 0 ? 0 : (input.bytes[0]! * 31 + input.bytes.length) % input.bytes.length;
    const requests = [];
    try {
      for (const chunk of [input.bytes.subarray(0, cut), input.bytes.subarray(cut)]) {
        for (const body of decoder.push(chunk)) requests.push(parseRequest(body));
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
    if (requests.length === 0) return;
    const dispatcher = new RequestDispatcher(await memoryProcessor(), undefined);
    const ctx = context();
    for (const request of requests) {
      try {
        await dispatcher.dispatch(ctx, request);
      } catch (err) {
        if (!(err instanceof SibylError)) throw err;
      }
    }
  }
}
