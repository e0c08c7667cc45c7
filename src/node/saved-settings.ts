/**
 * Settings a node's data is bound to: the cluster it belongs to and where it
 * sits in it. Each start records cluster_name, dc and rack next to the node's
 * host id and tokens; once the node owns tokens, a start configured
 * otherwise is refused, in Cassandra's words ("Saved cluster name Test
 * Cluster != configured name Other", "Cannot start node if snitch's data
 * center (dc2) differs from previous data center (dc1)"). A node moved to
 * another cluster would carry its data, host id and tokens into it; one
 * moved to another datacenter or rack would keep its tokens while replica
 * placement put its ranges elsewhere, so reads would miss what it holds.
 * A node that never joined (no tokens yet) owns nothing: its settings are
 * simply recorded again, so a first start that failed can be fixed in place.
 */
import { loadTokens, type MetaStore } from '../gossip/identity.js';
import { ConfigurationError } from '../util/errors.js';
import type { Settings } from '../util/settings.js';

export const CLUSTER_NAME_KEY = 'local/cluster_name';
export const DC_KEY = 'local/dc';
export const RACK_KEY = 'local/rack';

/** Throws a ConfigurationError naming the setting when the data was saved under another value of it; records them otherwise. */
export async function checkSavedSettings(store: MetaStore, settings: Pick<Settings, 'cluster_name' | 'dc' | 'rack'>): Promise<void> {
  const saved = async (key: string) => (await store.getMeta(key))?.toString('utf8');
  if ((await loadTokens(store)).length > 0) {
    const [clusterName, dc, rack] = [await saved(CLUSTER_NAME_KEY), await saved(DC_KEY), await saved(RACK_KEY)];
    if (clusterName !== undefined && clusterName !== settings.cluster_name) {
      throw new ConfigurationError(`Saved cluster name ${clusterName} != configured name ${settings.cluster_name} (cluster_name)`);
    }
    if (dc !== undefined && dc !== settings.dc) {
      throw new ConfigurationError(
        `Cannot start node if its data center (${settings.dc}) differs from previous data center (${dc}). ` +
          'Please fix the dc setting, or decommission this node and bootstrap it again with an empty data_directory.',
      );
    }
    if (rack !== undefined && rack !== settings.rack) {
      throw new ConfigurationError(
        `Cannot start node if its rack (${settings.rack}) differs from previous rack (${rack}). ` +
          'Please fix the rack setting, or decommission this node and bootstrap it again with an empty data_directory.',
      );
    }
  }
  for (const [key, value] of [[CLUSTER_NAME_KEY, settings.cluster_name], [DC_KEY, settings.dc], [RACK_KEY, settings.rack]] as const) {
    if ((await saved(key)) !== value) await store.putMeta(key, Buffer.from(value, 'utf8'));
  }
}
