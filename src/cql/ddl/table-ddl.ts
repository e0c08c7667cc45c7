/**
 * Validates CREATE TABLE and ALTER TABLE into TableMetadata, with Cassandra's
 * rules: key columns exist and are not non-frozen collections, static columns
 * need clustering columns, CLUSTERING ORDER follows the clustering key, and
 * only known options are accepted.
 */
import type { AlterTable, ColumnDefinition, CreateTable, Property, TypeAst } from '../../../grammar/ast.js';
import { formatType, isMultiCell, isNativeTypeName, type CqlType } from '../../schema/cql-type.js';
import { DEFAULT_TABLE_OPTIONS, type ColumnMetadata, type TableMetadata, type TableOptions } from '../../schema/table.js';
import { InvalidRequestError } from '../../util/errors.js';
import { propertyInt, propertyMap, propertyString } from './properties.js';

const TABLE_PROPERTIES = ['default_time_to_live', 'gc_grace_seconds', 'comment', 'read_repair'] as const;
const TABLE_NAME_LENGTH_MAX = 222;
/** Cassandra's MAX_TTL: twenty years, in seconds. */
export const TTL_MAX_S = 630_720_000;

export function validateTableName(name: string): void {
  if (name.length === 0 || name.length > TABLE_NAME_LENGTH_MAX || !/^\w+$/.test(name)) {
    throw new InvalidRequestError(
      `Table name must not be empty, more than ${TABLE_NAME_LENGTH_MAX} characters long, or contain non-alphanumeric-underscore characters (got "${name}")`,
    );
  }
}

export function cqlType(ast: TypeAst, insideCollection = false): CqlType {
  switch (ast.kind) {
    case 'native':
      if (!isNativeTypeName(ast.name)) throw new InvalidRequestError(`Unknown type ${ast.name}`);
      if (ast.name === 'counter') throw new InvalidRequestError('Counter columns are not supported by Sibyl');
      return { kind: 'native', name: ast.name };
    case 'set':
    case 'list':
    case 'map': {
      const type: CqlType =
        ast.kind === 'map'
          ? { kind: 'map', key: cqlType(ast.key, true), value: cqlType(ast.value, true), frozen: ast.frozen }
          : { kind: ast.kind, element: cqlType(ast.element, true), frozen: ast.frozen };
      if (insideCollection && !ast.frozen) {
        throw new InvalidRequestError(`Non-frozen collections are not allowed inside collections: ${formatType(type)}`);
      }
      return type;
    }
  }
}

export function tableFromCreate(keyspace: string, stmt: CreateTable, id: string): TableMetadata {
  validateTableName(stmt.table.name);
  const defs = new Map<string, ColumnDefinition>();
  for (const def of stmt.columns) {
    if (defs.has(def.name)) throw new InvalidRequestError(`Multiple definition of identifier ${def.name}`);
    defs.set(def.name, def);
  }
  if (stmt.partitionKey.length === 0) {
    throw new InvalidRequestError(`No PRIMARY KEY specifed for table '${stmt.table.name}' (exactly one required)`);
  }
  const keyNames = [...stmt.partitionKey, ...stmt.clusteringKey];
  const seen = new Set<string>();
  for (const name of keyNames) {
    const def = defs.get(name);
    if (!def) throw new InvalidRequestError(`Unknown definition ${name} referenced in PRIMARY KEY`);
    if (seen.has(name)) throw new InvalidRequestError(`Multiple definition of identifier ${name}`);
    seen.add(name);
    const type = cqlType(def.type);
    if (isMultiCell(type)) {
      throw new InvalidRequestError(`Invalid non-frozen collection type ${formatType(type)} for PRIMARY KEY component ${name}`);
    }
    if (def.isStatic) throw new InvalidRequestError(`Static column ${name} cannot be part of the PRIMARY KEY`);
  }
  const orders = clusteringOrders(stmt);
  const columns: ColumnMetadata[] = [];
  stmt.partitionKey.forEach((name, position) =>
    columns.push({ name, type: cqlType(defs.get(name)!.type), kind: 'partition_key', position }),
  );
  stmt.clusteringKey.forEach((name, position) =>
    columns.push({ name, type: cqlType(defs.get(name)!.type), kind: 'clustering', position, order: orders[position]! }),
  );
  for (const def of stmt.columns) {
    if (seen.has(def.name)) continue;
    columns.push(otherColumn(def, stmt.clusteringKey.length > 0));
  }
  return {
    keyspace,
    name: stmt.table.name,
    id,
    columns,
    options: tableOptions({ ...DEFAULT_TABLE_OPTIONS }, stmt.properties),
  };
}

function otherColumn(def: ColumnDefinition, hasClustering: boolean): ColumnMetadata {
  if (def.isStatic && !hasClustering) {
    throw new InvalidRequestError('Static columns are only useful (and thus allowed) if the table has at least one clustering column');
  }
  return { name: def.name, type: cqlType(def.type), kind: def.isStatic ? 'static' : 'regular', position: 0 };
}

