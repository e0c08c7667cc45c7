/**
 * Node: the one composition root. It builds every part of a Sibyl node from
 * its settings and the clock and logger passed in — storage, the schema
 * catalog, the coordinator, the CQL query processor and the client protocol
 * server — and owns their start and stop order. Nothing below this folder
 * reaches for a global, so several nodes can live in one process (tests).
 */
import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/clock.js';
import { createAdminHandler } from '../admin/handler.js';
import { MeteredCoordinator, ProxyMetrics } from '../admin/metrics/metered-coordinator.js';
import { SingleNodeView } from '../admin/single-node-view.js';
import { LocalCoordinator } from '../coordinator/local.js';
import { CqlQueryProcessor } from '../cql/query-processor.js';
import { SchemaCatalog } from '../cql/schema-catalog.js';
import { tableLayout } from '../schema/table.js';
import { LevelEngine } from '../storage/engine.js';
import { ProtocolServer } from '../transport/server.js';
import { InvalidRequestError } from '../util/errors.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';

export interface NodeOptions {
  settings: Settings;
  clock?: Clock;
  log?: Logger;
}

export class SibylNode {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly settings: Settings,
    readonly clock: Clock,
    readonly log: Logger,
    readonly engine: LevelEngine,
    readonly catalog: SchemaCatalog,
    readonly processor: CqlQueryProcessor,
    private readonly server: ProtocolServer,
    /** Where clients reach this node (the port is the bound one when 0 was asked for). */
    readonly address: { host: string; port: number },
  ) {}

  /** Opens storage, loads the schema and starts serving clients. */
  static async start(options: NodeOptions): Promise<SibylNode> {
    const settings = options.settings;
    const clock = options.clock ?? new SystemClock();
    const log = options.log ?? createLogger(clock);

    // Storage asks the catalog for a table's layout when it orders keys, and the
    // catalog keeps its content in storage: the catalog is created first and
    // loaded once storage is open.
    let catalog: SchemaCatalog | undefined;
    const engine = new LevelEngine({
      path: settings.data_directory,
      clock,
      commitlogSync: settings.commitlog_sync,
      commitlogSyncPeriodMs: settings.commitlog_sync_period,
      layouts: (tableId) => {
        const table = catalog?.tableById(tableId);
        return table ? tableLayout(table) : undefined;
      },
    });
    await engine.open();
    try {
      catalog = new SchemaCatalog(engine, undefined, clock);
      await catalog.load();
      catalog.onTableDropped((table) => {
        engine.dropTable(table.id).catch((err: unknown) => log.error(`Releasing the data of dropped table ${table.keyspace}.${table.name} failed: ${String(err)}`));
      });
      const proxyMetrics = new ProxyMetrics();
      const coordinator = new MeteredCoordinator(new LocalCoordinator(engine), proxyMetrics, clock);
      const processor = new CqlQueryProcessor({ catalog, coordinator, clock, settings, log });
      // sibyltool's view of the node needs the bound client address, known only once the server listens.
      let admin: ((command: string, args: Record<string, unknown>) => Promise<unknown>) | undefined;
      const server = new ProtocolServer({
        processor,
        settings,
        admin: (command, args) => {
          if (!admin) return Promise.reject(new InvalidRequestError('the node is still starting'));
          return admin(command, args);
        },
        log: (level, msg) => log[level](msg),
      });
      const address = await server.listen(settings.listen_address, settings.native_transport_port);
      const view = await SingleNodeView.create({ settings, clock, catalog, store: engine, nativeAddress: address, metrics: proxyMetrics });
      admin = createAdminHandler(view);
      log.info(
        `Sibyl node '${settings.cluster_name}' listening for CQL clients on ${address.host}:${address.port} ` +
          `(data ${settings.data_directory}, commitlog_sync ${settings.commitlog_sync})`,
      );
      return new SibylNode(settings, clock, log, engine, catalog, processor, server, address);
    } catch (err) {
      await engine.close().catch(() => {});
      throw err;
    }
  }

  /**
   * Stops accepting clients, lets in-flight requests finish (up to
   * shutdown_drain_timeout), then flushes and closes storage. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info('Draining client requests');
      await this.server.close(this.settings.shutdown_drain_timeout);
      await this.engine.close();
      this.log.info('Storage closed; node stopped');
    })();
    return this.stopping;
  }
}
