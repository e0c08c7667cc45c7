/**
 * The verb table: every internode message, declared once, as Cassandra's
 * net/Verb.java does. A verb has a wire id (never reused: a node one version
 * behind must not mistake one verb for another), a kind, the setting its
 * timeout comes from, and for a request the verb that answers it. The
 * handlers are not here: the layers above register them with
 * MessagingService.handle, so this table imports nothing but payload types.
 *
 * A response verb shares its request's timeout setting; it is used to discard
 * a response that waited in a send queue longer than anyone waits for it.
 */
import type { Settings } from '../util/settings.js';
import type {
  Ack,
  BatchlogRemoveRequest,
  BatchlogStoreRequest,
  EchoRequest,
  GossipDigestAck,
  GossipDigestAck2,
  GossipDigestSyn,
  HintRequest,
  MerkleTreeRequest,
  MerkleTreeResponse,
  MutationRequest,
  MutationResponse,
  RangeReadRequest,
  RangeReadResponse,
  ReadDigestResponse,
  ReadRequest,
  ReadResponse,
  RepairDigestsRequest,
  RepairDigestsResponse,
  RepairFetchRequest,
  RepairFetchResponse,
  RepairStreamRequest,
  SchemaSnapshot,
  TruncateRequest,
} from './payloads.js';

export type TimeoutSetting =
  | 'write_request_timeout'
  | 'read_request_timeout'
  | 'range_request_timeout'
  | 'truncate_request_timeout'
  | 'request_timeout'
  | 'repair_request_timeout';

export type VerbKind = 'request' | 'response' | 'oneway';

export interface VerbSpec {
  id: number;
  kind: VerbKind;
  timeoutSetting: TimeoutSetting;
  /** For a request: the verb of its answer. */
  response?: string;
}

export const VERBS = {
  MUTATION: { id: 1, kind: 'request', timeoutSetting: 'write_request_timeout', response: 'MUTATION_RSP' },
  MUTATION_RSP: { id: 2, kind: 'response', timeoutSetting: 'write_request_timeout' },
  READ: { id: 3, kind: 'request', timeoutSetting: 'read_request_timeout', response: 'READ_RSP' },
  READ_RSP: { id: 4, kind: 'response', timeoutSetting: 'read_request_timeout' },
  READ_DIGEST: { id: 5, kind: 'request', timeoutSetting: 'read_request_timeout', response: 'READ_DIGEST_RSP' },
  READ_DIGEST_RSP: { id: 6, kind: 'response', timeoutSetting: 'read_request_timeout' },
  RANGE_READ: { id: 7, kind: 'request', timeoutSetting: 'range_request_timeout', response: 'RANGE_READ_RSP' },
  RANGE_READ_RSP: { id: 8, kind: 'response', timeoutSetting: 'range_request_timeout' },
  /** Blocking read repair writes the reconciled winner back and waits for the acks. */
  READ_REPAIR: { id: 9, kind: 'request', timeoutSetting: 'write_request_timeout', response: 'READ_REPAIR_RSP' },
  READ_REPAIR_RSP: { id: 10, kind: 'response', timeoutSetting: 'write_request_timeout' },
  TRUNCATE: { id: 11, kind: 'request', timeoutSetting: 'truncate_request_timeout', response: 'TRUNCATE_RSP' },
  TRUNCATE_RSP: { id: 12, kind: 'response', timeoutSetting: 'truncate_request_timeout' },
  /** A logged batch is stored on other nodes, and acknowledged, before any of it is applied. */
  BATCHLOG_STORE: { id: 13, kind: 'request', timeoutSetting: 'write_request_timeout', response: 'BATCHLOG_STORE_RSP' },
  BATCHLOG_STORE_RSP: { id: 14, kind: 'response', timeoutSetting: 'write_request_timeout' },
  BATCHLOG_REMOVE: { id: 15, kind: 'oneway', timeoutSetting: 'write_request_timeout' },
  HINT: { id: 16, kind: 'request', timeoutSetting: 'write_request_timeout', response: 'HINT_RSP' },
  HINT_RSP: { id: 17, kind: 'response', timeoutSetting: 'write_request_timeout' },
  GOSSIP_DIGEST_SYN: { id: 20, kind: 'oneway', timeoutSetting: 'request_timeout' },
  GOSSIP_DIGEST_ACK: { id: 21, kind: 'oneway', timeoutSetting: 'request_timeout' },
  GOSSIP_DIGEST_ACK2: { id: 22, kind: 'oneway', timeoutSetting: 'request_timeout' },
  ECHO: { id: 23, kind: 'request', timeoutSetting: 'request_timeout', response: 'ECHO_RSP' },
  ECHO_RSP: { id: 24, kind: 'response', timeoutSetting: 'request_timeout' },
  SCHEMA_PUSH: { id: 30, kind: 'oneway', timeoutSetting: 'request_timeout' },
  SCHEMA_PULL: { id: 31, kind: 'request', timeoutSetting: 'request_timeout', response: 'SCHEMA_PULL_RSP' },
  SCHEMA_PULL_RSP: { id: 32, kind: 'response', timeoutSetting: 'request_timeout' },
  /** Repair (src/repair): every replica builds a Merkle tree, then lists, fetches and receives only what differs. */
  REPAIR_MERKLE_TREE: { id: 40, kind: 'request', timeoutSetting: 'repair_request_timeout', response: 'REPAIR_MERKLE_TREE_RSP' },
  REPAIR_MERKLE_TREE_RSP: { id: 41, kind: 'response', timeoutSetting: 'repair_request_timeout' },
  REPAIR_DIGESTS: { id: 42, kind: 'request', timeoutSetting: 'repair_request_timeout', response: 'REPAIR_DIGESTS_RSP' },
  REPAIR_DIGESTS_RSP: { id: 43, kind: 'response', timeoutSetting: 'repair_request_timeout' },
  REPAIR_FETCH: { id: 44, kind: 'request', timeoutSetting: 'repair_request_timeout', response: 'REPAIR_FETCH_RSP' },
  REPAIR_FETCH_RSP: { id: 45, kind: 'response', timeoutSetting: 'repair_request_timeout' },
  REPAIR_STREAM: { id: 46, kind: 'request', timeoutSetting: 'repair_request_timeout', response: 'REPAIR_STREAM_RSP' },
  REPAIR_STREAM_RSP: { id: 47, kind: 'response', timeoutSetting: 'repair_request_timeout' },
} as const satisfies Record<string, VerbSpec>;

