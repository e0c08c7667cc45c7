/**
 * `decommission`, `removenode` and `ringoperation`: the server side of
 * `sibyltool decommission` and `sibyltool removenode`. Streaming can take
 * longer than one ADMIN request may wait, so `decommission` and
 * `removenode HOSTID` start the operation and answer with its id at once;
 * sibyltool then polls `ringoperation` until it is done.
 */
import { InvalidRequestError } from '../../util/errors.js';
import { optionalString, requiredString, type AdminArgs } from '../args.js';
import type { NodeView, RingChangesView, RingOperationStatus } from '../node-view.js';

function ringChangesOf(view: NodeView, command: string): RingChangesView {
  if (!view.ringChanges) throw new InvalidRequestError(`${command}: this node cannot change the ring`);
  return view.ringChanges;
}

export async function decommission(view: NodeView): Promise<{ id: string }> {
  return ringChangesOf(view, 'decommission').decommission();
}

/** `removenode` with `hostId` starts a removal; with `action` 'status' or 'force' reports or forces the one under way. */
export async function removenode(view: NodeView, args: AdminArgs): Promise<{ id?: string; text?: string }> {
  const changes = ringChangesOf(view, 'removenode');
  const action = optionalString(args, 'action', 'removenode');
  if (action === 'status') return { text: changes.removalStatus() };
  if (action === 'force') return { text: await changes.forceRemoval() };
  if (action !== undefined) throw new InvalidRequestError(`removenode: unknown action '${action}'; expected status or force`);
  const hostId = requiredString(args, 'hostId', 'removenode');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(hostId)) {
    throw new InvalidRequestError(`removenode: '${hostId}' is not a host id (a UUID, as sibyltool status lists it)`);
  }
  return changes.removenode(hostId.toLowerCase());
}

export async function ringoperation(view: NodeView, args: AdminArgs): Promise<RingOperationStatus> {
  return ringChangesOf(view, 'ringoperation').status(requiredString(args, 'id', 'ringoperation'));
}
