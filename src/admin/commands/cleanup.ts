/**
 * `cleanup [KEYSPACE [TABLES...]]`: deletes the data this node stores for
 * ranges it no longer replicates (see ../cleanup.ts) and answers what went,
 * per table.
 */
import type { CleanupReport } from '../cleanup.js';
import { InvalidRequestError } from '../../util/errors.js';
import { optionalString, type AdminArgs } from '../args.js';
import type { NodeView } from '../node-view.js';

export async function cleanup(view: NodeView, args: AdminArgs): Promise<CleanupReport> {
  if (!view.cleanup) throw new InvalidRequestError('cleanup: this node cannot clean up its storage');
  const tables = args['tables'] ?? [];
  if (!Array.isArray(tables) || tables.some((t) => typeof t !== 'string')) {
    throw new InvalidRequestError("cleanup: argument 'tables' must be a list of table names");
  }
  const keyspace = optionalString(args, 'keyspace', 'cleanup');
  if (keyspace === undefined && tables.length > 0) throw new InvalidRequestError('cleanup: tables need a keyspace');
  return view.cleanup.run({ ...(keyspace !== undefined ? { keyspace } : {}), tables: tables as string[] });
}
