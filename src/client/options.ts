/** The Client's options, their defaults, and the checks that name a wrong option. */
import type { ConsistencyName } from '../../grammar/ast.js';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Clock } from '../clock/clock.js';
import type { TimestampGenerator } from './timestamp.js';
import { CONSISTENCY_NAMES } from '../transport/protocol.js';
import type { Credentials } from './connection.js';
import { ArgumentError } from './errors.js';

export const DEFAULT_PORT = 9042;

export interface ClientOptions {
  /**
   * 'host' or 'host:port' (default port 9042): where the driver first
   * connects. It then discovers every node of the cluster from them and
   * keeps one connection per node.
   */
  contactPoints: string[];
  /**
   * The datacenter whose nodes coordinate requests; other datacenters serve
   * only levels that are not LOCAL_* and only when every local node failed.
   * Default: the datacenter of the first contact point that answered.
   */
  localDataCenter?: string;
  /**
   * Default true: connect to every node the contact points describe. False
   * pins the client to its contact points (as cqlsh and nodetool whitelist
   * their host): requests are coordinated only by them, still routed to a
   * replica among them when one is.
   */
  discoverNodes?: boolean;
  /** How long, at most, a DDL statement waits for every live node to report the same schema version (default 10; 0 skips the wait). */
  maxSchemaAgreementWaitSeconds?: number;
  /** Keyspace every connection starts in; USE changes it. */
  keyspace?: string;
  /** Default consistency level (default 'ONE'). */
  consistency?: ConsistencyName;
  /** Default rows per page (default 5000). */
  fetchSize?: number;
  /** Milliseconds to wait for an answer before OperationTimedOutError (default 12000; 0 waits forever). */
  requestTimeoutMs?: number;
  /** Milliseconds to wait for a connection and its STARTUP (default 5000). */
  connectTimeoutMs?: number;
  /** First delay before reconnecting to a lost host; it doubles per failure (default 1000). */
  reconnectDelayMs?: number;
  /** Upper bound of the reconnection delay (default 60000). */
  reconnectDelayMaxMs?: number;
  /** Largest answer frame accepted, in bytes (default 256 MiB). */
  frameBytesMax?: number;
  /** Time source for timestamps and timers (default: the system clock). */
  clock?: Clock;
  /**
   * Where write timestamps come from (default: a monotonic generator reading
   * `clock`). One generator shared by several clients orders all their
   * writes; null sends no timestamp, so each coordinator stamps the write
   * with its own clock, as Cassandra's drivers do with timestamp generation
   * turned off.
   */
  timestampGenerator?: TimestampGenerator | null;
  /**
   * Connect with TLS: true for the defaults (the system's trusted CAs), or
   * options for Node's tls.connect such as `{ ca }` for a node's self-signed
   * certificate, `{ cert, key }` for client_encryption_options'
   * require_client_auth, or `{ rejectUnauthorized: false }` to skip checking
   * the node's certificate. DataStax's driver calls it sslOptions.
   */
  ssl?: boolean | TlsConnectionOptions;
  /**
   * The role and password to log in with when nodes run PasswordAuthenticator
   * (DataStax's driver takes the same `credentials` option). Without them a
   * node that requires a login refuses the connection with an AuthenticationError.
   */
  credentials?: Credentials;
}

export interface ResolvedOptions {
  contactPoints: { host: string; port: number }[];
  localDataCenter: string | undefined;
  discoverNodes: boolean;
  maxSchemaAgreementWaitMs: number;
  keyspace: string | undefined;
  consistency: ConsistencyName;
  fetchSize: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  reconnectDelayMs: number;
  reconnectDelayMaxMs: number;
  frameBytesMax: number;
  /** tls.connect options, or undefined for plain text. */
  tls: TlsConnectionOptions | undefined;
  credentials: Credentials | undefined;
}

/**
 * Every option the Client takes; anything else is refused, so a misspelt
 * option does not silently keep its default. A record over every key of
 * ClientOptions, so an option added there cannot be forgotten here.
 */
const OPTION_KEYS: Record<keyof ClientOptions, true> = {
  contactPoints: true,
  localDataCenter: true,
  discoverNodes: true,
  maxSchemaAgreementWaitSeconds: true,
  keyspace: true,
  consistency: true,
  fetchSize: true,
  requestTimeoutMs: true,
  connectTimeoutMs: true,
  reconnectDelayMs: true,
  reconnectDelayMaxMs: true,
  frameBytesMax: true,
  clock: true,
  timestampGenerator: true,
  ssl: true,
  credentials: true,
};
const OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(OPTION_KEYS));

