/**
 * What the server does for each request: turns a typed request into calls on
 * the QueryProcessor (or the admin hook) and returns the response opcode and
 * body. It knows nothing of sockets; the connection feeds it and writes what
 * it returns.
 */
import type { ClientAuthenticator } from '../cql/auth/access-control.js';
import type { BatchEntry, QueryOptions, QueryProcessor, Session } from '../cql/processor.js';
import type { ResultEnvelope } from '../cql/result.js';
import { CQL_VERSION } from '../cql/system-schema.js';
import { AuthenticationError, InvalidRequestError, UnauthorizedError } from '../util/errors.js';
import type { PagingFields, Request, ResultBody, SupportedBody } from './protocol.js';
import { Opcode, PROTOCOL_VERSION } from './protocol.js';

export type AdminHandler = (command: string, args: Record<string, unknown>) => Promise<unknown>;

/** The per-connection facts a request may read or change. */
export interface ConnectionContext {
  readonly session: Session;
  /** The client's IP address, as a trace names it. */
  readonly clientAddress?: string;
  /** Subscribes this connection to schema events (REGISTER). */
  registerSchemaEvents(): void;
  /** Subscribes this connection to topology and status events (REGISTER); a no-op where the server has no source of them. */
  registerClusterEvents(types: readonly ('TOPOLOGY_CHANGE' | 'STATUS_CHANGE')[]): void;
}

export interface Response {
  opcode: number;
  body: unknown;
}

/** The CQL version is the one system.local's cql_version reports, so a driver reading either sees the same. */
export const SUPPORTED: SupportedBody = { versions: [PROTOCOL_VERSION], cqlVersion: CQL_VERSION, compression: [] };

export class RequestDispatcher {
  constructor(
    private readonly processor: QueryProcessor,
    private readonly admin: AdminHandler | undefined,
    /** Without one (or with AllowAllAuthenticator) every client is served without logging in. */
    private readonly authenticator?: ClientAuthenticator,
  ) {}

  async dispatch(ctx: ConnectionContext, req: Request): Promise<Response> {
    const loginRequired = this.authenticator?.required === true;
    if (loginRequired && ctx.session.user === undefined && !BEFORE_LOGIN.has(req.opcode)) {
      throw new UnauthorizedError('You have not logged in');
    }
    switch (req.opcode) {
      case Opcode.STARTUP:
        if (req.body.options.keyspace !== undefined) ctx.session.keyspace = req.body.options.keyspace;
        if (loginRequired) return { opcode: Opcode.AUTHENTICATE, body: { authenticator: this.authenticator!.name } };
        return ready();
      case Opcode.AUTH_RESPONSE: {
        // Without an authenticator every credential is accepted, as AllowAllAuthenticator does.
        if (!loginRequired) return ready();
        const { username, password } = plainCredentials(req.body.token);
        ctx.session.user = await this.authenticator!.authenticate(username, password);
        return { opcode: Opcode.AUTH_SUCCESS, body: {} };
      }
      case Opcode.OPTIONS:
        return { opcode: Opcode.SUPPORTED, body: SUPPORTED };
      case Opcode.QUERY:
        return this.envelope(ctx, await this.processor.query(ctx.session, req.body.query, queryOptions(req.body)));
      case Opcode.PREPARE: {
        // A PREPARE naming its keyspace does not depend on (or change) the connection's keyspace.
        const session = req.body.keyspace !== undefined ? { keyspace: req.body.keyspace } : ctx.session;
        const prepared = await this.processor.prepare(session, req.body.query);
        return result({ result: { kind: 'prepared', prepared }, warnings: [] });
      }
      case Opcode.EXECUTE:
        return this.envelope(
          ctx,
          await this.processor.execute(ctx.session, req.body.id, req.body.values, queryOptions(req.body)),
        );
      case Opcode.BATCH: {
        const entries: BatchEntry[] = req.body.entries;
        const envelope = await this.processor.batch(ctx.session, entries, {
          type: req.body.type,
          consistency: req.body.consistency,
          timestampUs: timestampUs(req.body.timestamp),
          ...(req.body.tracing ? { tracing: true } : {}),
        });
        return this.envelope(ctx, envelope);
      }
      case Opcode.REGISTER:
      {
        if (req.body.events.includes('SCHEMA_CHANGE')) ctx.registerSchemaEvents();
        const cluster = req.body.events.filter((e) => e === 'TOPOLOGY_CHANGE' || e === 'STATUS_CHANGE');
        if (cluster.length > 0) ctx.registerClusterEvents(cluster);
        return ready();
      }
      case Opcode.ADMIN: {
        if (!this.admin) throw new InvalidRequestError('this server does not accept ADMIN commands');
        await this.authenticator?.requireAdmin(ctx.session);
        const value = await this.admin(req.body.command, req.body.args);
        return result({ result: { kind: 'admin', value }, warnings: [] });
      }
    }
  }

  private envelope(ctx: ConnectionContext, envelope: ResultEnvelope): Response {
    // USE changes this connection's keyspace, and only this connection's.
    if (envelope.result.kind === 'setKeyspace') ctx.session.keyspace = envelope.result.keyspace;
    if (envelope.trace) {
      const trace = ctx.clientAddress === undefined ? envelope.trace : { ...envelope.trace, client: ctx.clientAddress };
      return result({ result: envelope.result, warnings: envelope.warnings, trace });
    }
    return result({ result: envelope.result, warnings: envelope.warnings });
  }
}

/** Requests a client may send before it has logged in. */
const BEFORE_LOGIN: ReadonlySet<number> = new Set([Opcode.STARTUP, Opcode.OPTIONS, Opcode.AUTH_RESPONSE]);

/** Splits a SASL PLAIN token (`[authzid] NUL username NUL password`). */
export function plainCredentials(token: Buffer | string): { username: string; password: string } {
  const parts = (typeof token === 'string' ? token : token.toString('utf8')).split('\u0000');
  if (parts.length !== 3) throw new AuthenticationError('Authentication failed: the token is not a SASL PLAIN token (authzid NUL username NUL password)');
  const [, username, password] = parts as [string, string, string];
  if (username === '') throw new AuthenticationError('Authentication ID must not be null');
  if (password === '') throw new AuthenticationError('Password must not be null');
  return { username, password };
}

function ready(): Response {
  return { opcode: Opcode.READY, body: {} };
}

function result(body: ResultBody): Response {
  return { opcode: Opcode.RESULT, body };
}

function queryOptions(body: PagingFields): QueryOptions {
  return {
    consistency: body.consistency,
    fetchSize: body.fetchSize,
    pageState: body.pageState,
    timestampUs: timestampUs(body.timestamp),
    ...(body.tracing ? { tracing: true } : {}),
  };
}

/** Timestamps arrive as numbers or, past 2^53 or from a bigint sender, as bigints. */
function timestampUs(ts: number | bigint | undefined): number | undefined {
  if (ts === undefined) return undefined;
  if (typeof ts === 'number') return ts;
  if (ts > BigInt(Number.MAX_SAFE_INTEGER) || ts < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new InvalidRequestError(`timestamp ${ts} is outside the exactly representable range of microseconds`);
  }
  return Number(ts);
}
