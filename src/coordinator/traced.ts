/**
 * A Coordinator bound to one request's Tracer, so code that only holds a
 * Coordinator (the SELECT executor, a read-before-write) traces without
 * knowing tracing exists. Made only for traced requests.
 */
import type { Tracer } from '../util/tracing.js';
import type { Coordinator } from './coordinator.js';

export function withTracer(inner: Coordinator, trace: Tracer): Coordinator {
  return {
    write: (keyspace, partitions, consistency, writeType) => inner.write(keyspace, partitions, consistency, writeType, trace),
    writeLoggedBatch: (writes, consistency) => inner.writeLoggedBatch(writes, consistency, trace),
    read: (keyspace, layout, commands, consistency) => inner.read(keyspace, layout, commands, consistency, trace),
    scan: (keyspace, layout, command, consistency) => inner.scan(keyspace, layout, command, consistency, trace),
    truncate: (keyspace, tableId) => inner.truncate(keyspace, tableId, trace),
  };
}
