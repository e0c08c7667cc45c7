/**
 * One valid payload of every internode verb, shaped as payloads.ts declares
 * it. The internode fuzzer mutates them (a field replaced by a value of
 * another type, bytes flipped in their encoding); the payload checks' unit
 * test proves each passes as it is.
 */
import type { VerbName, VerbPayloads } from '../../src/net/verbs.js';
import type { Partition, ReadCommand } from '../../src/storage/model.js';

const TABLE_ID = '00000000-0000-4000-8000-000000000001';
const cell = { value: Buffer.from('v'), timestampUs: 1_700_000_000_000_000, ttlS: 0, localDeletionTimeS: 0x7fffffff };
const deletion = { timestampUs: 1_700_000_000_000_000, localDeletionTimeS: 1_700_000_000 };

export const SAMPLE_PARTITION: Partition = {
  tableId: TABLE_ID,
  key: Buffer.from([0, 0, 0, 1]),
  token: -4069959284402364209n,
  deletion,
  rangeTombstones: [{ start: { prefix: [Buffer.from([0, 0, 0, 1])], inclusive: true }, end: { prefix: [], inclusive: true }, deletion }],
  rows: [
    {
      clustering: [Buffer.from([0, 0, 0, 2])],
      isStatic: false,
      marker: { ...cell, value: Buffer.alloc(0) },
      collectionDeletions: [{ column: 'tags', deletion }],
      cells: [
        { column: 'tags', path: Buffer.from('a'), cell },
        { column: 'v', cell: { ...cell, value: null } },
      ],
    },
  ],
};

const command: ReadCommand = {
  tableId: TABLE_ID,
  key: Buffer.from([0, 0, 0, 1]),
  token: -4069959284402364209n,
  slices: [{ start: { prefix: [], inclusive: true }, end: { prefix: [], inclusive: true } }],
  withStatic: true,
  reversed: false,
};

const keyspace = { name: 'ks', replication: { class: 'SimpleStrategy' as const, factors: { replication_factor: 1 } }, durableWrites: true };
const snapshot = {
  version: '59adb24e-f3cd-3e02-97f0-5b395827453f',
  entries: [
    { kind: 'keyspace' as const, name: 'ks', timestampUs: 1, keyspace },
    {
      kind: 'table' as const,
      keyspace: 'ks',
      name: 't',
      timestampUs: 2,
      table: {
        keyspace: 'ks',
        name: 't',
        id: TABLE_ID,
        columns: [
          { name: 'k', type: { kind: 'native' as const, name: 'int' as const }, kind: 'partition_key' as const, position: 0 },
          { name: 'c', type: { kind: 'native' as const, name: 'int' as const }, kind: 'clustering' as const, position: 0, order: 'ASC' as const },
          { name: 'tags', type: { kind: 'set' as const, element: { kind: 'native' as const, name: 'text' as const }, frozen: false }, kind: 'regular' as const, position: 0 },
        ],
        options: { default_time_to_live: 0, gc_grace_seconds: 864000, comment: '', read_repair: 'BLOCKING' as const },
      },
    },
  ],
};
const digest = { endpoint: '127.0.0.1:7000', generation: 1_700_000_000, maxVersion: 12 };
const states = { '127.0.0.1:7000': { generation: 1_700_000_000, heartbeatVersion: 12, states: { STATUS: { value: 'NORMAL', version: 3 } } } };
const trace = [{ activity: 'Appending to commitlog', timestampUs: 1, source: '127.0.0.1:7000', sourceElapsedUs: 5 }];
const range = { start: -100n, end: 100n };

export const INTERNODE_SAMPLES: { [V in VerbName]: VerbPayloads[V] } = {
  MUTATION: { partitions: [SAMPLE_PARTITION], trace: true },
  MUTATION_RSP: { trace },
  READ: { command, trace: false },
  READ_RSP: { partition: SAMPLE_PARTITION },
  READ_DIGEST: { command, asOfS: 1_700_000_000 },
  READ_DIGEST_RSP: { digest: Buffer.alloc(16, 1) },
  RANGE_READ: { tableId: TABLE_ID, range, after: { token: 5n, key: Buffer.from([1]) }, limitPartitions: 100, withStatic: true },
  RANGE_READ_RSP: { partitions: [SAMPLE_PARTITION] },
  READ_REPAIR: { partitions: [SAMPLE_PARTITION] },
  READ_REPAIR_RSP: {},
  TRUNCATE: { tableId: TABLE_ID },
  TRUNCATE_RSP: {},
  BATCHLOG_STORE: { batchId: 'b7a4e2c0-8a1f-11ee-8000-000000000001', writtenAtUs: 1_700_000_000_000_000, partitions: [SAMPLE_PARTITION], keyspace },
  BATCHLOG_STORE_RSP: {},
  BATCHLOG_REMOVE: { batchId: 'b7a4e2c0-8a1f-11ee-8000-000000000001' },
  HINT: { targetHostId: 'a1b2c3d4-0000-4000-8000-000000000009', partitions: [SAMPLE_PARTITION] },
  HINT_RSP: {},
  GOSSIP_DIGEST_SYN: { clusterName: 'Sibyl Cluster', digests: [digest] },
  GOSSIP_DIGEST_ACK: { requests: [digest], states },
  GOSSIP_DIGEST_ACK2: { states },
  ECHO: {},
  ECHO_RSP: {},
  SCHEMA_PUSH: snapshot,
  SCHEMA_PULL: {},
  SCHEMA_PULL_RSP: snapshot,
  REPAIR_MERKLE_TREE: { tableId: TABLE_ID, range, depth: 10, asOfS: 1_700_000_000 },
  REPAIR_MERKLE_TREE_RSP: { range, depth: 10, indexes: [1, 7], hashes: Buffer.alloc(64, 2), partitions: [1, 3] },
  REPAIR_DIGESTS: { tableId: TABLE_ID, ranges: [range], asOfS: 1_700_000_000, limitPartitions: 1000, resume: { rangeIndex: 0, after: { token: 1n, key: Buffer.from([1]) } } },
  REPAIR_DIGESTS_RSP: { entries: [{ token: 1n, key: Buffer.from([1]), digest: Buffer.alloc(16), rows: 2 }] },
  REPAIR_FETCH: { tableId: TABLE_ID, keys: [{ token: 1n, key: Buffer.from([1]) }] },
  REPAIR_FETCH_RSP: { partitions: [SAMPLE_PARTITION] },
  REPAIR_STREAM: { partitions: [SAMPLE_PARTITION] },
  REPAIR_STREAM_RSP: {},
};
