/**
 * Every error a client can see carries a protocol code and its structured
 * fields, as Cassandra's native protocol does. Servers throw these; the
 * transport encodes `code`, `message` and `fields()`; the driver rebuilds the
 * same class from them, so `err instanceof UnavailableError` and
 * `err.alive` work on both sides of the wire.
 */

export const ErrorCode = {
  Server: 0x0000,
  Protocol: 0x000a,
  Auth: 0x0100,
  Unavailable: 0x1000,
  Overloaded: 0x1001,
  IsBootstrapping: 0x1002,
  Truncate: 0x1003,
  WriteTimeout: 0x1100,
  ReadTimeout: 0x1200,
  ReadFailure: 0x1300,
  WriteFailure: 0x1500,
  Syntax: 0x2000,
  Unauthorized: 0x2100,
  Invalid: 0x2200,
  Config: 0x2300,
  AlreadyExists: 0x2400,
  Unprepared: 0x2500,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export type ErrorFields = Record<string, string | number | boolean | null>;

export abstract class SibylError extends Error {
  abstract readonly code: ErrorCodeValue;
  /** The structured fields sent next to the message (empty for most errors). */
  fields(): ErrorFields {
    return {};
  }
}

export class ServerError extends SibylError {
  readonly code = ErrorCode.Server;
  override readonly name = 'ServerError';
}

export class ProtocolError extends SibylError {
  readonly code = ErrorCode.Protocol;
  override readonly name = 'ProtocolError';
}

export class AuthenticationError extends SibylError {
  readonly code = ErrorCode.Auth;
  override readonly name = 'AuthenticationError';
}

export class SyntaxError extends SibylError {
  readonly code = ErrorCode.Syntax;
  override readonly name = 'SyntaxError';
}

export class InvalidRequestError extends SibylError {
  readonly code = ErrorCode.Invalid;
  override readonly name = 'InvalidRequest';
}

export class ConfigurationError extends SibylError {
  readonly code = ErrorCode.Config;
  override readonly name = 'ConfigurationException';
}

export class UnauthorizedError extends SibylError {
  readonly code = ErrorCode.Unauthorized;
  override readonly name = 'Unauthorized';
}

export class AlreadyExistsError extends SibylError {
  readonly code = ErrorCode.AlreadyExists;
  override readonly name = 'AlreadyExists';
  constructor(
    readonly keyspace: string,
    readonly table: string,
  ) {
    super(
      table === ''
        ? `Cannot add existing keyspace "${keyspace}"`
        : `Cannot add already existing table "${table}" to keyspace "${keyspace}"`,
    );
  }
  override fields(): ErrorFields {
    return { keyspace: this.keyspace, table: this.table };
  }
}

export class UnpreparedError extends SibylError {
  readonly code = ErrorCode.Unprepared;
  override readonly name = 'Unprepared';
  constructor(readonly id: string) {
    super(`Prepared query with ID ${id} not found`);
  }
  override fields(): ErrorFields {
    return { id: this.id };
  }
}

export class OverloadedError extends SibylError {
  readonly code = ErrorCode.Overloaded;
  override readonly name = 'Overloaded';
}

export class UnavailableError extends SibylError {
  readonly code = ErrorCode.Unavailable;
  override readonly name = 'Unavailable';
  constructor(
    readonly consistency: string,
    readonly required: number,
    readonly alive: number,
  ) {
    // Cassandra's wording; the arithmetic travels in the fields (required, alive), which clients show beside it.
    super(`Cannot achieve consistency level ${consistency}`);
  }
  override fields(): ErrorFields {
    return { consistency: this.consistency, required: this.required, alive: this.alive };
  }
}

export class WriteTimeoutError extends SibylError {
  readonly code = ErrorCode.WriteTimeout;
  override readonly name = 'WriteTimeout';
  constructor(
    readonly consistency: string,
    readonly received: number,
    readonly blockFor: number,
    readonly writeType: string,
  ) {
    super(
      `Operation timed out - received only ${received} responses. ` +
        `(consistency ${consistency}, ${blockFor} required, write type ${writeType})`,
    );
  }
  override fields(): ErrorFields {
    return {
      consistency: this.consistency,
      received: this.received,
      blockFor: this.blockFor,
      writeType: this.writeType,
    };
  }
}

/**
 * Replicas answered a write with an error (a full disk, say) so that the
 * level can no longer be reached: unlike WriteTimeout, the failing replicas
 * said why, and the message carries each one's reason as Cassandra's
 * WriteFailure does ("Operation failed - received 0 responses and 1
 * failures: ... from /127.0.0.1:7000").
 */
export class WriteFailureError extends SibylError {
  readonly code = ErrorCode.WriteFailure;
  override readonly name = 'WriteFailure';
  constructor(
    readonly consistency: string,
    readonly received: number,
    readonly blockFor: number,
    readonly numFailures: number,
    readonly writeType: string,
    /** Each failed replica's reason, as "reason from /endpoint", joined with ", ". */
    readonly reasons: string,
  ) {
    super(
      `Operation failed - received ${received} responses and ${numFailures} failures: ${reasons} ` +
        `(consistency ${consistency}, ${blockFor} required, write type ${writeType})`,
    );
  }
  override fields(): ErrorFields {
    return {
      consistency: this.consistency,
      received: this.received,
      blockFor: this.blockFor,
      numFailures: this.numFailures,
      writeType: this.writeType,
      reasons: this.reasons,
    };
  }
}

export class ReadTimeoutError extends SibylError {
  readonly code = ErrorCode.ReadTimeout;
  override readonly name = 'ReadTimeout';
  constructor(
    readonly consistency: string,
    readonly received: number,
    readonly blockFor: number,
    readonly dataPresent: boolean,
  ) {
    super(
      `Operation timed out - received only ${received} responses. ` +
        `(consistency ${consistency}, ${blockFor} required, data ${dataPresent ? '' : 'not '}present)`,
    );
  }
  override fields(): ErrorFields {
    return {
      consistency: this.consistency,
      received: this.received,
      blockFor: this.blockFor,
      dataPresent: this.dataPresent,
    };
  }
}

/** Rebuilds the error class a server sent, from its code, message and fields. */
export function errorFromWire(code: number, message: string, fields: ErrorFields): SibylError {
  const num = (k: string) => Number(fields[k] ?? 0);
  const str = (k: string) => String(fields[k] ?? '');
  let err: SibylError;
  switch (code) {
    case ErrorCode.Unavailable:
      err = new UnavailableError(str('consistency'), num('required'), num('alive'));
      break;
    case ErrorCode.WriteTimeout:
      err = new WriteTimeoutError(str('consistency'), num('received'), num('blockFor'), str('writeType'));
      break;
    case ErrorCode.WriteFailure:
      err = new WriteFailureError(str('consistency'), num('received'), num('blockFor'), num('numFailures'), str('writeType'), str('reasons'));
      break;
    case ErrorCode.ReadTimeout:
      err = new ReadTimeoutError(str('consistency'), num('received'), num('blockFor'), Boolean(fields['dataPresent']));
      break;
    case ErrorCode.AlreadyExists:
      err = new AlreadyExistsError(str('keyspace'), str('table'));
      break;
    case ErrorCode.Unprepared:
      err = new UnpreparedError(str('id'));
      break;
    case ErrorCode.Protocol:
      err = new ProtocolError(message);
      break;
    case ErrorCode.Auth:
      err = new AuthenticationError(message);
      break;
    case ErrorCode.Syntax:
      err = new SyntaxError(message);
      break;
    case ErrorCode.Invalid:
      err = new InvalidRequestError(message);
      break;
    case ErrorCode.Config:
      err = new ConfigurationError(message);
      break;
    case ErrorCode.Unauthorized:
      err = new UnauthorizedError(message);
      break;
    case ErrorCode.Overloaded:
      err = new OverloadedError(message);
      break;
    default:
      err = new ServerError(message);
  }
  // The server's text is authoritative: keep it even where the class would phrase it itself.
  err.message = message;
  return err;
}

/** A programmer error: a broken invariant. Assertions stay on in production. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
