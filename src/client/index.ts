/**
 * The Sibyl Node.js driver (the package's main export).
 *
 *   const client = new Client({ contactPoints: ['127.0.0.1'], keyspace: 'shop' });
 *   await client.connect();
 *   const rs = await client.execute('SELECT * FROM carts WHERE id = ?', [id]);
 *
 * Server errors arrive as the classes below (`err instanceof UnavailableError`,
 * `err.alive`); the driver's own failures are DriverError subclasses.
 */
export { Client } from './client.js';
export type { BatchOptions, BatchQuery, ClientState, EndCallback, ExecuteOptions, ResultCallback, RowCallback } from './client.js';
export type { ClientOptions } from './options.js';
export type { Credentials } from './connection.js';
export { ResultSet } from './result-set.js';
export type { ExecutionInfo, ResultColumn, Row } from './result-set.js';
export type { Params } from './params.js';
export type { HostState } from './host-pool.js';
export { MonotonicTimestampGenerator } from './timestamp.js';
export type { TimestampGenerator } from './timestamp.js';
export {
  ArgumentError,
  BusyConnectionError,
  ClientShutdownError,
  ConnectionClosedError,
  DriverError,
  NoHostAvailableError,
  OperationTimedOutError,
} from './errors.js';
export {
  AlreadyExistsError,
  AuthenticationError,
  ConfigurationError,
  ErrorCode,
  InvalidRequestError,
  OverloadedError,
  ProtocolError,
  ReadTimeoutError,
  ServerError,
  SibylError,
  SyntaxError,
  UnauthorizedError,
  UnavailableError,
  UnpreparedError,
  WriteTimeoutError,
} from '../util/errors.js';
export type { SchemaChange } from '../cql/result.js';
export type { ConsistencyName } from '../../grammar/ast.js';
