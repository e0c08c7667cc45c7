/**
 * Statement-level entry points: one modification statement, or a BATCH of
 * them, into Partition mutations grouped by keyspace. Cassandra's batch rules
 * apply: a batch-level timestamp excludes statement-level ones, counters and
 * conditional (IF) statements are refused, the statement count is bounded,
 * and a batch past batch_size_warn_threshold warns, past
 * batch_size_fail_threshold is refused (batch-size.ts).
 */
import type { Batch, ModificationStatement, QualifiedName } from '../../../grammar/ast.js';
import type { TableMetadata } from '../../schema/table.js';
import type { Partition } from '../../storage/model.js';
import { InvalidRequestError } from '../../util/errors.js';
import type { Settings } from '../../util/settings.js';
import { bindInt } from '../terms.js';
import { checkBatchSize } from './batch-size.js';
import { MutationBuilder } from './builder.js';
import { buildDelete } from './delete.js';
import { buildInsert } from './insert.js';
import { buildUpdate } from './update.js';
import type { MutationContext } from './write-params.js';

/**
 * Cassandra's unlogged_batch_across_partitions_warn_threshold: an unlogged
 * batch spanning more partitions than this gets a warning.
 */
export const UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD = 10;

export interface BuiltMutations {
  byKeyspace: Map<string, Partition[]>;
  warnings: string[];
}

export function assertNoCondition(stmt: ModificationStatement): void {
  if ((stmt.kind === 'insert' && stmt.ifNotExists) || (stmt.kind !== 'insert' && stmt.ifExists)) {
    throw new InvalidRequestError('Conditional updates are not supported by Sibyl');
  }
}

async function addStatement(table: TableMetadata, stmt: ModificationStatement, ctx: MutationContext, builder: MutationBuilder): Promise<void> {
  assertNoCondition(stmt);
  if (stmt.kind === 'insert') buildInsert(table, stmt, ctx, builder);
  else if (stmt.kind === 'update') await buildUpdate(table, stmt, ctx, builder);
  else await buildDelete(table, stmt, ctx, builder);
}

export async function buildStatement(table: TableMetadata, stmt: ModificationStatement, ctx: MutationContext): Promise<BuiltMutations> {
  const builder = new MutationBuilder();
  await addStatement(table, stmt, ctx, builder);
  return { byKeyspace: builder.byKeyspace(), warnings: [] };
}

/**
 * `contexts[i]` is statement i's context: a protocol BATCH binds each
 * statement to its own values, a BATCH statement shares one set.
 */
export async function buildBatch(
  batch: Batch,
  tableOf: (name: QualifiedName) => TableMetadata,
  contexts: MutationContext[],
  limits: Pick<Settings, 'batch_size_max_statements' | 'batch_size_warn_threshold' | 'batch_size_fail_threshold'>,
): Promise<BuiltMutations> {
  const batchStatementsMax = limits.batch_size_max_statements;
  if (batch.type === 'COUNTER') throw new InvalidRequestError('Counter batches are not supported by Sibyl');
  if (batch.statements.length > batchStatementsMax) {
    throw new InvalidRequestError(
      `Batch of ${batch.statements.length} statements exceeds batch_size_max_statements (${batchStatementsMax})`,
    );
  }
  if (batch.using.ttl) throw new InvalidRequestError('Global TTL on the BATCH statement is not supported.');
  const builder = new MutationBuilder();
  const first = contexts[0];
  // One timestamp for the whole batch (unless statements set their own), so its writes are ordered as one.
  const batchTimestampUs =
    batch.using.timestamp && first
      ? bindInt(batch.using.timestamp, 'timestamp', first.term, first.defaultTimestampUs())
      : first
        ? first.defaultTimestampUs()
        : 0;
  const tables = new Set<string>();
  for (let i = 0; i < batch.statements.length; i++) {
    const stmt = batch.statements[i]!;
    if (batch.using.timestamp && stmt.using.timestamp) {
      throw new InvalidRequestError('Timestamp must be set either on BATCH or individual statements');
    }
    if (stmt.using.consistency) {
      throw new InvalidRequestError('Consistency must be set on the BATCH, not on its statements');
    }
    const table = tableOf(stmt.table);
    tables.add(`${table.keyspace}.${table.name}`);
    const ctx = contexts[i] ?? first!;
    await addStatement(table, stmt, { ...ctx, defaultTimestampUs: () => batchTimestampUs }, builder);
  }
  const byKeyspace = builder.byKeyspace();
  const warnings: string[] = [];
  const sizeWarning = checkBatchSize([...byKeyspace.values()].flat(), [...tables], limits);
  if (sizeWarning !== undefined) warnings.push(sizeWarning);
  if (batch.type === 'UNLOGGED' && builder.size > UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD) {
    warnings.push(
      `Unlogged batch covering ${builder.size} partitions detected against table${tables.size > 1 ? 's' : ''} [${[...tables].join(', ')}]. ` +
        'You should use a logged batch for atomicity, or asynchronous writes for performance.',
    );
  }
  return { byKeyspace, warnings };
}
