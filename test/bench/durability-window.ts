/**
 * The loss window of commitlog_sync periodic, measured: kill a node with
 * SIGKILL under write load (RF=1, ONE, 8 writers), restart it, and count the
 * acknowledged writes that are gone and how long before the kill the oldest
 * of them was acknowledged. A few runs per mode; batch mode is run alongside
 * as the control. Figures only, no assertions:
 *
 *   node dist/test/bench/durability-window.js [runs] [loadMs]
 *
 * What it can and cannot show: SIGKILL ends the process, not the machine.
 * LevelDB hands every write to the kernel (write(2) on its log) before the
 * write is acknowledged, in both modes; periodic mode only skips the fsync.
 * The kernel's page cache survives the process, so a SIGKILL is expected to
 * lose nothing in either mode. Only an OS crash or power loss drops the
 * unsynced tail: up to commitlog_sync_period of acknowledged writes in
 * periodic mode, none in batch mode. That case needs a machine to crash and
 * is not measured here.
 */
import { killUnderLoad } from '../fault/kill-under-load.js';

const runs = Number(process.argv[2] ?? 3);
const loadMs = Number(process.argv[3] ?? 4000);

for (const [mode, periodMs] of [['periodic', 10_000], ['periodic', 1000], ['batch', 0]] as const) {
  for (let r = 1; r <= runs; r++) {
    const run = await killUnderLoad({ commitlogSync: mode, commitlogSyncPeriodMs: periodMs || undefined, writers: 8, loadMs });
    const lost = [...run.acked].filter(([k]) => !run.present.has(k));
    const oldestLostAgeMs = lost.length === 0 ? 0 : run.killAtMs - Math.min(...lost.map(([, at]) => at));
    const unknownPresent = [...run.unknown].filter((k) => run.present.has(k)).length;
    const label = mode === 'periodic' ? `periodic ${periodMs} ms` : 'batch';
    console.log(
      `${label.padEnd(18)} run ${r}: ${run.acked.size} acknowledged in ${loadMs} ms, ${lost.length} lost, ` +
        `oldest lost acknowledged ${oldestLostAgeMs} ms before the kill; ${run.unknown.size} in flight at the kill, ${unknownPresent} of them present`,
    );
  }
}
