/**
 * Errors the driver raises itself, as opposed to the server's errors, which
 * arrive as the SibylError classes of src/util/errors.ts (rebuilt by
 * errorFromWire, so `err instanceof UnavailableError` works here too).
 */

/** Base of the driver's own errors; `code` is a stable string to branch on. */
export class DriverError extends Error {
  override readonly name: string = 'DriverError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The server did not answer within the bound named by `option`
 * (requestTimeoutMs for requests, connectTimeoutMs while connecting). The
 * request may still have been applied.
 */
export class OperationTimedOutError extends DriverError {
  override readonly name = 'OperationTimedOutError';
  constructor(
    readonly host: string,
    readonly timeoutMs: number,
    /** The driver option that set the bound, so the message says what to raise. */
    readonly option: string = 'requestTimeoutMs',
  ) {
    super(`The host ${host} did not reply before timeout ${timeoutMs} ms (the driver option ${option})`, 'ERR_SIBYL_TIMEOUT');
  }
}

/** The connection carrying a request closed before its answer came. The request may have been applied. */
export class ConnectionClosedError extends DriverError {
  override readonly name = 'ConnectionClosedError';
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`Connection to ${host} closed: ${reason}`, 'ERR_SIBYL_CONNECTION_CLOSED');
  }
}

/**
 * Every stream id of the connection to `host` carries a request already
 * (the protocol's STREAM_ID_MAX). Nothing was sent, so as in DataStax's
 * driver the request moves on to the next host of its plan whether or not
 * it is idempotent; this error is what a plan of only busy hosts reports.
 */
export class BusyConnectionError extends DriverError {
  override readonly name = 'BusyConnectionError';
  constructor(
    readonly host: string,
    readonly maxRequests: number,
  ) {
    super(`All ${maxRequests} stream ids of the connection to ${host} are in use`, 'ERR_SIBYL_BUSY');
  }
}

/** Every host was tried or none is reachable; `innerErrors` holds the last error per host. */
export class NoHostAvailableError extends DriverError {
  override readonly name = 'NoHostAvailableError';
  constructor(readonly innerErrors: Record<string, Error>) {
    const detail = Object.entries(innerErrors)
      .map(([host, err]) => `${host}: ${err.message}`)
      .join('; ');
    super(`All host(s) tried for query failed (${detail || 'no hosts'})`, 'ERR_SIBYL_NO_HOST');
  }
}

/** A request made after shutdown(), or cut short by it (`inFlight`: it may then have been applied). */
export class ClientShutdownError extends DriverError {
  override readonly name = 'ClientShutdownError';
  constructor(readonly inFlight = false) {
    super(
      inFlight ? 'The client was shut down while the request was in flight; it may have been applied' : 'The client has been shut down',
      'ERR_SIBYL_SHUTDOWN',
    );
  }
}

/** An option or argument the driver cannot use; the message names it. */
export class ArgumentError extends DriverError {
  override readonly name = 'ArgumentError';
  constructor(message: string) {
    super(message, 'ERR_SIBYL_ARGUMENT');
  }
}