/** DataStax driver options that Sibyl spells differently, and what to write instead. */
const DATASTAX_OPTIONS: Readonly<Record<string, string>> = {
  socketOptions: 'requestTimeoutMs (socketOptions.readTimeout) and connectTimeoutMs (socketOptions.connectTimeout)',
  protocolOptions: "the port in each contact point, 'host:port' (protocolOptions.port), and maxSchemaAgreementWaitSeconds",
  queryOptions: 'consistency and fetchSize',
  authProvider: 'credentials: { username, password }',
  sslOptions: 'ssl',
  pooling: 'nothing: one connection per node carries up to 32767 requests at once',
  policies: 'localDataCenter, reconnectDelayMs and reconnectDelayMaxMs; the load balancing and retry policies are fixed (docs/driver.md)',
};

function checkOptionNames(options: object): void {
  for (const name of Object.keys(options)) {
    if (OPTION_NAMES.has(name)) continue;
    const instead = DATASTAX_OPTIONS[name];
    if (instead !== undefined) throw new ArgumentError(`Client option ${name} is the DataStax driver's; Sibyl's driver takes ${instead}`);
    throw new ArgumentError(`Client option ${name} is unknown; the options are ${[...OPTION_NAMES].join(', ')}`);
  }
}

export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('Client options must be an object');
  checkOptionNames(options);
  const { contactPoints } = options;
  if (!Array.isArray(contactPoints) || contactPoints.length === 0) {
    throw new ArgumentError('contactPoints must be a non-empty array of "host" or "host:port"');
  }
  if (options.keyspace !== undefined && (typeof options.keyspace !== 'string' || options.keyspace === '')) {
    throw new ArgumentError('keyspace must be a non-empty string');
  }
  if (options.localDataCenter !== undefined && (typeof options.localDataCenter !== 'string' || options.localDataCenter === '')) {
    throw new ArgumentError('localDataCenter must be a non-empty string');
  }
  return {
    contactPoints: contactPoints.map(parseContactPoint),
    localDataCenter: options.localDataCenter,
    discoverNodes: booleanOption(options.discoverNodes, true, 'discoverNodes'),
    maxSchemaAgreementWaitMs: 1000 * nonNegativeInt(options.maxSchemaAgreementWaitSeconds, 10, 'maxSchemaAgreementWaitSeconds'),
    keyspace: options.keyspace,
    consistency: checkConsistency(options.consistency ?? 'ONE', 'consistency'),
    fetchSize: positiveInt(options.fetchSize, 5000, 'fetchSize'),
    requestTimeoutMs: nonNegativeInt(options.requestTimeoutMs, 12_000, 'requestTimeoutMs'),
    connectTimeoutMs: positiveInt(options.connectTimeoutMs, 5000, 'connectTimeoutMs'),
    reconnectDelayMs: positiveInt(options.reconnectDelayMs, 1000, 'reconnectDelayMs'),
    reconnectDelayMaxMs: positiveInt(options.reconnectDelayMaxMs, 60_000, 'reconnectDelayMaxMs'),
    frameBytesMax: positiveInt(options.frameBytesMax, 256 * 1024 * 1024, 'frameBytesMax'),
    tls: sslOption(options.ssl),
    credentials: credentialsOption(options.credentials),
  };
}

function credentialsOption(value: unknown): Credentials | undefined {
  if (value === undefined) return undefined;
  const c = value as Partial<Credentials> | null;
  if (typeof c !== 'object' || c === null || typeof c.username !== 'string' || c.username === '' || typeof c.password !== 'string') {
    throw new ArgumentError('credentials must be { username, password } with a non-empty username and a password string');
  }
  return { username: c.username, password: c.password };
}

export function parseContactPoint(point: string): { host: string; port: number } {
  if (typeof point !== 'string' || point === '') throw new ArgumentError(`contactPoints entry ${String(point)} is not a "host" or "host:port" string`);
  // '[::1]:9042' and a bare IPv6 address both work; a single colon separates a port.
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(point);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2], point) };
  const parts = point.split(':');
  if (parts.length === 2) return { host: parts[0]!, port: portOf(parts[1], point) };
  return { host: point, port: DEFAULT_PORT };
}

function portOf(text: string | undefined, point: string): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ArgumentError(`contactPoints entry "${point}" has an invalid port`);
  return port;
}

export function checkConsistency(value: unknown, option: string): ConsistencyName {
  if (typeof value !== 'string' || !(CONSISTENCY_NAMES as readonly string[]).includes(value)) {
    throw new ArgumentError(`${option} must be one of ${CONSISTENCY_NAMES.join(', ')}; got ${String(value)}`);
  }
  return value as ConsistencyName;
}

export function positiveInt(value: unknown, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) <= 0) throw new ArgumentError(`${option} must be a positive integer; got ${String(value)}`);
  return value as number;
}

function nonNegativeInt(value: unknown, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) throw new ArgumentError(`${option} must be a non-negative integer; got ${String(value)}`);
  return value as number;
}

function booleanOption(value: unknown, fallback: boolean, option: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(`${option} must be true or false; got ${String(value)}`);
  return value;
}

function sslOption(value: unknown): TlsConnectionOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(`ssl must be true, false or an object of tls.connect options; got ${String(value)}`);
  }
  return value as TlsConnectionOptions;
}
