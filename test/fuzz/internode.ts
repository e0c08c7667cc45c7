/**
 * The internode target: bytes as they would arrive on the storage port.
 * Inputs: random bytes, valid envelopes (handshake, request, one-way,
 * response and error of every verb, with a valid payload) with byte-level
 * edits, and valid envelopes of every verb whose payload has fields of the
 * wrong type (or missing). Property: the frame decoder, asEnvelope and the
 * verb's payload check (src/net/payload-check.ts, which runs before any
 * handler) accept the message or throw a ProtocolError, nothing else; a
 * payload the check accepts has every field its handler reads of the
 * declared type, which the check's unit test pins down field by field.
 */
import { checkPayload } from '../../src/net/payload-check.js';
import { verbById, VERBS, type VerbName } from '../../src/net/verbs.js';
import { asEnvelope, Kind, MESSAGING_VERSION } from '../../src/net/wire.js';
import { ProtocolError } from '../../src/util/errors.js';
import { createPackr, encodeFrame, FrameDecoder } from '../../src/util/framing.js';
import { INTERNODE_SAMPLES } from './internode-samples.js';
import { mutateBytes, mutateValue } from './mutate.js';
import type { Rng } from './rng.js';
import type { FuzzInput, FuzzTarget } from './target.js';

const FRAME_BYTES_MAX = 256 * 1024;
const VERB_NAMES = Object.keys(VERBS) as VerbName[];

/** A valid envelope carrying `verb`'s sample payload (a request, one-way or response as the verb's kind says). */
export function envelopeOf(verb: VerbName, id: number, payload: unknown = INTERNODE_SAMPLES[verb]): unknown[] {
  const spec = VERBS[verb];
  if (spec.kind === 'request') return [Kind.Request, id, spec.id, payload];
  if (spec.kind === 'oneway') return [Kind.OneWay, spec.id, payload];
  return [Kind.Response, id, spec.id, payload];
}

export class InternodeTarget implements FuzzTarget {
  readonly name = 'internode' as const;
  private readonly packr = createPackr();

  private validEnvelope(rng: Rng): unknown[] {
    switch (rng.int(6)) {
      case 0:
        return [Kind.Hello, { cluster_name: 'Sibyl Cluster', from: '127.0.0.9:7000', version: MESSAGING_VERSION }];
      case 1:
        return [Kind.Error, rng.int(1000), VERBS.MUTATION_RSP.id, { code: 0x1100, message: 'timed out', fields: { received: 1 } }];
      default:
        return envelopeOf(rng.pick(VERB_NAMES), rng.int(1000));
    }
  }

  generate(rng: Rng): FuzzInput {
    const roll = rng.int(10);
    if (roll < 2) return { kind: 'random-bytes', bytes: rng.bytes(rng.size(300)) };
    if (roll < 5) return { kind: 'mutated-frame', bytes: mutateBytes(rng, encodeFrame(this.packr, this.validEnvelope(rng))) };
    const verb = rng.pick(VERB_NAMES);
    const envelope = rng.chance(0.85) ? envelopeOf(verb, rng.int(1000), mutateValue(rng, INTERNODE_SAMPLES[verb])) : mutateValue(rng, envelopeOf(verb, 1));
    return { kind: 'wrong-types', bytes: encodeFrame(this.packr, envelope) };
  }

  check(input: FuzzInput): void {
    const decoder = new FrameDecoder(FRAME_BYTES_MAX, 'internode_max_message_size');
    try {
      for (const body of decoder.push(input.bytes)) {
        const envelope = asEnvelope(body);
        const kind = envelope[0];
        if (kind !== Kind.Request && kind !== Kind.OneWay && kind !== Kind.Response) continue;
        const verbId = kind === Kind.OneWay ? envelope[1] : envelope[2];
        const payload = kind === Kind.OneWay ? envelope[2] : envelope[3];
        const verb = verbById(verbId as number);
        if (verb !== undefined) checkPayload(verb, payload);
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
  }
}
