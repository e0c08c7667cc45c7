/**
 * Reading an admin command's arguments, which arrive from the wire as an
 * untrusted map. A wrong argument is an InvalidRequestError naming the
 * command and the argument.
 */
import type { SchemaCatalog } from '../cql/schema-catalog.js';
import type { TableMetadata } from '../schema/table.js';
import { InvalidRequestError } from '../util/errors.js';

export type AdminArgs = Record<string, unknown>;

export function optionalString(args: AdminArgs, name: string, command: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidRequestError(`${command}: argument '${name}' must be text`);
  return v;
}

export function requiredString(args: AdminArgs, name: string, command: string): string {
  const v = optionalString(args, name, command);
  if (v === undefined || v === '') throw new InvalidRequestError(`${command}: argument '${name}' is required`);
  return v;
}

export function optionalInteger(args: AdminArgs, name: string, command: string): number | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v)) throw new InvalidRequestError(`${command}: argument '${name}' must be an integer`);
  return v as number;
}

/**
 * The table an admin command names, refused as nodetool refuses it, naming
 * both the table and the keyspace (CQL's 'unconfigured table t' leaves the
 * keyspace out, and a command line has no current keyspace to imply it).
 */
export function namedTable(catalog: SchemaCatalog, keyspace: string, table: string): TableMetadata {
  catalog.requireKeyspace(keyspace);
  const found = catalog.table(keyspace, table);
  if (!found) throw new InvalidRequestError(`Unknown table '${table}' in keyspace '${keyspace}'`);
  return found;
}
