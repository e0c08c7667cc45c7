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
/** The datacenter a node reports by default; a node that knows no topology expands `replication_factor` to it alone. */
export const LOCAL_DATACENTER = 'datacenter1';

export function validateKeyspaceName(name: string): void {
  if (name.length === 0 || name.length > NAME_LENGTH_MAX || !/^\w+$/.test(name)) {
    throw new InvalidRequestError(
      `Keyspace name must not be empty, more than ${NAME_LENGTH_MAX} characters long, or contain non-alphanumeric-underscore characters (got "${name}")`,
    );
  }
}

/**
 * A new keyspace's metadata; `replication` is mandatory. `datacenters` are
 * those the cluster knows, which NetworkTopologyStrategy's
 * `replication_factor` shorthand expands to.
 */
export function keyspaceFromProperties(name: string, properties: Property[], datacenters: readonly string[] = [LOCAL_DATACENTER]): KeyspaceMetadata {
  validateKeyspaceName(name);
  const props = propertyMap(properties, KEYSPACE_PROPERTIES);
  const replication = props.get('replication');
  if (!replication) throw new ConfigurationError(`Missing mandatory option 'replication'`);
  const durable = props.get('durable_writes');
  return {
    name,
    replication: replicationFromMap(name, propertyStringMap('replication', replication), datacenters),
    durableWrites: durable ? propertyBoolean('durable_writes', durable) : true,
  };
}

/** ALTER KEYSPACE: properties given replace the old ones; others stay. */
export function alterKeyspace(old: KeyspaceMetadata, properties: Property[], datacenters: readonly string[] = [LOCAL_DATACENTER]): KeyspaceMetadata {
  const props = propertyMap(properties, KEYSPACE_PROPERTIES);
  const replication = props.get('replication');
  const durable = props.get('durable_writes');
  return {
    name: old.name,
    replication: replication ? replicationFromMap(old.name, propertyStringMap('replication', replication), datacenters, old.replication) : old.replication,
    durableWrites: durable ? propertyBoolean('durable_writes', durable) : old.durableWrites,
  };
}

function replicationFromMap(
  keyspace: string,
  options: Map<string, string>,
  datacenters: readonly string[],
  previous?: ReplicationOptions,
): ReplicationOptions {
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
    let everyDatacenter: number | undefined;
    for (const [dc, rf] of rest) {
      if (dc === 'replication_factor') everyDatacenter = replicationFactor(rf, true);
      else factors[dc] = replicationFactor(rf, true);
    }
    if (everyDatacenter !== undefined) {
      // As in Cassandra 4, `replication_factor` stands for every datacenter the cluster knows, after
      // the ones named; an ALTER leaves the levels of datacenters already replicated alone, for safety.
      if (previous?.class === 'NetworkTopologyStrategy') for (const [dc, rf] of Object.entries(previous.factors)) factors[dc] ??= rf;
      for (const dc of datacenters) factors[dc] ??= everyDatacenter;
    }
    // A datacenter given 0 replicas is one the keyspace does not replicate to, as Cassandra drops it from the options.
    for (const [dc, rf] of Object.entries(factors)) if (rf === 0) delete factors[dc];
    if (Object.keys(factors).length === 0) {
      throw new ConfigurationError('NetworkTopologyStrategy requires a replication factor for at least one datacenter');
    }
    return { class: 'NetworkTopologyStrategy', factors };
  }
  throw new ConfigurationError(`Unable to find replication strategy class '${className}'`);
}

/** A replication factor; 0 is allowed where it means "not in this datacenter". */
function replicationFactor(text: string, zeroAllowed = false): number {
  if (!/^\d+$/.test(text) || (Number(text) < 1 && !zeroAllowed)) {
    throw new ConfigurationError(`Replication factor must be a positive integer; found ${text}`);
  }
  return Number(text);
}
