/**
 * Checks every verb's payload, as it arrives from a peer, against the shape
 * payloads.ts declares, before any handler (or a waiting requester) sees it.
 * A peer is trusted to be a Sibyl node, not to be bug-free or unmodified: a
 * payload with a wrong type would otherwise reach storage or gossip state and
 * fail later, far from its cause (a string token poisoning a write group, a
 * numeric gossip value breaking every later gossip round). A payload that
 * does not match is a ProtocolError naming the verb and the field; the
 * request is answered with it (or the one-way message dropped), and nothing
 * else happens.
 *
 * The checks are structural (types, and values the code relies on such as
 * 64-bit tokens); whether a table id exists or a key is well-formed for its
 * table stays the handlers' business, answered with their own errors.
 */
import { isNativeTypeName } from '../schema/cql-type.js';
import { ProtocolError } from '../util/errors.js';
import type { VerbName } from './verbs.js';

/** Throws a ProtocolError naming `path` when `value` does not fit. */
type Check = (value: unknown, path: string) => void;

const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

function fail(path: string, what: string): never {
  throw new ProtocolError(`${path} must be ${what}`);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

const text: Check = (v, p) => void (typeof v === 'string' || fail(p, 'text'));
const bool: Check = (v, p) => void (typeof v === 'boolean' || fail(p, 'a boolean'));
const integer: Check = (v, p) => void (Number.isSafeInteger(v) || fail(p, 'an integer'));
/** Microsecond timestamps: integers, or past 2^53 the float64 msgpackr carries them as. */
const micros: Check = (v, p) => void ((typeof v === 'number' && Number.isFinite(v)) || fail(p, 'a finite number'));
const bytes: Check = (v, p) => void (v instanceof Uint8Array || fail(p, 'bytes'));
const token: Check = (v, p) => void ((typeof v === 'bigint' && v >= MIN_TOKEN && v <= MAX_TOKEN) || fail(p, 'a 64-bit token'));

function optional(check: Check): Check {
  return (v, p) => {
    if (v !== undefined) check(v, p);
  };
}

function nullable(check: Check): Check {
  return (v, p) => {
    if (v !== null) check(v, p);
  };
}

function list(check: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) fail(p, 'a list');
    for (let i = 0; i < v.length; i++) check(v[i], `${p}[${i}]`);
  };
}

function record(check: Check): Check {
  return (v, p) => {
    if (!isMap(v)) fail(p, 'a map');
    for (const [k, item] of Object.entries(v)) check(item, `${p}.${k}`);
  };
}

/** A map with these fields (others are ignored: a newer peer may add optional ones). */
function shape(fields: Record<string, Check>): Check {
  // Listed once, not per payload: every field of every mutation passes through here.
  const names = Object.keys(fields);
  const checks = names.map((name) => fields[name]!);
  return (v, p) => {
    if (!isMap(v)) fail(p, 'a map');
    for (let i = 0; i < names.length; i++) checks[i]!(v[names[i]!], `${p}.${names[i]!}`);
  };
}

