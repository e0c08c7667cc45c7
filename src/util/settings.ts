/**
 * Every setting and bound of a node, in one place, with its default. Names
 * follow cassandra.yaml where a setting exists there; an error that hits a
 * bound names the setting (e.g. "frame of 300000000 bytes exceeds
 * native_transport_max_frame_size (16777216)").
 *
 * A node's settings come from these defaults, then the YAML config file,
 * then command-line flags (src/node/config.ts).
 */
export interface Settings {
  cluster_name: string;
  /** Directory holding this node's LevelDB store. */
  data_directory: string;
  /** Address clients and peers reach this node on. */
  listen_address: string;
  /** Client (native protocol) port. */
  native_transport_port: number;
  /** Internode port. */
  storage_port: number;
  /** `periodic` (sync every commitlog_sync_period) or `batch` (group commit: a write is acknowledged after its batch is synced). */
  commitlog_sync: 'periodic' | 'batch';
  /** Milliseconds between syncs in periodic mode. */
  commitlog_sync_period: number;
  /** Largest client or internode frame body, in bytes; a bigger frame closes its connection. */
  native_transport_max_frame_size: number;
  /** Requests one client connection may have in flight before it gets Overloaded. */
  native_transport_max_requests_per_connection: number;
  /** Requests all client connections together may have in flight before further ones get Overloaded. */
  native_transport_max_concurrent_requests: number;
  /**
   * Bytes of responses one client connection may have waiting to be sent
   * (queued, or in the socket's buffer because the client is not reading)
   * before the node stops reading that connection's requests until the client catches up.
   */
  native_transport_max_pending_response_bytes: number;
  /** Largest single cell value, in bytes. */
  max_value_size: number;
  /** Default and upper bound of rows per page for SELECT. */
  default_fetch_size: number;
  /** Largest number of statements in one BATCH. */
  batch_size_max_statements: number;
  /** KiB of mutation data in one BATCH past which the client is warned (cassandra.yaml's batch_size_warn_threshold). */
  batch_size_warn_threshold: number;
  /** KiB of mutation data in one BATCH past which it is refused with InvalidRequest (cassandra.yaml's batch_size_fail_threshold). */
  batch_size_fail_threshold: number;
  /** Largest number of values in an IN (...) relation. */
  max_in_values: number;
  /** Prepared statements kept per node (least recently used are evicted). */
  prepared_statements_cache_size: number;
  /** Milliseconds a read may wait for replicas. */
  read_request_timeout: number;
  /** Milliseconds a write may wait for replicas. */
  write_request_timeout: number;
  /** Milliseconds SIGTERM waits for in-flight requests before closing storage. */
  shutdown_drain_timeout: number;
  /** Vnode tokens a node picks when it first joins the ring. */
  num_tokens: number;
  /** The replication factor whose replicated ownership a joining node's tokens balance. */
  allocate_tokens_for_local_replication_factor: number;
  /** Milliseconds a client timestamp may lie in this node's future before the client is warned. */
  timestamp_skew_warn: number;
  /** Milliseconds a timestamp seen from elsewhere may lead this node's wall clock before the hybrid logical clock refuses to follow it. */
  max_clock_drift: number;
  /**
   * Milliseconds added to this node's wall clock (negative: behind), for
   * rehearsing clock skew: every timestamp, TTL and clock reading of the node
   * moves with it, and the node warns at start-up when it is not 0.
   */
  clock_offset: number;
  /** Milliseconds any other internode request (schema pull, batchlog, hints, echo, gossip) may wait. */
  request_timeout: number;
  /** Milliseconds a range scan may wait for replicas. */
  range_request_timeout: number;
  /** Milliseconds a TRUNCATE may wait for every replica. */
  truncate_request_timeout: number;
  /** Milliseconds between batchlog replay rounds; a round replays logged batches older than twice write_request_timeout. */
  batchlog_replay_interval: number;
  /** Largest internode message body, in bytes; a bigger frame closes its connection and a bigger outgoing message is refused. */
  internode_max_message_size: number;
  /** Bytes queued towards one peer (waiting for its connection, or unsent on it) before further messages are refused with Overloaded. */
  internode_send_queue_max_bytes: number;
  /**
   * Requests from one peer this node may be running at once (all its
   * connections together); further ones are answered Overloaded at once, which
   * the peer's coordinator counts as a failed replica, not a timeout.
   */
  internode_max_requests_in_flight_per_peer: number;
  /**
   * Bytes of responses one inbound internode connection may have waiting to be
   * sent (the peer is not reading them) before this node stops reading that
   * connection's requests until the peer catches up.
   */
  internode_max_pending_response_bytes: number;
  /** Milliseconds to open an internode connection and complete its handshake. */
  internode_tcp_connect_timeout: number;
  /** Milliseconds before the first reconnection attempt after an internode connection failed; doubles with each further failure. */
  internode_reconnect_base_delay: number;
  /** Upper bound, in milliseconds, of the delay between internode reconnection attempts. */
  internode_reconnect_max_delay: number;
  /** Internode addresses (`host` or `host:port`) a node gossips with to join the cluster, like cassandra.yaml's seed_provider seeds. */
  seeds: readonly string[];
  /** Milliseconds between gossip rounds (one heartbeat and one exchange with a random peer each). */
  gossip_interval: number;
  /** Suspicion level (phi) past which the failure detector convicts a silent peer; higher tolerates longer pauses. */
  phi_convict_threshold: number;
  /** This node's datacenter (as cassandra-rackdc.properties' dc): NetworkTopologyStrategy places replicas per datacenter. */
  dc: string;
  /** This node's rack within its datacenter: replicas of a range go to distinct racks where possible. */
  rack: string;
  /** Whether this node stores hints for replicas that miss a write, and replays them (`sibyltool enablehandoff`/`disablehandoff` switch it at run time). */
  hinted_handoff_enabled: boolean;
  /** Milliseconds a target may be down and still be hinted; past it, writes it misses are left to repair (Cassandra's 3 hours). */
  max_hint_window: number;
  /** Bytes of hints this node keeps for one target; a hint past it is dropped and the target's ranges need repair. */
  max_hints_size_per_host: number;
  /** KiB per second of hints replayed to one target (cassandra.yaml's hinted_handoff_throttle_in_kb). */
  hinted_handoff_throttle: number;
  /** Milliseconds between checks for live targets that still have hints (Cassandra's hints dispatch period). */
  hints_replay_interval: number;
  /** Depth of the Merkle tree repair builds per token range (2^depth leaves); at most 20. */
  repair_merkle_depth: number;
  /** Storage iterators one Merkle tree build reads with at once, each over its own span of adjacent leaves (1 reads the range in one pass). */
  repair_merkle_build_parallelism: number;
  /** Milliseconds a repair request (building a Merkle tree, listing, fetching or applying a sub-range) may wait for a replica. */
  repair_request_timeout: number;
  /** Partitions one repair message lists, fetches or streams at most. */
  repair_stream_batch_partitions: number;
  /** Milliseconds between purges of tombstones past each table's gc_grace_seconds (0 disables them). */
  compaction_interval: number;
  /**
   * Who may connect: 'AllowAllAuthenticator' (anyone, the default) or
   * 'PasswordAuthenticator' (a role that can log in, with its password,
   * checked against system_auth.roles). See docs/security.md.
   */
  authenticator: 'AllowAllAuthenticator' | 'PasswordAuthenticator';
  /** What a logged-in role may do: 'AllowAllAuthorizer' (everything, the default) or 'CassandraAuthorizer' (what GRANT gave it). */
  authorizer: 'AllowAllAuthorizer' | 'CassandraAuthorizer';
  /** The superuser role a node creates at first start when system_auth holds no role yet. */
  auth_superuser_name: string;
  /**
   * That role's password. Empty (the default): the node generates a random
   * one and prints it once, in its log, when it creates the role.
   */
  auth_superuser_password: string;
  /** Milliseconds a node waits after it starts before it creates the first superuser, so a cluster's nodes see one another's roles first (Cassandra's superuser_setup_delay_ms). */
  auth_superuser_setup_delay: number;
  /** Milliseconds a role's login and superuser flags and password hash are cached on a node (Cassandra's roles_validity). */
  roles_validity: number;
  /** Milliseconds a role's permissions are cached on a node (Cassandra's permissions_validity). */
  permissions_validity: number;
  /** The consistency level roles and permissions are read at (Cassandra 4.1's auth_read_consistency_level). */
  auth_read_consistency_level: string;
  /** The consistency level role and permission changes are written at (Cassandra 4.1's auth_write_consistency_level). */
  auth_write_consistency_level: string;
  /**
   * Whether a new node that is not a seed streams the data of the ranges it
   * will own before it serves them (cassandra.yaml's auto_bootstrap). Off, it
   * joins at once and empty; repair must fill it.
   */
  auto_bootstrap: boolean;
  /**
   * Milliseconds a node waits after announcing that it joins or leaves before
   * streaming (Cassandra's ring_delay), so every coordinator has heard and
   * sends it, or the nodes gaining its ranges, the writes made meanwhile; and
   * after announcing LEFT before it stops. A few gossip intervals.
   */
  ring_delay: number;
  /** Milliseconds a joining node waits to hold the cluster's schema before it gives up bootstrapping. */
  schema_agreement_timeout: number;
  /**
   * The secret every node of the cluster proves it knows (a mutual HMAC-SHA256
   * challenge) before any internode message is accepted. Empty: internode
   * connections are unauthenticated, and the node warns at start-up.
   */
  cluster_secret: string;
  /** A file whose content (trimmed) is cluster_secret, so the secret need not sit in the config file; used when cluster_secret is empty. */
  cluster_secret_file: string;
  /** TLS on the client port (cassandra.yaml's client_encryption_options, with PEM file paths). */
  client_encryption_options: ClientEncryptionOptions;
  /** Milliseconds a client has to complete its TLS handshake on the client port before it is disconnected. */
  native_transport_tls_handshake_timeout: number;
  /** TLS between nodes (cassandra.yaml's server_encryption_options, with PEM file paths). */
  server_encryption_options: ServerEncryptionOptions;
}

