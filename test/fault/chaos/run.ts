/**
 * `npm run chaos -- --seed N --minutes M --cl-write QUORUM --cl-read QUORUM`:
 * the consistency checker under faults, as a command. Exit status 0 when
 * every check passed, 1 on a violation (the seed and the shortest history
 * showing it are printed), 2 on a usage error.
 */
import type { ConsistencyName } from '../../../grammar/ast.js';
import { CONSISTENCY_NAMES } from '../../../src/transport/protocol.js';
import { formatResult, runChaos, type ChaosOptions } from './chaos.js';
import { FAULT_KINDS, type FaultKind } from './nemesis.js';

const USAGE = `Usage: npm run chaos -- [--seed N] [--minutes M] [--cl-write LEVEL] [--cl-read LEVEL]
                      [--nodes N] [--keys N] [--nemesis partition,kill,pause,skew]
                      [--clients-per-node N] [--rate OPS_PER_S] [--read-share 0..1] [--keep]

Defaults: a random seed (printed), 2 minutes, QUORUM/QUORUM, 3 nodes (RF 3),
20 keys, every fault kind, 2 clients per node, 150 operations per second,
half of them reads. The same seed replays the same workload and faults.
`;

function parse(argv: string[]): ChaosOptions {
  const values = new Map<string, string>();
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--keep') keep = true;
    else if (flag === '--help' || flag === '-h') throw new UsageExit(USAGE, 0);
    else if (flag.startsWith('--') && i + 1 < argv.length) values.set(flag, argv[++i]!);
    else throw new UsageExit(`unexpected argument '${flag}'\n\n${USAGE}`, 2);
  }
  const known = ['--seed', '--minutes', '--cl-write', '--cl-read', '--nodes', '--keys', '--nemesis', '--clients-per-node', '--rate', '--read-share'];
  for (const flag of values.keys()) if (!known.includes(flag)) throw new UsageExit(`unknown option ${flag}\n\n${USAGE}`, 2);
  const number = (flag: string, fallback: number, min: number, integer = true): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new UsageExit(`${flag} must be ${integer ? 'an integer' : 'a number'} of at least ${min}, got '${text}'`, 2);
    return n;
  };
  const level = (flag: string): ConsistencyName => {
    const text = (values.get(flag) ?? 'QUORUM').toUpperCase();
    if (!(CONSISTENCY_NAMES as readonly string[]).includes(text)) throw new UsageExit(`${flag} must be one of ${CONSISTENCY_NAMES.join(', ')}, got '${values.get(flag)}'`, 2);
    return text as ConsistencyName;
  };
  const nemesisText = values.get('--nemesis') ?? FAULT_KINDS.join(',');
  const nemesis = nemesisText === 'none' ? [] : nemesisText.split(',').map((s) => s.trim());
  for (const kind of nemesis) if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new UsageExit(`--nemesis takes a comma list of ${FAULT_KINDS.join(', ')} (or none), got '${kind}'`, 2);
  return {
    seed: number('--seed', Math.floor(Math.random() * 2 ** 31), 0),
    workloadMs: Math.round(number('--minutes', 2, 0.1, false) * 60_000),
    writeLevel: level('--cl-write'),
    readLevel: level('--cl-read'),
    nodes: number('--nodes', 3, 1),
    keys: number('--keys', 20, 1),
    nemesis: nemesis as FaultKind[],
    clientsPerNode: number('--clients-per-node', 2, 1),
    opsPerSecond: number('--rate', 150, 1, false),
    readShare: number('--read-share', 0.5, 0, false),
    keep,
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  };
}

class UsageExit extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parse(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageExit) {
      (err.code === 0 ? process.stdout : process.stderr).write(err.message);
      return err.code;
    }
    throw err;
  }
  const result = await runChaos(options);
  process.stdout.write('\n' + formatResult(result));
  return result.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos run failed to complete: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
