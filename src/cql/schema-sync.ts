/**
 * Schema propagation between nodes. A DDL statement changes the local
 * catalog; this pushes the catalog's entries to every live peer at once, and,
 * because a push can be missed (a peer down, a message dropped), also pulls
 * from any peer whose gossiped schema version differs from ours. Merging is
 * the catalog's last-write-wins per entry, so pushes and pulls in any order,
 * repeated or concurrent, leave every node with the same schema.
 */
import type { MessagingService } from '../net/messaging.js';
import type { EndpointId, SchemaSnapshot } from '../net/payloads.js';
import type { Logger } from '../util/log.js';
import type { SchemaCatalog } from './schema-catalog.js';

/** What schema propagation needs of cluster membership (gossip provides it). */
export interface SchemaMembership {
  /** Live peers, not including this node. */
  livePeers(): EndpointId[];
  /** Calls back whenever a peer's gossiped schema version is learned or changes. */
  onSchemaVersion(listener: (peer: EndpointId, version: string) => void): () => void;
}

export interface SchemaSyncOptions {
  catalog: SchemaCatalog;
  messaging: Pick<MessagingService, 'handle' | 'send' | 'request'>;
  membership: SchemaMembership;
  log: Logger;
}

export class SchemaSync {
  /** Peers a pull is under way from: one at a time each. */
  private readonly pulling = new Set<EndpointId>();
  private pushScheduled = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: SchemaSyncOptions) {}

  start(): void {
    const { catalog, messaging, membership } = this.opts;
    messaging.handle('SCHEMA_PUSH', (snapshot) => this.mergeFrom(snapshot));
    messaging.handle('SCHEMA_PULL', () => this.snapshot());
    this.unsubscribe.push(
      // Every change is pushed, merged ones too: a peer that already holds our
      // version ignores it, and a merge that changes nothing announces nothing,
      // so the exchange stops once everyone agrees.
      catalog.onChange(() => this.schedulePush()),
      membership.onSchemaVersion((peer, version) => {
        if (version !== catalog.version) void this.pullFrom(peer);
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Asks a peer for its schema and merges it; failures are logged and retried on the next version gossip. */
  async pullFrom(peer: EndpointId): Promise<void> {
    if (this.pulling.has(peer)) return;
    this.pulling.add(peer);
    try {
      const snapshot = await this.opts.messaging.request(peer, 'SCHEMA_PULL', {});
      await this.mergeFrom(snapshot);
    } catch (err) {
      this.opts.log.warn(`Pulling the schema from ${peer} failed: ${(err as Error).message}`);
    } finally {
      this.pulling.delete(peer);
    }
  }

  private snapshot(): SchemaSnapshot {
    return { version: this.opts.catalog.version, entries: this.opts.catalog.entries() };
  }

  /** Several changes in one event-loop turn (a DROP KEYSPACE and its tables) make one push. */
  private schedulePush(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      this.pushToAll();
    });
  }

  private pushToAll(): void {
    const snapshot = this.snapshot();
    for (const peer of this.opts.membership.livePeers()) {
      try {
        this.opts.messaging.send(peer, 'SCHEMA_PUSH', snapshot);
      } catch (err) {
        // A full send queue or an oversized schema: the peer will pull when it sees our version.
        this.opts.log.warn(`Pushing the schema to ${peer} failed: ${(err as Error).message}`);
      }
    }
  }

  private async mergeFrom(snapshot: SchemaSnapshot): Promise<void> {
    if (snapshot.version === this.opts.catalog.version) return;
    const changes = await this.opts.catalog.merge(snapshot.entries);
    if (changes.length > 0) this.opts.log.info(`Schema merged: ${changes.map((c) => `${c.change} ${c.keyspace}${c.table ? '.' + c.table : ''}`).join(', ')}`);
  }
}