function clusteringOrders(stmt: CreateTable): ('ASC' | 'DESC')[] {
  if (stmt.clusteringOrder.length === 0) return stmt.clusteringKey.map(() => 'ASC');
  const seen = new Set<string>();
  for (const o of stmt.clusteringOrder) {
    if (seen.has(o.column)) {
      throw new InvalidRequestError(`Duplicate column '${o.column}' in CLUSTERING ORDER BY clause for table '${stmt.table.name}'`);
    }
    seen.add(o.column);
  }
  for (const o of stmt.clusteringOrder) {
    if (!stmt.clusteringKey.includes(o.column)) {
      throw new InvalidRequestError(`Only clustering key columns can be defined in CLUSTERING ORDER directive`);
    }
  }
  const named = stmt.clusteringOrder.map((o) => o.column);
  if (named.length !== stmt.clusteringKey.length || named.some((n, i) => n !== stmt.clusteringKey[i])) {
    throw new InvalidRequestError('Clustering key columns must exactly match columns in CLUSTERING ORDER BY directive');
  }
  return stmt.clusteringOrder.map((o) => o.order);
}

/** Applies `WITH` properties over `base`, validating each. */
export function tableOptions(base: TableOptions, properties: Property[]): TableOptions {
  const props = propertyMap(properties, TABLE_PROPERTIES);
  const out = { ...base };
  const ttl = props.get('default_time_to_live');
  if (ttl) {
    out.default_time_to_live = propertyInt('default_time_to_live', ttl);
    if (out.default_time_to_live < 0) {
      throw new InvalidRequestError(`default_time_to_live must be greater than or equal to 0 (got ${out.default_time_to_live})`);
    }
    if (out.default_time_to_live > TTL_MAX_S) {
      throw new InvalidRequestError(`default_time_to_live must be less than or equal to ${TTL_MAX_S} (got ${out.default_time_to_live})`);
    }
  }
  const gc = props.get('gc_grace_seconds');
  if (gc) {
    out.gc_grace_seconds = propertyInt('gc_grace_seconds', gc);
    if (out.gc_grace_seconds < 0) {
      throw new InvalidRequestError(`gc_grace_seconds must be greater than or equal to 0 (got ${out.gc_grace_seconds})`);
    }
  }
  const comment = props.get('comment');
  if (comment) out.comment = propertyString('comment', comment);
  const readRepair = props.get('read_repair');
  if (readRepair) {
    const value = propertyString('read_repair', readRepair).toUpperCase();
    if (value !== 'BLOCKING' && value !== 'NONE') {
      throw new InvalidRequestError(`Invalid value for read_repair: expected BLOCKING or NONE, got ${value}`);
    }
    out.read_repair = value;
  }
  return out;
}

/**
 * ALTER TABLE ADD / DROP / WITH, returning the new metadata (the id stays),
 * or undefined when ADD IF NOT EXISTS / DROP IF EXISTS skipped every column
 * and so changed nothing. `nowUs` stamps a DROP, so the dropped column's old
 * cells never come back.
 */
export function alterTable(old: TableMetadata, stmt: AlterTable, nowUs: number): TableMetadata | undefined {
  const action = stmt.action;
  switch (action.kind) {
    case 'add': {
      const columns = [...old.columns];
      const hasClustering = old.columns.some((c) => c.kind === 'clustering');
      for (const def of action.columns) {
        if (columns.some((c) => c.name === def.name)) {
          if (action.ifNotExists) continue;
          throw new InvalidRequestError(`Column with name '${def.name}' already exists`);
        }
        const column = otherColumn(def, hasClustering);
        const dropped = old.dropped?.find((d) => d.name === def.name);
        if (dropped && formatType(dropped.type) !== formatType(column.type)) {
          throw new InvalidRequestError(
            `Cannot re-add previously dropped column '${def.name}' of type ${formatType(column.type)}, incompatible with previous type ${formatType(dropped.type)}`,
          );
        }
        if (dropped && (dropped.kind === 'static') !== (column.kind === 'static')) {
          throw new InvalidRequestError(
            `Cannot re-add previously dropped column '${def.name}' of kind ${column.kind.toUpperCase()}, incompatible with previous kind ${dropped.kind.toUpperCase()}`,
          );
        }
        columns.push(column);
      }
      return columns.length === old.columns.length ? undefined : { ...old, columns };
    }
    case 'drop': {
      let columns = [...old.columns];
      const dropped = [...(old.dropped ?? [])];
      for (const name of action.columns) {
        const col = columns.find((c) => c.name === name);
        if (!col && action.ifExists) continue;
        if (!col) throw new InvalidRequestError(`Column ${name} was not found in table ${old.name}`);
        if (col.kind === 'partition_key' || col.kind === 'clustering') {
          throw new InvalidRequestError(`Cannot drop PRIMARY KEY part ${name}`);
        }
        columns = columns.filter((c) => c !== col);
        const record = { name, type: col.type, kind: col.kind, droppedAtUs: nowUs };
        const at = dropped.findIndex((d) => d.name === name);
        if (at >= 0) dropped[at] = record;
        else dropped.push(record);
      }
      return columns.length === old.columns.length ? undefined : { ...old, columns, dropped };
    }
    case 'with':
      return { ...old, options: tableOptions(old.options, action.properties) };
  }
}