export type VerbName = keyof typeof VERBS;

/** What each verb carries. */
export interface VerbPayloads {
  MUTATION: MutationRequest;
  MUTATION_RSP: MutationResponse;
  READ: ReadRequest;
  READ_RSP: ReadResponse;
  READ_DIGEST: ReadRequest;
  READ_DIGEST_RSP: ReadDigestResponse;
  RANGE_READ: RangeReadRequest;
  RANGE_READ_RSP: RangeReadResponse;
  READ_REPAIR: MutationRequest;
  READ_REPAIR_RSP: MutationResponse;
  TRUNCATE: TruncateRequest;
  TRUNCATE_RSP: Ack;
  BATCHLOG_STORE: BatchlogStoreRequest;
  BATCHLOG_STORE_RSP: Ack;
  BATCHLOG_REMOVE: BatchlogRemoveRequest;
  HINT: HintRequest;
  HINT_RSP: Ack;
  GOSSIP_DIGEST_SYN: GossipDigestSyn;
  GOSSIP_DIGEST_ACK: GossipDigestAck;
  GOSSIP_DIGEST_ACK2: GossipDigestAck2;
  ECHO: EchoRequest;
  ECHO_RSP: Ack;
  SCHEMA_PUSH: SchemaSnapshot;
  SCHEMA_PULL: EchoRequest;
  SCHEMA_PULL_RSP: SchemaSnapshot;
  REPAIR_MERKLE_TREE: MerkleTreeRequest;
  REPAIR_MERKLE_TREE_RSP: MerkleTreeResponse;
  REPAIR_DIGESTS: RepairDigestsRequest;
  REPAIR_DIGESTS_RSP: RepairDigestsResponse;
  REPAIR_FETCH: RepairFetchRequest;
  REPAIR_FETCH_RSP: RepairFetchResponse;
  REPAIR_STREAM: RepairStreamRequest;
  REPAIR_STREAM_RSP: Ack;
}

type KindOf<V extends VerbName> = (typeof VERBS)[V]['kind'];
export type RequestVerb = { [V in VerbName]: KindOf<V> extends 'request' ? V : never }[VerbName];
export type OneWayVerb = { [V in VerbName]: KindOf<V> extends 'oneway' ? V : never }[VerbName];
/** Verbs a handler may be registered for. */
export type HandledVerb = RequestVerb | OneWayVerb;
export type ResponseVerbOf<V extends RequestVerb> = (typeof VERBS)[V] extends { response: infer R extends VerbName } ? R : never;
export type ResponseOf<V extends HandledVerb> = V extends RequestVerb ? VerbPayloads[ResponseVerbOf<V>] : void;

/** Fails to compile when a verb lacks a payload type or a payload names no verb. */
export type VerbPayloadsCoverTheTable = [VerbName] extends [keyof VerbPayloads] ? ([keyof VerbPayloads] extends [VerbName] ? true : never) : never;

const NAMES_BY_ID = new Map<number, VerbName>((Object.keys(VERBS) as VerbName[]).map((name) => [VERBS[name].id, name]));

export function verbById(id: number): VerbName | undefined {
  return NAMES_BY_ID.get(id);
}

export function isVerbName(name: string): name is VerbName {
  return Object.prototype.hasOwnProperty.call(VERBS, name);
}

export function verbSpec(verb: VerbName): VerbSpec {
  return VERBS[verb];
}

/** The verb's timeout, read from the settings at the moment of use so a changed setting applies at once. */
export function verbTimeoutMs(verb: VerbName, settings: Settings): number {
  return settings[VERBS[verb].timeoutSetting];
}
