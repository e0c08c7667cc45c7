/**
 * A partition key typed on the command line (`sibyltool getendpoints ks t
 * KEY`) turned into the serialized key whose token places it, as
 * Cassandra's `partitionKeyType.fromString` does: each component is read as
 * the literal of its column's type, without quotes, and a composite key's
 * components are separated by ':' (`acme:2026-11-22`), a ':' inside a
 * component written '\:'. A blob is hex, with or without CQL's 0x prefix.
 */
import { fromConstant, type ConstantKind } from '../schema/codec.js';
import { partitionKeyColumns, serializePartitionKey, type TableMetadata } from '../schema/table.js';
import type { CqlType } from '../schema/cql-type.js';
import { InvalidRequestError } from '../util/errors.js';

export function partitionKeyFromText(table: TableMetadata, text: string): Buffer {
  const columns = partitionKeyColumns(table);
  const parts = columns.length === 1 ? [text] : splitComponents(text);
  if (parts.length !== columns.length) {
    throw new InvalidRequestError(
      `the partition key of ${table.keyspace}.${table.name} has ${columns.length} components (${columns.map((c) => c.name).join(':')}); got '${text}'`,
    );
  }
  return serializePartitionKey(columns.map((c, i) => componentFromText(c.type, parts[i]!, c.name)));
}

/**
 * A composite key's components, as Cassandra's CompositeType.fromString
 * splits them: at every ':' not escaped as '\:', which then stands for a
 * ':' inside the component (a timestamp's time, a text holding ':').
 */
function splitComponents(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && text[i - 1] !== '\\') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.replaceAll('\\:', ':'));
}

function componentFromText(type: CqlType, text: string, column: string): Buffer {
  if (type.kind !== 'native') throw new InvalidRequestError(`a partition key of type ${type.kind} cannot be given on the command line`);
  return fromConstant(type, constantKind(type.name, text), text, column);
}

/** The kind of constant the text would be if typed in CQL, for the types where the choice matters. */
function constantKind(typeName: string, text: string): ConstantKind {
  switch (typeName) {
    case 'boolean':
      return 'BOOLEAN';
    case 'uuid':
    case 'timeuuid':
      return 'UUID';
    case 'blob':
      return 'HEX';
    case 'float':
    case 'double':
    case 'decimal':
      return /^[+-]?\d+$/.test(text) ? 'INTEGER' : 'FLOAT';
    case 'date':
    case 'time':
    case 'timestamp':
      return /^[+-]?\d+$/.test(text) ? 'INTEGER' : 'STRING';
    case 'ascii':
    case 'text':
    case 'varchar':
    case 'inet':
      return 'STRING';
    default:
      return 'INTEGER';
  }
}
