/**
 * Node: the one composition root. It builds every part of a Sibyl node from
 * its settings and the clock, logger and randomness passed in, and owns their
 * start and stop order:
 *
 *   storage → schema catalog → internode messaging → gossip and the ring it
 *   builds → replica handlers, cluster coordinator, batchlog replay, schema
 *   propagation → CQL query processor → client protocol server.
 *
 * A node alone is a cluster of one: it gossips with nobody and owns the whole
 * ring. Nothing below this folder reaches for a global, so several nodes can
 * live in one process (tests).
 */
import { createAdminHandler } from '../admin/handler.js';
import { Cleanup } from '../admin/cleanup.js';
import { ClusterNodeView } from '../admin/cluster-node-view.js';
import { MeteredCoordinator, ProxyMetrics } from '../admin/metrics/metered-coordinator.js';
import { directoryBytes } from '../admin/disk-usage.js';
import { RELEASE_VERSION } from '../admin/release-version.js';
import type { Clock, Timer } from '../clock/clock.js';
import { SystemClock } from '../clock/clock.js';
import { HybridLogicalClock } from '../clock/hlc.js';
import { OffsetClock } from '../clock/offset-clock.js';
import type { RandomSource } from '../clock/random.js';
import { BatchlogReplayer } from '../coordinator/batchlog.js';
import { ClusterCoordinator } from '../coordinator/cluster.js';
import { registerReplicaHandlers } from '../coordinator/replica.js';
import { CqlQueryProcessor } from '../cql/query-processor.js';
import { SchemaCatalog } from '../cql/schema-catalog.js';
import { SchemaSync } from '../cql/schema-sync.js';
import { AccessControl } from '../cql/auth/access-control.js';
import { RoleStore } from '../cql/auth/role-store.js';
import { SuperuserSetup } from '../cql/auth/superuser-setup.js';
import { systemAuthEntries } from '../cql/auth/system-auth-schema.js';
import { statusOf } from '../gossip/endpoint-state.js';
import { Gossiper } from '../gossip/gossiper.js';
import { loadOrCreateHostId, saveBootstrapState } from '../gossip/identity.js';
import { registerHintHandler } from '../hints/hint-handler.js';
import { HintStore } from '../hints/hint-store.js';
import { HintedHandoff } from '../hints/hinted-handoff.js';
import { MessagingService } from '../net/messaging.js';
import { TombstonePurger } from '../repair/purger.js';
import { registerRepairHandlers } from '../repair/replica.js';
import { RepairService } from '../repair/service.js';
import { tableLayout } from '../schema/table.js';
import { LevelEngine } from '../storage/engine.js';
import { ProtocolServer } from '../transport/server.js';
import { InvalidRequestError } from '../util/errors.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Settings } from '../util/settings.js';
import type { ConsistencyName } from '../../grammar/ast.js';
import { gossipClusterEvents, gossipTopology } from './cluster-topology.js';
import { joinRing, startState } from './join.js';
import { RingView } from './ring-view.js';
import { checkSavedSettings } from './saved-settings.js';
import { forgetLeftNodes, TopologyService } from './topology.js';

export interface NodeOptions {
  settings: Settings;
  clock?: Clock;
  log?: Logger;
  random?: RandomSource;
}

/** How often a node publishes its bytes on disk (gossip's LOAD), as Cassandra does every minute. */
const LOAD_PUBLISH_INTERVAL_MS = 60_000;

type AdminHandler = (command: string, args: Record<string, unknown>) => Promise<unknown>;

/** The parts a running node stops, in the order it stops them. */
interface RunningParts {
  server: ProtocolServer;
  batchlog: BatchlogReplayer;
  handoff: HintedHandoff;
  schemaSync: SchemaSync;
  gossiper: Gossiper;
  messaging: MessagingService;
  engine: LevelEngine;
  loadTimer: Timer;
  purger: TombstonePurger;
  superuserSetup: SuperuserSetup | undefined;
}

