/**
 * The timestamp, TTL and local time one modification statement writes with,
 * and the cells and deletions made from them. Timestamp precedence is
 * Cassandra's: USING TIMESTAMP, then the batch's, then the client's, then the
 * coordinator's generator. TTL: USING TTL, else the table's
 * default_time_to_live; 0 means the cell never expires.
 */
import type { UsingClause } from '../../../grammar/ast.js';
import type { Settings } from '../../util/settings.js';
import type { TableMetadata } from '../../schema/table.js';
import { NO_DELETION_TIME, type Cell, type DeletionTime } from '../../storage/model.js';
import { InvalidRequestError } from '../../util/errors.js';
import { TTL_MAX_S } from '../ddl/table-ddl.js';
import { bindInt, type TermContext } from '../terms.js';
import type { TimeUuidGenerator } from '../timeuuid.js';
import type { ReadCommand, Partition } from '../../storage/model.js';

/** What building mutations needs besides the statement. */
export interface MutationContext {
  term: TermContext;
  settings: Settings;
  /** The timestamp when the statement sets none (the batch's, the client's, or the coordinator's). */
  defaultTimestampUs: () => number;
  timeUuids: TimeUuidGenerator;
  /** Reads current data for list operations that need it (`l[i] = v`, `l = l - [...]`). */
  read: (table: TableMetadata, command: ReadCommand) => Promise<Partition | undefined>;
}

export interface WriteParams {
  timestampUs: number;
  ttlS: number;
  nowS: number;
  maxValueBytes: number;
}

export function writeParams(table: TableMetadata, using: UsingClause, ctx: MutationContext, isDelete: boolean): WriteParams {
  const timestampUs = using.timestamp ? bindInt(using.timestamp, 'timestamp', ctx.term, Number.NaN) : Number.NaN;
  let ttlS = table.options.default_time_to_live;
  if (using.ttl) {
    if (isDelete) throw new InvalidRequestError('TTL attribute is not allowed for deletes');
    ttlS = bindInt(using.ttl, 'ttl', ctx.term, table.options.default_time_to_live);
    if (ttlS < 0) throw new InvalidRequestError(`A TTL must be greater or equal to 0, but was ${ttlS}`);
    if (ttlS > TTL_MAX_S) throw new InvalidRequestError(`ttl is too large. requested (${ttlS}) maximum (${TTL_MAX_S})`);
  }
  return {
    timestampUs: Number.isNaN(timestampUs) ? ctx.defaultTimestampUs() : timestampUs,
    ttlS: isDelete ? 0 : ttlS,
    nowS: ctx.term.clock.nowS(),
    maxValueBytes: ctx.settings.max_value_size,
  };
}

export function liveCell(value: Buffer, params: WriteParams, column: string, timestampUs = params.timestampUs): Cell {
  if (value.length > params.maxValueBytes) {
    throw new InvalidRequestError(
      `Value of ${value.length} bytes for column ${column} exceeds max_value_size (${params.maxValueBytes})`,
    );
  }
  return {
    value,
    timestampUs,
    ttlS: params.ttlS,
    localDeletionTimeS: params.ttlS > 0 ? params.nowS + params.ttlS : NO_DELETION_TIME,
  };
}

export function tombstoneCell(params: WriteParams): Cell {
  return { value: null, timestampUs: params.timestampUs, ttlS: 0, localDeletionTimeS: params.nowS };
}

export function deletionAt(params: WriteParams, timestampUs = params.timestampUs): DeletionTime {
  return { timestampUs, localDeletionTimeS: params.nowS };
}
