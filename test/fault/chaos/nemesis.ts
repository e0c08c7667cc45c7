/**
 * The nemesis: a fault schedule drawn from the seed, then played against the
 * cluster. The same seed gives the same schedule (which faults, on which
 * nodes, when and for how long); real processes make the interleaving of
 * faults and operations differ a little from run to run.
 *
 * Faults come one at a time, each followed by a quiet gap, so a run spends
 * time both broken and healing:
 * - partition: a minority of nodes drops every internode message to and from
 *   the rest (the fault filter, through `sibyltool faults drop`), then clears;
 * - kill: SIGKILL, then a restart on the same data;
 * - pause: SIGSTOP, then SIGCONT (a long GC pause or a stalled VM);
 * - skew: one node runs the whole run with clock_offset of a few hundred
 *   milliseconds, ahead or behind, kept across its restarts.
 */
import type { FaultCluster } from '../harness.js';
import { sleep } from '../harness.js';
import { Prng } from './prng.js';

export const FAULT_KINDS = ['partition', 'kill', 'pause', 'skew'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultEvent {
  /** Milliseconds after the workload starts. */
  atMs: number;
  kind: Exclude<FaultKind, 'skew'>;
  nodes: number[];
  durationMs: number;
}

export interface NemesisPlan {
  skew?: { node: number; offsetMs: number };
  events: FaultEvent[];
}

/** The stream number the nemesis draws from; clients use 0, 1, ... */
const NEMESIS_STREAM = 1_000_000;

export function planNemesis(seed: number, kinds: readonly FaultKind[], nodes: number, workloadMs: number): NemesisPlan {
  const rng = Prng.derive(seed, NEMESIS_STREAM);
  const all = Array.from({ length: nodes }, (_, i) => i + 1);
  const plan: NemesisPlan = { events: [] };
  if (kinds.includes('skew')) {
    const magnitude = rng.int(200, 900);
    plan.skew = { node: rng.pick(all), offsetMs: rng.next() < 0.5 ? -magnitude : magnitude };
  }
  const episodic = kinds.filter((k): k is FaultEvent['kind'] => k !== 'skew');
  if (episodic.length === 0) return plan;
  // Leave the last seconds quiet, so the workload ends on a healed cluster as well as a broken one.
  const endMs = workloadMs - 3000;
  let atMs = rng.int(1000, 3000);
  for (;;) {
    const kind = rng.pick(episodic);
    const durationMs = kind === 'pause' ? rng.int(1000, 6000) : rng.int(2000, 8000);
    if (atMs + durationMs > endMs) break;
    const minority = Math.max(1, Math.floor((nodes - 1) / 2));
    const targets = kind === 'partition' ? rng.sample(all, rng.int(1, minority)).sort() : [rng.pick(all)];
    plan.events.push({ atMs, kind, nodes: targets, durationMs });
    atMs += durationMs + rng.int(1000, 4000);
  }
  return plan;
}

export function describePlan(plan: NemesisPlan): string {
  const counts = new Map<string, number>();
  for (const e of plan.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  const parts = [...counts].map(([k, n]) => `${n} ${k}`);
  if (plan.skew) parts.push(`node ${plan.skew.node} skewed ${plan.skew.offsetMs > 0 ? '+' : ''}${plan.skew.offsetMs} ms`);
  return parts.join(', ') || 'no faults';
}

/** Plays the schedule against the cluster; resolves with the count of faults injected by kind once the last has healed. */
export async function runNemesis(
  cluster: FaultCluster,
  plan: NemesisPlan,
  startedAtMs: number,
  nowMs: () => number,
  log: (line: string) => void,
): Promise<Map<string, number>> {
  const injected = new Map<string, number>();
  const all = cluster.specs.map((s) => s.index);
  for (const event of plan.events) {
    const waitMs = startedAtMs + event.atMs - nowMs();
    if (waitMs > 0) await sleep(waitMs);
    log(`nemesis: ${event.kind} ${event.nodes.map((n) => `node ${n}`).join(', ')} for ${event.durationMs} ms`);
    injected.set(event.kind, (injected.get(event.kind) ?? 0) + 1);
    switch (event.kind) {
      case 'partition': {
        const rest = all.filter((n) => !event.nodes.includes(n));
        await Promise.all(
          event.nodes.flatMap((m) =>
            rest.flatMap((o) => [
              toolOrLog(cluster, log, m, 'faults', 'drop', '*', 'to', cluster.endpoint(o)),
              toolOrLog(cluster, log, m, 'faults', 'drop', '*', 'from', cluster.endpoint(o)),
            ]),
          ),
        );
        await sleep(event.durationMs);
        await Promise.all(event.nodes.map((m) => toolOrLog(cluster, log, m, 'faults', 'clear')));
        break;
      }
      case 'kill': {
        const [node] = event.nodes as [number];
        await cluster.kill(node);
        await sleep(event.durationMs);
        await cluster.startNode(node, 60_000);
        break;
      }
      case 'pause': {
        const [node] = event.nodes as [number];
        cluster.pause(node);
        await sleep(event.durationMs);
        cluster.resume(node);
        break;
      }
    }
    log(`nemesis: healed ${event.kind} ${event.nodes.map((n) => `node ${n}`).join(', ')}`);
  }
  return injected;
}

async function toolOrLog(cluster: FaultCluster, log: (line: string) => void, node: number, ...args: string[]): Promise<void> {
  const r = await cluster.tool(node, ...args);
  if (r.code !== 0) log(`nemesis: sibyltool ${args.join(' ')} on node ${node} failed: ${r.stderr.trim()}`);
}
