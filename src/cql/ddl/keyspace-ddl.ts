/**
 * Validates CREATE / ALTER KEYSPACE properties into KeyspaceMetadata, with
 * Cassandra's rules and messages for replication strategies.
 */
import type { Property } from '../../../grammar/ast.js';
import type { KeyspaceMetadata, ReplicationOptions } from '../../schema/table.js';
import { ConfigurationError, InvalidRequestError } from '../../util/errors.js';
import { propertyBoolean, propertyMap, propertyStringMap } from './properties.js';

const KEYSPACE_PROPERTIES = ['replication', 'durable_writes'] as const;
const NAME_LENGTH_MAX = 48;
/** The datacenter a single node reports; NetworkTopologyStrategy's `replication_factor` shorthand expands to it. */
export const LOCAL_DATACENTER = 'datacenter1';

export function validateKeyspaceName(name: string): void {
  if (name.length === 0 || name.length > NAME_LENGTH_MAX || !/^\w+$/.test(name)) {
    throw new InvalidRequestError(
      `Keyspace name must not be empty, more than ${NAME_LENGTH_MAX} characters long, or contain non-alphanumeric-underscore characters (got "${name}")`,
    );
  }
}

/** A new keyspace's metadata; `replication` is mandatory. */
export function keyspaceFromProperties(name: string, properties: Property[]): KeyspaceMetadata {
  validateKeyspaceName(name);
  const props = propertyMap(properties, KEYSPACE_PROPERTIES);
  const replication = props.get('replication');
  if (!replication) throw new ConfigurationError(`Missing mandatory option 'replication'`);
  const durable = props.get('durable_writes');
  return {
    name,
    replication: replicationFromMap(name, propertyStringMap('replication', replication)),
    durableWrites: durable ? propertyBoolean('durable_writes', durable) : true,
  };
}

/** ALTER KEYSPACE: properties given replace the old ones; others stay. */
export function alterKeyspace(old: KeyspaceMetadata, properties: Property[]): KeyspaceMetadata {
  const props = propertyMap(properties, KEYSPACE_PROPERTIES);
  const replication = props.get('replication');
  const durable = props.get('durable_writes');
  return {
    name: old.name,
    replication: replication ? replicationFromMap(old.name, propertyStringMap('replication', replication)) : old.replication,
    durableWrites: durable ? propertyBoolean('durable_writes', durable) : old.durableWrites,
  };
}

function replicationFromMap(keyspace: string, options: Map<string, string>): ReplicationOptions {
  const className = options.get('class');
  if (className === undefined) throw new ConfigurationError('Missing replication strategy class');
  const shortName = className.replace(/^org\.apache\.cassandra\.locator\./, '');
  const rest = new Map(options);
  rest.delete('class');
  if (shortName === 'SimpleStrategy') {
    const rf = rest.get('replication_factor');
    if (rf === undefined) throw new ConfigurationError('SimpleStrategy requires a replication_factor strategy option.');
    rest.delete('replication_factor');
    if (rest.size > 0) {
      throw new ConfigurationError(`Unrecognized strategy option {${[...rest.keys()].join(', ')}} passed to SimpleStrategy for keyspace ${keyspace}`);
    }
    return { class: 'SimpleStrategy', factors: { replication_factor: replicationFactor(rf) } };
  }
  if (shortName === 'NetworkTopologyStrategy') {
    const factors: Record<string, number> = {};
    for (const [dc, rf] of rest) {
      // Cassandra 4 lets `replication_factor` stand for every known datacenter; a single node knows one.
      factors[dc === 'replication_factor' ? LOCAL_DATACENTER : dc] = replicationFactor(rf);
    }
    if (Object.keys(factors).length === 0) {
      throw new ConfigurationError('NetworkTopologyStrategy requires a replication factor for at least one datacenter');
    }
    return { class: 'NetworkTopologyStrategy', factors };
  }
  throw new ConfigurationError(`Unable to find replication strategy class '${className}'`);
}

function replicationFactor(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ConfigurationError(`Replication factor must be a positive integer; found ${text}`);
  }
  return Number(text);
}
