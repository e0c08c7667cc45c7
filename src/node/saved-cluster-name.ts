/**
 * The cluster a node's data belongs to. The first start records cluster_name
 * next to the node's host id and tokens; a later start configured with
 * another name is refused, as Cassandra refuses it at start-up ("Saved
 * cluster name Test Cluster != configured name Other"). Otherwise a data
 * directory copied, or a config file edited, would carry one cluster's data,
 * host id and tokens into another cluster, whose nodes would take it for one
 * of their own.
 */
import type { MetaStore } from '../gossip/identity.js';
import { ConfigurationError } from '../util/errors.js';

export const CLUSTER_NAME_KEY = 'local/cluster_name';

/** Records `configured` on a first start; throws a ConfigurationError naming both names when the data says otherwise. */
export async function checkSavedClusterName(store: MetaStore, configured: string): Promise<void> {
  const saved = (await store.getMeta(CLUSTER_NAME_KEY))?.toString('utf8');
  if (saved === undefined) {
    await store.putMeta(CLUSTER_NAME_KEY, Buffer.from(configured, 'utf8'));
    return;
  }
  if (saved !== configured) throw new ConfigurationError(`Saved cluster name ${saved} != configured name ${configured} (cluster_name)`);
}
