import { expect } from 'chai';
import { ManualClock } from '../../../src/clock/clock.js';
import { seededRandom } from '../../../src/clock/random.js';
import { SchemaCatalog } from '../../../src/cql/schema-catalog.js';
import { ProxyMetrics } from '../../../src/admin/metrics/metered-coordinator.js';
import { SingleNodeView } from '../../../src/admin/single-node-view.js';
import { murmur3Token } from '../../../src/ring/murmur3.js';
import { DEFAULT_SETTINGS } from '../../../src/util/settings.js';
import { MemorySchemaStore } from '../cql/memory-schema-store.js';

async function makeView(store = new MemorySchemaStore()) {
  const catalog = new SchemaCatalog(store);
  const settings = { ...DEFAULT_SETTINGS, data_directory: '/nonexistent/sibyl-test', listen_address: '127.0.0.5' };
  const view = await SingleNodeView.create({
    settings,
    clock: new ManualClock(1_700_000_000_000_000),
    catalog,
    store,
    nativeAddress: { host: '127.0.0.5', port: 9042 },
    metrics: new ProxyMetrics(),
    random: seededRandom(7),
  });
  return { view, store, catalog };
}

describe('SingleNodeView', () => {
  it('keeps its host id across restarts', async () => {
    const { view, store } = await makeView();
    expect(view.hostId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await makeView(store);
    expect(again.view.hostId).to.equal(view.hostId);
  });

  it('is the whole ring: one member, up and normal, holding the token of its host id and owning everything', async () => {
    const { view } = await makeView();
    const ring = await view.ring();
    expect(ring).to.deep.equal([
      {
        endpoint: '127.0.0.5:7000',
        hostId: view.hostId,
        dc: 'datacenter1',
        rack: 'rack1',
        tokens: [murmur3Token(Buffer.from(view.hostId, 'utf8'))],
        status: 'UN',
        loadBytes: 0,
        clockOffsetMs: 0,
        nativeAddress: '127.0.0.5:9042',
        releaseVersion: view.releaseVersion,
        schemaVersion: view.catalog.version,
      },
    ]);
    expect([...view.ownership()]).to.deep.equal([['127.0.0.5:7000', 1]]);
    expect([...view.ownership({ class: 'SimpleStrategy', factors: { replication_factor: 3 } })]).to.deep.equal([['127.0.0.5:7000', 1]]);
    expect(view.naturalReplicas('system', Buffer.from('any key'))).to.deep.equal(['127.0.0.5:7000']);
    expect([...view.schemaVersions()]).to.deep.equal([[view.catalog.version, ['127.0.0.5:7000']]]);
  });

  it('shows in gossipinfo the state it would publish', async () => {
    const { view } = await makeView();
    const [info] = view.gossipInfo();
    expect(info!.endpoint).to.equal('127.0.0.5:7000');
    expect(info!.generation).to.equal(1_700_000_000);
    expect(Object.keys(info!.states)).to.deep.equal(['STATUS', 'TOKENS', 'DC', 'RACK', 'SCHEMA', 'HOST_ID', 'NATIVE_ADDRESS', 'RELEASE_VERSION']);
    expect(info!.states['HOST_ID']).to.deep.equal({ value: view.hostId, version: 6 });
  });
});
