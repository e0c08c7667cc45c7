/**
 * What a fuzz target is and the loop that drives one. A target generates an
 * input from a seeded generator and checks one property on it (the parser
 * returns or throws a Sibyl error; a decoder returns a valid request or a
 * ProtocolError). Anything else thrown is a failure, recorded with the seed,
 * the iteration and the input in hex, so `--seed S --from I --iterations 1`
 * replays it exactly.
 */
import { performance } from 'node:perf_hooks';
import { iterationSeed, Rng } from './rng.js';

export type TargetName = 'parser' | 'client' | 'internode';

export interface FuzzInput {
  /** How the input was made (random bytes, a mutated valid frame, ...). */
  kind: string;
  bytes: Buffer;
}

export interface FuzzTarget {
  readonly name: TargetName;
  generate(rng: Rng): FuzzInput;
  /** Throws when the property does not hold for `input`. */
  check(input: FuzzInput): void | Promise<void>;
}

export interface FuzzFailure {
  target: TargetName;
  seed: number;
  iteration: number;
  kind: string;
  inputHex: string;
  error: string;
}

export interface RunOptions {
  seed: number;
  /** The first iteration (a replay starts at the failing one). */
  from?: number;
  iterations: number;
  /** Stop after this many failures (default 1: the first is what one debugs). */
  failuresMax?: number;
}

export interface RunResult {
  target: TargetName;
  iterations: number;
  elapsedMs: number;
  failures: FuzzFailure[];
  /** Inputs per kind, to show what the run covered. */
  kinds: Record<string, number>;
}

export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<RunResult> {
  const from = options.from ?? 0;
  const failuresMax = options.failuresMax ?? 1;
  const failures: FuzzFailure[] = [];
  const kinds: Record<string, number> = {};
  const started = performance.now();
  let done = 0;
  for (let i = from; i < from + options.iterations && failures.length < failuresMax; i++) {
    const input = target.generate(new Rng(iterationSeed(options.seed, i)));
    kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
    try {
      await target.check(input);
    } catch (err) {
      failures.push({
        target: target.name,
        seed: options.seed,
        iteration: i,
        kind: input.kind,
        inputHex: input.bytes.toString('hex'),
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    done++;
  }
  return { target: target.name, iterations: done, elapsedMs: performance.now() - started, failures, kinds };
}

/** A failure as the runner prints it: what broke, the input, and the command that replays it. */
export function describeFailure(f: FuzzFailure): string {
  return (
    `FAILED ${f.target} at seed ${f.seed}, iteration ${f.iteration} (${f.kind}):\n` +
    `  ${f.error.split('\n').join('\n  ')}\n` +
    `  input (${f.inputHex.length / 2} bytes, hex): ${f.inputHex}\n` +
    `  replay: npm run fuzz -- --target ${f.target} --seed ${f.seed} --from ${f.iteration} --iterations 1\n`
  );
}

/** Thrown by a check when the property fails in a way that is not itself an exception. */
export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}
