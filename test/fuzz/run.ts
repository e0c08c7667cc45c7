/**
 * The fuzz runner: `npm run fuzz -- --iterations N [--seed S] [--from I]
 * [--target parser|client|internode|all]`. Runs each target for N inputs
 * from the seed (a random one when not given, printed first so the run can
 * be repeated), prints iterations per second per target and a summary, and
 * every failure with its seed, iteration, input in hex and the command that
 * replays it. Exit status 1 when anything failed. See docs/fuzzing.md.
 */
import { ClientTarget } from './client.js';
import { InternodeTarget } from './internode.js';
import { ParserTarget } from './parser.js';
import { describeFailure, runTarget, type FuzzTarget, type RunResult, type TargetName } from './target.js';

const TARGETS: Record<TargetName, () => FuzzTarget> = {
  parser: () => new ParserTarget(),
  client: () => new ClientTarget(),
  internode: () => new InternodeTarget(),
};

interface Options {
  iterations: number;
  seed: number;
  from: number;
  targets: TargetName[];
}

function parse(argv: string[]): Options {
  const options: Options = { iterations: 10_000, seed: (Date.now() ^ (process.pid << 16)) >>> 0, from: 0, targets: ['parser', 'client', 'internode'] };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    const value = argv[++i];
    const int = (what: string) => {
      if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} needs ${what}, got ${value ?? 'nothing'}`);
      return Number(value);
    };
    if (name === '--iterations') options.iterations = int('a count');
    else if (name === '--seed') options.seed = int('a non-negative integer') >>> 0;
    else if (name === '--from') options.from = int('an iteration number');
    else if (name === '--target') {
      if (value === 'all') options.targets = ['parser', 'client', 'internode'];
      else if (value !== undefined && Object.hasOwn(TARGETS, value)) options.targets = [value as TargetName];
      else throw new Error(`--target must be parser, client, internode or all, got ${value ?? 'nothing'}`);
    } else throw new Error(`unknown option ${name}`);
  }
  return options;
}

function line(r: RunResult): string {
  const perS = r.iterations / (r.elapsedMs / 1000);
  const kinds = Object.entries(r.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return `${r.target.padEnd(9)}  ${String(r.iterations).padStart(9)} inputs  ${(r.elapsedMs / 1000).toFixed(1).padStart(7)} s  ${Math.round(perS).toString().padStart(7)} inputs/s  ${r.failures.length === 0 ? 'ok' : 'FAILED'}  (${kinds})`;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\nUsage: npm run fuzz -- --iterations N [--seed S] [--from I] [--target parser|client|internode|all]\n`);
    return 2;
  }
  process.stdout.write(`fuzzing ${options.targets.join(', ')}: seed ${options.seed}, iterations ${options.from}..${options.from + options.iterations - 1}\n`);
  const results: RunResult[] = [];
  for (const name of options.targets) {
    const result = await runTarget(TARGETS[name](), { seed: options.seed, from: options.from, iterations: options.iterations });
    results.push(result);
    process.stdout.write(line(result) + '\n');
    for (const f of result.failures) process.stdout.write(describeFailure(f));
  }
  const failed = results.filter((r) => r.failures.length > 0).map((r) => r.target);
  const total = results.reduce((n, r) => n + r.iterations, 0);
  process.stdout.write(
    failed.length === 0
      ? `summary: ${total} inputs over ${results.length} target(s), seed ${options.seed}: no failures\n`
      : `summary: failures in ${failed.join(', ')} (seed ${options.seed}); replay each with the command printed above\n`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
