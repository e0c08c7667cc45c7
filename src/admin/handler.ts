/**
 * The server side of sibyltool: the ADMIN opcode's handler. Each command is
 * one small file in commands/ that reads the NodeView and returns plain data
 * (no formatting: sibyltool formats, so other clients can use the data).
 */
import { InvalidRequestError } from '../util/errors.js';
import type { AdminArgs } from './args.js';
import { cleanup } from './commands/cleanup.js';
import { describecluster } from './commands/describecluster.js';
import { describering } from './commands/describering.js';
import { dump } from './commands/dump.js';
import { disablehandoff, enablehandoff, statushandoff } from './commands/handoff.js';
import { listpendinghints } from './commands/listpendinghints.js';
import { netstats } from './commands/netstats.js';
import { truncatehints } from './commands/truncatehints.js';
import { faults } from './commands/faults.js';
import { getendpoints } from './commands/getendpoints.js';
import { gossipinfo } from './commands/gossipinfo.js';
import { info } from './commands/info.js';
import { merkleroot } from './commands/merkleroot.js';
import { proxyhistograms } from './commands/proxyhistograms.js';
import { repair, repairhistory, repairstatus } from './commands/repair.js';
import { ring } from './commands/ring.js';
import { status } from './commands/status.js';
import { decommission, removenode, ringoperation } from './commands/topology.js';
import { tpstats } from './commands/tpstats.js';
import { version } from './commands/version.js';
import type { NodeView } from './node-view.js';

export type AdminCommand = (view: NodeView, args: AdminArgs) => Promise<unknown>;

export const ADMIN_COMMANDS: Readonly<Record<string, AdminCommand>> = Object.freeze({
  status,
  ring,
  info,
  describecluster,
  describering,
  getendpoints,
  gossipinfo,
  tpstats,
  proxyhistograms,
  faults,
  version,
  repair,
  repairstatus,
  repairhistory,
  merkleroot,
  statushandoff,
  enablehandoff,
  disablehandoff,
  listpendinghints,
  truncatehints,
  netstats,
  decommission,
  removenode,
  ringoperation,
  dump,
  cleanup,
});

export function createAdminHandler(view: NodeView): (command: string, args: AdminArgs) => Promise<unknown> {
  return async (command, args) => {
    const run = Object.hasOwn(ADMIN_COMMANDS, command) ? ADMIN_COMMANDS[command] : undefined;
    if (!run) throw new InvalidRequestError(`unknown admin command '${command}'`);
    return run(view, args);
  };
}