function oneOf(...values: readonly unknown[]): Check {
  return (v, p) => void (values.includes(v) || fail(p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`));
}

const cell = shape({ value: nullable(bytes), timestampUs: micros, ttlS: integer, localDeletionTimeS: integer });
const deletionTime = shape({ timestampUs: micros, localDeletionTimeS: integer });
const bound = shape({ prefix: list(bytes), inclusive: bool });
const row = shape({
  clustering: list(bytes),
  isStatic: bool,
  marker: optional(cell),
  deletion: optional(deletionTime),
  collectionDeletions: list(shape({ column: text, deletion: deletionTime })),
  cells: list(shape({ column: text, path: optional(bytes), cell })),
});
const partition = shape({
  tableId: text,
  key: bytes,
  token,
  deletion: optional(deletionTime),
  rangeTombstones: list(shape({ start: bound, end: bound, deletion: deletionTime })),
  rows: list(row),
});
const partitions = list(partition);
const tokenRange = shape({ start: token, end: token });
const position = shape({ token, key: bytes });
const readCommand = shape({
  tableId: text,
  key: bytes,
  token,
  slices: list(shape({ start: bound, end: bound })),
  withStatic: bool,
  reversed: bool,
});
const trace = optional(list(shape({ activity: text, timestampUs: micros, source: text, sourceElapsedUs: micros })));
const ack = shape({});

const cqlType: Check = (v, p) => {
  if (!isMap(v)) fail(p, 'a CQL type');
  switch (v['kind']) {
    case 'native':
      if (typeof v['name'] !== 'string' || !isNativeTypeName(v['name'])) fail(`${p}.name`, 'a native CQL type name');
      return;
    case 'set':
    case 'list':
      cqlType(v['element'], `${p}.element`);
      return bool(v['frozen'], `${p}.frozen`);
    case 'map':
      cqlType(v['key'], `${p}.key`);
      cqlType(v['value'], `${p}.value`);
      return bool(v['frozen'], `${p}.frozen`);
    default:
      fail(`${p}.kind`, "one of 'native', 'set', 'list', 'map'");
  }
};
const keyspaceMetadata = shape({
  name: text,
  replication: shape({ class: oneOf('SimpleStrategy', 'NetworkTopologyStrategy'), factors: record(integer) }),
  durableWrites: bool,
});
const tableMetadata = shape({
  keyspace: text,
  name: text,
  id: text,
  columns: list(shape({ name: text, type: cqlType, kind: oneOf('partition_key', 'clustering', 'regular', 'static'), position: integer, order: optional(oneOf('ASC', 'DESC')) })),
  options: shape({ default_time_to_live: integer, gc_grace_seconds: integer, comment: text, read_repair: oneOf('BLOCKING', 'NONE') }),
  dropped: optional(list(shape({ name: text, type: cqlType, kind: oneOf('partition_key', 'clustering', 'regular', 'static'), droppedAtUs: micros }))),
});
const schemaEntry: Check = (v, p) => {
  if (!isMap(v)) fail(p, 'a schema entry');
  if (v['kind'] === 'keyspace') return shape({ name: text, timestampUs: micros, keyspace: optional(keyspaceMetadata) })(v, p);
  if (v['kind'] === 'table') return shape({ keyspace: text, name: text, timestampUs: micros, table: optional(tableMetadata) })(v, p);
  fail(`${p}.kind`, "'keyspace' or 'table'");
};
const schemaSnapshot = shape({ version: text, entries: list(schemaEntry) });
const digest = shape({ endpoint: text, generation: integer, maxVersion: integer });
const endpointStates = record(shape({ generation: integer, heartbeatVersion: integer, states: record(shape({ value: text, version: integer })) }));
const resume = optional(shape({ rangeIndex: integer, after: optional(position) }));

const CHECKS: Record<VerbName, Check> = {
  MUTATION: shape({ partitions, trace: optional(bool) }),
  MUTATION_RSP: shape({ trace }),
  READ: shape({ command: readCommand, asOfS: optional(integer), trace: optional(bool) }),
  READ_RSP: shape({ partition: nullable(partition), trace }),
  READ_DIGEST: shape({ command: readCommand, asOfS: optional(integer), trace: optional(bool) }),
  READ_DIGEST_RSP: shape({ digest: bytes, trace }),
  RANGE_READ: shape({ tableId: text, range: tokenRange, after: optional(position), limitPartitions: integer, withStatic: bool, trace: optional(bool) }),
  RANGE_READ_RSP: shape({ partitions, trace }),
  READ_REPAIR: shape({ partitions, trace: optional(bool) }),
  READ_REPAIR_RSP: shape({ trace }),
  TRUNCATE: shape({ tableId: text }),
  TRUNCATE_RSP: ack,
  BATCHLOG_STORE: shape({
    batchId: text,
    writtenAtUs: micros,
    partitions,
    keyspace: optional(keyspaceMetadata),
    more: optional(list(shape({ keyspace: keyspaceMetadata, partitions }))),
  }),
  BATCHLOG_STORE_RSP: ack,
  BATCHLOG_REMOVE: shape({ batchId: text }),
  HINT: shape({ targetHostId: text, partitions }),
  HINT_RSP: ack,
  GOSSIP_DIGEST_SYN: shape({ clusterName: text, digests: list(digest) }),
  GOSSIP_DIGEST_ACK: shape({ requests: list(digest), states: endpointStates }),
  GOSSIP_DIGEST_ACK2: shape({ states: endpointStates }),
  ECHO: ack,
  ECHO_RSP: ack,
  SCHEMA_PUSH: schemaSnapshot,
  SCHEMA_PULL: ack,
  SCHEMA_PULL_RSP: schemaSnapshot,
  REPAIR_MERKLE_TREE: shape({ tableId: text, range: tokenRange, depth: integer, asOfS: integer }),
  REPAIR_MERKLE_TREE_RSP: shape({ range: tokenRange, depth: integer, indexes: list(integer), hashes: bytes, partitions: list(integer) }),
  REPAIR_DIGESTS: shape({ tableId: text, ranges: list(tokenRange), asOfS: integer, limitPartitions: integer, resume }),
  REPAIR_DIGESTS_RSP: shape({ entries: list(shape({ token, key: bytes, digest: bytes, rows: integer })), resume }),
  REPAIR_FETCH: shape({ tableId: text, keys: list(position) }),
  REPAIR_FETCH_RSP: shape({ partitions }),
  REPAIR_STREAM: shape({ partitions }),
  REPAIR_STREAM_RSP: ack,
};

/** Throws a ProtocolError naming the verb and the first field that does not fit its declared shape. */
export function checkPayload(verb: VerbName, payload: unknown): void {
  CHECKS[verb](payload, verb);
}
