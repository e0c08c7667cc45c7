/**
 * `repair`, `repairstatus` and `repairhistory`: the server side of
 * `sibyltool repair`. A repair can run for minutes while an ADMIN request has
 * one answer, so `repair` starts a job and answers with its number at once;
 * sibyltool then polls `repairstatus` for the progress lines written since
 * the offset it last saw, until the job is done.
 */
import type { RepairRecord } from '../../repair/history.js';
import type { RepairJobStatus, RepairOptions } from '../../repair/service.js';
import { InvalidRequestError } from '../../util/errors.js';
import { optionalInteger, optionalString, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';

export function repairOf(view: NodeView, command: string): NonNullable<NodeView['repair']> {
  if (!view.repair) throw new InvalidRequestError(`${command}: this node runs no repair service`);
  return view.repair;
}

function optionalBoolean(args: AdminArgs, name: string, command: string): boolean {
  const v = args[name];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new InvalidRequestError(`${command}: argument '${name}' must be true or false`);
  return v;
}

export function optionalToken(args: AdminArgs, name: string, command: string): bigint | undefined {
  const text = optionalString(args, name, command);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new InvalidRequestError(`${command}: argument '${name}' must be a token (a 64-bit integer), got '${text}'`);
  const token = BigInt(text.trim());
  if (token < -(2n ** 63n) || token >= 2n ** 63n) throw new InvalidRequestError(`${command}: token ${text} is outside the Murmur3 range`);
  return token;
}

export async function repair(view: NodeView, args: AdminArgs): Promise<{ job: number }> {
  const service = repairOf(view, 'repair');
  const tables = args['tables'];
  if (tables !== undefined && (!Array.isArray(tables) || tables.some((t) => typeof t !== 'string'))) {
    throw new InvalidRequestError("repair: argument 'tables' must be a list of table names");
  }
  const keyspace = optionalString(args, 'keyspace', 'repair');
  const startToken = optionalToken(args, 'startToken', 'repair');
  const endToken = optionalToken(args, 'endToken', 'repair');
  const options: RepairOptions = {
    ...(keyspace !== undefined ? { keyspace } : {}),
    tables: (tables as string[] | undefined) ?? [],
    primaryRange: optionalBoolean(args, 'primaryRange', 'repair'),
    preview: optionalBoolean(args, 'preview', 'repair'),
    ...(startToken !== undefined ? { startToken } : {}),
    ...(endToken !== undefined ? { endToken } : {}),
  };
  return service.start(options);
}

export async function repairstatus(view: NodeView, args: AdminArgs): Promise<RepairJobStatus> {
  const job = optionalInteger(args, 'job', 'repairstatus');
  if (job === undefined) throw new InvalidRequestError("repairstatus: argument 'job' is required");
  return repairOf(view, 'repairstatus').status(job, optionalInteger(args, 'from', 'repairstatus') ?? 0);
}

export async function repairhistory(view: NodeView): Promise<{ runs: RepairRecord[] }> {
  return { runs: await repairOf(view, 'repairhistory').history() };
}
