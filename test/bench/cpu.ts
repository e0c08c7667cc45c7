/**
 * CPU time spent by a set of processes, read from /proc (Linux): on a shared
 * machine throughput swings with other load, but the CPU a phase costs per
 * operation does not, so the benchmark reports both.
 */
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second on Linux (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU milliseconds used so far by each pid together; NaN where /proc is missing. */
export function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return NaN;
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Measures the CPU the servers and this process spend on `work`, in µs per operation. */
export async function withCpu<T>(serverPids: readonly number[], ops: number, work: () => Promise<T>): Promise<{ result: T; serverUsPerOp: number; clientUsPerOp: number }> {
  const server0 = cpuMs(serverPids);
  const client0 = process.cpuUsage();
  const result = await work();
  const client = process.cpuUsage(client0);
  return {
    result,
    serverUsPerOp: ((cpuMs(serverPids) - server0) * 1000) / ops,
    clientUsPerOp: (client.user + client.system) / ops,
  };
}