export class SibylNode {
  private stopping: Promise<void> | undefined;
  private markStopped: () => void = () => {};
  private readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));

  private constructor(
    readonly settings: Settings,
    readonly clock: Clock,
    readonly log: Logger,
    readonly catalog: SchemaCatalog,
    readonly processor: CqlQueryProcessor,
    private readonly parts: RunningParts,
    /** Where clients reach this node (the port is the bound one when 0 was asked for). */
    readonly address: { host: string; port: number },
    /** This node's internode endpoint, as the ring names it. */
    readonly endpoint: string,
  ) {}

  /** Opens storage, joins the cluster (or starts one) and starts serving clients. */
  static async start(options: NodeOptions): Promise<SibylNode> {
    const settings = options.settings;
    const baseClock = options.clock ?? new SystemClock();
    // clock_offset rehearses a node whose clock is wrong: everything on the node reads the skewed time.
    const clock = settings.clock_offset !== 0 ? new OffsetClock(baseClock, settings.clock_offset) : baseClock;
    const log = options.log ?? createLogger(clock);
    if (settings.clock_offset !== 0) {
      log.warn(
        `clock_offset is ${settings.clock_offset} ms: this node's clock runs ${Math.abs(settings.clock_offset)} ms ` +
          `${settings.clock_offset > 0 ? 'ahead of' : 'behind'} the system clock, and the timestamps it assigns move with it (last-write-wins)`,
      );
    }
    const random = options.random ?? Math.random;
    const startedAtMs = clock.nowMs();

    // Storage asks the catalog for a table's layout when it orders keys, and the
    // catalog keeps its content in storage: the catalog is created first and
    // loaded once storage is open.
    let catalog: SchemaCatalog | undefined;
    const layouts = (tableId: string) => {
      const table = catalog?.tableById(tableId);
      return table ? tableLayout(table) : undefined;
    };
    const engine = new LevelEngine({
      path: settings.data_directory,
      clock,
      commitlogSync: settings.commitlog_sync,
      commitlogSyncPeriodMs: settings.commitlog_sync_period,
      layouts,
      log: (level, msg) => log[level](msg),
    });
    await engine.open();
    let messaging: MessagingService | undefined;
    let gossiper: Gossiper | undefined;
    try {
      await checkSavedSettings(engine, settings);
      catalog = new SchemaCatalog(engine, undefined, clock);
      await catalog.load();
      const schema = catalog;
      schema.onTableDropped((table) => {
        engine.dropTable(table.id).catch((err: unknown) => log.error(`Releasing the data of dropped table ${table.keyspace}.${table.name} failed: ${String(err)}`));
      });

      // Roles and permissions live in system_auth, whose fixed schema every node with auth on merges alike.
      const authOn = settings.authenticator !== 'AllowAllAuthenticator' || settings.authorizer !== 'AllowAllAuthorizer';
      if (authOn) await schema.merge(systemAuthEntries());

      messaging = new MessagingService({ settings, clock, log });
      await messaging.listen();
      const self = messaging.self;
      const gossip = (gossiper = new Gossiper({ self, messaging, clock, settings, log, store: engine, random }));
      const ringView = new RingView(gossip, { dc: settings.dc, rack: settings.rack }, log);

      registerReplicaHandlers(messaging, { engine, layouts, clock });
      registerRepairHandlers(messaging, { engine, layouts, buildParallelism: settings.repair_merkle_build_parallelism });
      const repair = new RepairService({
        self,
        messaging,
        engine,
        schema,
        ring: () => ringView.current(),
        isAlive: (ep) => gossip.isAlive(ep),
        settings,
        clock,
        random,
        log,
      });
      const purger = new TombstonePurger({
        engine,
        tableIds: () => schema.keyspaces().flatMap((k) => schema.tables(k.name).map((t) => t.id)),
        clock,
        log,
        intervalMs: settings.compaction_interval,
      });
      const messages = messaging;
      const handoff = new HintedHandoff({
        store: new HintStore(engine),
        settings,
        clock,
        log,
        self,
        membership: {
          hostIdOf: (ep) => gossip.stateOf(ep, 'HOST_ID'),
          endpointOf: (id) => [...gossip.endpoints().keys()].find((ep) => gossip.stateOf(ep, 'HOST_ID') === id),
          isAlive: (ep) => gossip.isAlive(ep),
          onAlive: (fn) => gossip.onAlive(fn),
          onDead: (fn) => gossip.onDead(fn),
        },
        send: async (ep, request) => void (await messages.request(ep, 'HINT', request, { timeoutMs: settings.write_request_timeout })),
        gcGraceSecondsOf: (tableId) => schema.tableById(tableId)?.options.gc_grace_seconds,
      });
      const cluster = new ClusterCoordinator({
        self,
        localDc: settings.dc,
        messaging,
        engine,
        ring: () => ringView.current(),
        pendingReplicas: (replication, token) => ringView.pendingReplicas(replication, token),
        dcOf: (ep) => ringView.dcOf(ep),
        isAlive: (ep) => gossip.isAlive(ep),
        settings,
        clock,
        log,
        onHint: handoff.offer,
        readRepairOf: (tableId) => schema.tableById(tableId)?.options.read_repair ?? 'BLOCKING',
      });
      const proxyMetrics = new ProxyMetrics();
      const coordinator = new MeteredCoordinator(cluster, proxyMetrics, clock);
      const batchlog = new BatchlogReplayer({ engine, coordinator: cluster, clock, settings, log, keyspaceOf: (name) => schema.keyspace(name) });

      const schemaSync = new SchemaSync({
        catalog: schema,
        messaging,
        membership: {
          livePeers: () => gossip.liveEndpoints().filter((ep) => ep !== self),
          onSchemaVersion: (listener) => {
            const offJoin = gossip.onJoin((ep, state) => {
              const version = state.states['SCHEMA']?.value;
              if (ep !== self && version !== undefined) listener(ep, version);
            });
            const offChange = gossip.onChange((ep, key, value) => {
              if (ep !== self && key === 'SCHEMA') listener(ep, value);
            });
            return () => {
              offJoin();
              offChange();
            };
          },
        },
        log,
      });
      schemaSync.start();
      schema.onChange(() => gossip.updateLocal('SCHEMA', schema.version));

      const hlc = new HybridLogicalClock({ clock, maxClockDriftMs: settings.max_clock_drift });
      const topology = gossipTopology(gossip, { dc: settings.dc, rack: settings.rack });
      // The role store runs its statements through the processor, which checks access through it.
      let internal: CqlQueryProcessor | undefined;
      const access = authOn
        ? new AccessControl({
            settings,
            clock,
            log,
            catalog: schema,
            store: new RoleStore(
              (cql, values, level) => internal!.executeInternal(cql, values, level),
              settings.auth_read_consistency_level as ConsistencyName,
              settings.auth_write_consistency_level as ConsistencyName,
            ),
          })
        : undefined;
      const processor = new CqlQueryProcessor({ catalog: schema, coordinator, clock, settings, log, hlc, topology, endpoint: self, ...(access ? { access } : {}) });
      internal = processor;
      // sibyltool's view of the node needs the bound client address, known only once the server listens.
      let admin: AdminHandler | undefined;
      const server = new ProtocolServer({
        processor,
        settings,
        admin: (command, args) => (admin ? admin(command, args) : Promise.reject(new InvalidRequestError('the node is still starting'))),
        log: (level, msg) => log[level](msg),
        clusterEvents: gossipClusterEvents(gossip),
        ...(access ? { authenticator: access } : {}),
      });

      // Gossip starts before clients are served, so the first request already sees the ring.
      const hostId = await loadOrCreateHostId(engine, random);
      registerHintHandler(messaging, engine, () => hostId);
      // Hints load and listen for returning targets before gossip can report any.
      await handoff.start();
      const start = await startState(engine);
      // Set once the node exists: a decommission ends by stopping it.
      let stopSelf = (): void => {};
      const ringChanges = new TopologyService({
        self,
        gossip,
        ringView,
        messaging,
        schema,
        store: engine,
        forgetHints: (id) => handoff.forget(id),
        settings,
        clock,
        random,
        log,
        stopNode: () => stopSelf(),
      });
      forgetLeftNodes(gossip, (id) => handoff.forget(id), log);
      // A node removed while it was down learns it from its peers when it comes back: it must not serve again.
      gossip.onLeftSelf((reason) => {
        log.error(`${reason}; stopping, and refusing to start again: to add it again as a new node, clear its data_directory first`);
        void saveBootstrapState(engine, 'REMOVED').then(
          () => stopSelf(),
          () => stopSelf(),
        );
      });
      await gossip.start({
        hostId,
        tokens: start.tokens,
        dc: settings.dc,
        rack: settings.rack,
        nativeAddress: `${settings.listen_address}:${settings.native_transport_port}`,
        schemaVersion: schema.version,
        status: start.status,
        releaseVersion: RELEASE_VERSION,
        loadBytes: await directoryBytes(settings.data_directory),
      });
      ringView.refresh();
      const bootstrapTokens =
        start.status === 'BOOT'
          ? await joinRing({ self, gossip, store: engine, ringView, settings, clock, random, log, resumeTokens: start.resumeTokens })
          : undefined;
      if (bootstrapTokens === undefined) ringChanges.markNormal();
      batchlog.start();
      purger.start();
      const loadTimer = clock.setInterval(() => {
        directoryBytes(settings.data_directory).then(
          (bytes) => gossip.updateLocal('LOAD', String(bytes)),
          () => {},
        );
      }, LOAD_PUBLISH_INTERVAL_MS);
      loadTimer.unref();

      const address = await server.listen(settings.listen_address, settings.native_transport_port);
      gossip.updateLocal('NATIVE_ADDRESS', `${address.host}:${address.port}`);
      const superuserSetup =
        access && access.required
          ? new SuperuserSetup({ access, settings, clock, log, isCreator: () => gossip.liveEndpoints().every((ep) => ep >= self) })
          : undefined;
      superuserSetup?.start();
      const generation = gossip.endpoints().get(self)?.heartbeat.generation ?? 0;
      admin = createAdminHandler(
        new ClusterNodeView({
          settings,
          clock,
          catalog: schema,
          gossiper: gossip,
          messaging,
          ring: () => ringView.current(),
          hostId,
          generation,
          nativeAddress: address,
          metrics: proxyMetrics,
          startedAtMs,
          nativeTransportActive: () => true,
          hints: handoff,
          readRepair: () => cluster.metrics.readRepair,
          readLocal: (command) => engine.read(command),
          repair,
          cleanup: new Cleanup({
            self,
            catalog: schema,
            engine,
            ring: () => ringView.current(),
            statuses: () => [...gossip.endpoints()].map(([ep, state]) => [ep, statusOf(state)]),
          }),
          streaming: () => [...ringChanges.streamingLines(), ...repair.streamingLines()],
          ringChanges,
        }),
      );
      const parts: RunningParts = { server, batchlog, handoff, schemaSync, gossiper: gossip, messaging, engine, loadTimer, purger, superuserSetup };
      const node = new SibylNode(settings, clock, log, schema, processor, parts, address, self);
      stopSelf = () => void node.stop();
      if (bootstrapTokens !== undefined) {
        // The node answers sibyltool (netstats shows the streams) and coordinates requests while it joins;
        // it serves reads of its own ranges only once NORMAL.
        log.info(`Bootstrapping: joining the ring with ${bootstrapTokens.length} tokens (sibyltool status shows UJ until it is done)`);
        try {
          await ringChanges.bootstrap(bootstrapTokens);
        } catch (err) {
          log.error((err as Error).message);
          await node.stop().catch(() => {});
          throw err;
        }
      }
      log.info(
        `Sibyl node '${settings.cluster_name}' listening for CQL clients on ${address.host}:${address.port} ` +
          `(internode ${self}, dc ${settings.dc}, rack ${settings.rack}, data ${settings.data_directory}, commitlog_sync ${settings.commitlog_sync})`,
      );
      return node;
    } catch (err) {
      await gossiper?.stop().catch(() => {});
      await messaging?.close().catch(() => {});
      await engine.close().catch(() => {});
      throw err;
    }
  }

  /** Resolves once the node has stopped, whoever stopped it (SIGTERM, or the end of a decommission). */
  whenStopped(): Promise<void> {
    return this.stopped;
  }

  /**
   * Stops accepting clients and lets in-flight requests finish (up to
   * shutdown_drain_timeout), tells the cluster it is shutting down, then
   * flushes and closes storage. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const p = this.parts;
      this.log.info('Draining client requests');
      await p.server.close(this.settings.shutdown_drain_timeout);
      p.loadTimer.cancel();
      p.batchlog.stop();
      p.superuserSetup?.stop();
      await p.purger.stop();
      await p.handoff.stop();
      p.schemaSync.stop();
      await p.gossiper.stop();
      await p.messaging.close();
      await p.engine.close();
      this.log.info('Storage closed; node stopped');
    })();
    this.stopping.then(this.markStopped, this.markStopped);
    return this.stopping;
  }
}