/** PEM files of a TLS endpoint; an empty path is "not given". */
export interface TlsFiles {
  /** This node's certificate chain (PEM). */
  certificate: string;
  /** The certificate's private key (PEM, unencrypted). */
  private_key: string;
  /** Certificates (PEM) trusted to sign the other side's certificate; empty trusts none in particular. */
  ca: string;
}

export interface ClientEncryptionOptions extends TlsFiles {
  /** Whether the client port speaks TLS. */
  enabled: boolean;
  /** With enabled: also accept plain-text clients on the same port (told apart by their first byte). */
  optional: boolean;
  /** Ask every TLS client for a certificate signed by `ca`, and refuse one without. */
  require_client_auth: boolean;
}

export interface ServerEncryptionOptions extends TlsFiles {
  /** `none`, or `all`: every internode connection is TLS (the cluster secret's proof still runs inside it). */
  internode_encryption: 'none' | 'all';
  /** Ask every connecting peer for a certificate signed by `ca`, and refuse one without. */
  require_client_auth: boolean;
  /** Check that a peer's certificate names the address it was dialled on (needs `ca`). */
  require_endpoint_verification: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  cluster_name: 'Sibyl Cluster',
  data_directory: './data',
  listen_address: '127.0.0.1',
  native_transport_port: 9042,
  storage_port: 7000,
  commitlog_sync: 'periodic',
  commitlog_sync_period: 10_000,
  native_transport_max_frame_size: 16 * 1024 * 1024,
  native_transport_max_requests_per_connection: 1024,
  native_transport_max_concurrent_requests: 4096,
  native_transport_max_pending_response_bytes: 4 * 1024 * 1024,
  max_value_size: 8 * 1024 * 1024,
  default_fetch_size: 5000,
  batch_size_max_statements: 65_535,
  batch_size_warn_threshold: 5,
  batch_size_fail_threshold: 50,
  max_in_values: 1000,
  prepared_statements_cache_size: 10_000,
  read_request_timeout: 5000,
  write_request_timeout: 2000,
  shutdown_drain_timeout: 10_000,
  num_tokens: 16,
  allocate_tokens_for_local_replication_factor: 3,
  timestamp_skew_warn: 1000,
  max_clock_drift: 5000,
  clock_offset: 0,
  request_timeout: 10_000,
  range_request_timeout: 10_000,
  truncate_request_timeout: 60_000,
  batchlog_replay_interval: 10_000,
  internode_max_message_size: 32 * 1024 * 1024,
  internode_send_queue_max_bytes: 128 * 1024 * 1024,
  internode_max_requests_in_flight_per_peer: 8192,
  internode_max_pending_response_bytes: 64 * 1024 * 1024,
  internode_tcp_connect_timeout: 2000,
  internode_reconnect_base_delay: 100,
  internode_reconnect_max_delay: 4000,
  seeds: Object.freeze([]) as readonly string[],
  gossip_interval: 1000,
  dc: 'datacenter1',
  rack: 'rack1',
  phi_convict_threshold: 8,
  hinted_handoff_enabled: true,
  max_hint_window: 3 * 60 * 60 * 1000,
  max_hints_size_per_host: 128 * 1024 * 1024,
  hinted_handoff_throttle: 1024,
  hints_replay_interval: 10_000,
  repair_merkle_depth: 15,
  repair_merkle_build_parallelism: 4,
  repair_request_timeout: 60_000,
  repair_stream_batch_partitions: 500,
  compaction_interval: 3_600_000,
  authenticator: 'AllowAllAuthenticator',
  authorizer: 'AllowAllAuthorizer',
  auth_superuser_name: 'cassandra',
  auth_superuser_password: '',
  auth_superuser_setup_delay: 2000,
  roles_validity: 2000,
  permissions_validity: 2000,
  auth_read_consistency_level: 'LOCAL_ONE',
  auth_write_consistency_level: 'ONE',
  auto_bootstrap: true,
  ring_delay: 5000,
  schema_agreement_timeout: 30_000,
  cluster_secret: '',
  cluster_secret_file: '',
  native_transport_tls_handshake_timeout: 10_000,
  client_encryption_options: Object.freeze({ enabled: false, optional: false, certificate: '', private_key: '', ca: '', require_client_auth: false }),
  server_encryption_options: Object.freeze({
    internode_encryption: 'none',
    certificate: '',
    private_key: '',
    ca: '',
    require_client_auth: false,
    require_endpoint_verification: false,
  }),
});
